import { inspect } from 'node:util';
import { PayError } from '../../src/client/errors';
import { PayClient } from '../../src/client/pay-client';
import { json, startScriptedServer } from '../helpers/scripted-server';
import type { RecordedRequest, Script, ScriptedServer } from '../helpers/scripted-server';
import { API_KEY, PAYMENT_ID, recordingSleep, validCreateRequest } from './bodies';

/*
 * Issue 10: a proxy that echoes the Authorization header into the error JSON put the API key in
 * `err.code` (only description, field and header were dropped), and from there in the message,
 * `toJSON()` and every log line. Every field of every error is now scrubbed, the code included,
 * and so is a partial echo: the key without `Bearer `, or without its `api_test_` prefix.
 */

const SECRET_PART = API_KEY.slice('api_test_'.length);

function everyRendering(error: PayError): string[] {
  return [
    String(error.code),
    String(error.field),
    String(error.description),
    String(error.header),
    error.message,
    JSON.stringify(error.toJSON()),
    JSON.stringify(error),
    inspect(error, { showHidden: true, depth: Infinity }),
    String(error.stack),
    String(error),
  ];
}

let server: ScriptedServer;
let client: PayClient;
beforeEach(async () => {
  server = await startScriptedServer();
  client = new PayClient({
    apiKey: API_KEY,
    apiBaseUrl: server.url,
    maxRetries: 0,
    sleep: recordingSleep().sleep,
  });
});
afterEach(async () => {
  client.close();
  await server.close();
});

const auth = (req: RecordedRequest): string => String(req.headers.authorization);

const echoes: [string, Script][] = [
  [
    'the whole header in every field',
    (req) => json(400, { code: auth(req), field: auth(req), description: auth(req) }),
  ],
  ['the whole header in the code alone', (req) => json(400, { code: auth(req) })],
  ['the key without "Bearer " in the code', () => json(400, { code: API_KEY })],
  ['the key without its prefix in the code', () => json(422, { code: SECRET_PART })],
  [
    'the key inside a longer code',
    (req) => json(400, { code: `P0102 rejected ${auth(req)} at the edge` }),
  ],
  ['the key in the header field of a 401', (req) => json(401, { header: auth(req) })],
  ['the key in the code of a 429', (req) => json(429, { code: auth(req) })],
  ['the key in the code of a 500', () => json(500, { code: API_KEY, description: 'proxy' })],
  [
    'the key nested under the fields',
    (req) =>
      json(400, {
        code: { value: auth(req) },
        field: [auth(req)],
        description: { nested: { deeper: auth(req) } },
      }),
  ],
];

describe('an error body that echoes the API key', () => {
  it.each(echoes)('%s: the key is nowhere on the error', async (_label, script) => {
    server.reply(script);
    const error = await client.getPayment(PAYMENT_ID).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PayError);
    for (const text of everyRendering(error as PayError)) {
      expect(text).not.toContain(SECRET_PART);
    }
  });

  it('keeps a code that does not echo the key', async () => {
    server.reply((req) => json(400, { code: 'P0102', field: 'amount', description: auth(req) }));
    const error = (await client
      .createPayment(validCreateRequest)
      .catch((e: unknown) => e)) as PayError;
    expect(error.code).toBe('P0102');
    expect(error.field).toBe('amount');
    expect(error.description).toBeUndefined();
    expect(error.message).not.toContain(SECRET_PART);
  });
});
