import { commandFlags, UsageError } from './cli-flags.js';
import { TEST_CARDS } from './cards.js';
import { generateTestApiKey } from './ids.js';
import type { SimulatorOptions } from './options.js';
import { crossSiteOrigin } from './engine.js';
import { createSimulator } from './simulator.js';
import { generateWebhookSecret } from './webhooks/index.js';

/** Where a CLI command writes, and what stops it; injectable so tests need no child process. */
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
  /** Resolves when the command should stop. @default the first SIGINT or SIGTERM */
  stopSignal?: Promise<unknown>;
}

export const SIMULATOR_USAGE = `Usage: govuk-pay-express simulator [options]

Runs the offline GOV.UK Pay simulator on 127.0.0.1 until Ctrl+C.

Options:
  --port N          port to listen on (default 4567; 0 picks a free port)
  --host 127.0.0.1  the only host it binds to: it is for local use only
  --api-key KEY     accept only this key (repeatable); default: any well-formed
                    api_test_/api_live_ key
  --admin           serve the admin routes under /__simulator
  --no-rate-limit   switch off the 15 POSTs per second limit
  --pages-on-api-host
                    serve next_url on the API's own host; by default it is on
                    the other loopback name (localhost for 127.0.0.1), so the
                    pages are cross-site to a local service, as GOV.UK Pay's are
  --webhook-url URL send GOV.UK Pay's webhooks, signed, to URL, e.g.
                    http://127.0.0.1:3000/pay/webhooks
  --webhook-secret S
                    their signing secret (default: a new webhook_test_
                    secret, printed at start)
  --help            show this help`;

interface ParsedArgs {
  readonly port: number;
  readonly options: SimulatorOptions;
  /** The webhook secret was made up here, so it must be shown. */
  readonly webhookSecretGenerated: boolean;
}

function parseArgs(args: readonly string[]): ParsedArgs | 'help' {
  let port = 4567;
  const apiKeys: string[] = [];
  let admin = false;
  let rateLimit = true;
  let pagesOnApiHost = false;
  let webhookUrl: string | undefined;
  let webhookSecret: string | undefined;
  for (const { arg, name, value } of commandFlags(args)) {
    switch (name) {
      case '--help':
      case '-h':
        return 'help';
      case '--port': {
        const v = value();
        if (!/^\d{1,5}$/.test(v) || Number(v) > 65535)
          throw new UsageError(`--port must be 0 to 65535, not ${v}`);
        port = Number(v);
        break;
      }
      case '--host': {
        const v = value();
        if (v !== '127.0.0.1' && v !== 'localhost') {
          throw new UsageError(
            '--host must be 127.0.0.1: the simulator only listens on the loopback interface',
          );
        }
        break;
      }
      case '--api-key':
        apiKeys.push(value());
        break;
      case '--admin':
        admin = true;
        break;
      case '--no-rate-limit':
        rateLimit = false;
        break;
      case '--pages-on-api-host':
        pagesOnApiHost = true;
        break;
      case '--webhook-url':
        webhookUrl = value();
        break;
      case '--webhook-secret':
        webhookSecret = value();
        break;
      default:
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  if (webhookSecret !== undefined && webhookUrl === undefined) {
    throw new UsageError('--webhook-secret needs --webhook-url');
  }
  const secret = webhookSecret ?? generateWebhookSecret('test');
  return {
    port,
    webhookSecretGenerated: webhookUrl !== undefined && webhookSecret === undefined,
    options: {
      ...(apiKeys.length > 0 ? { apiKeys } : {}),
      ...(admin ? { admin } : {}),
      ...(rateLimit ? {} : { rateLimit: false }),
      ...(pagesOnApiHost ? { pagesBaseUrl: false as const } : {}),
      ...(webhookUrl === undefined ? {} : { webhooks: [{ url: webhookUrl, secret }] }),
    },
  };
}

function webhookLines(parsed: ParsedArgs): string[] {
  const endpoint = parsed.options.webhooks?.[0];
  if (endpoint === undefined) return [];
  return [
    `  webhooks to:  ${endpoint.url}`,
    ...(parsed.webhookSecretGenerated
      ? [
          `  secret:       ${endpoint.secret}`,
          '                (generated: give it to your webhook receiver)',
        ]
      : ['  secret:       as given by --webhook-secret']),
    ...(parsed.options.admin === true
      ? []
      : ['                (add --admin for `govuk-pay-express webhooks replay` and `trigger`)']),
  ];
}

function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** `govuk-pay-express simulator`: resolves to the exit code once stopped. */
export async function runSimulatorCommand(args: readonly string[], io: CommandIo): Promise<number> {
  let parsed: ParsedArgs | 'help';
  try {
    parsed = parseArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`govuk-pay-express simulator: ${error.message}\n\n${SIMULATOR_USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    io.out(SIMULATOR_USAGE);
    return 0;
  }
  let simulator;
  try {
    simulator = createSimulator(parsed.options);
  } catch (error) {
    io.err((error as Error).message);
    return 2;
  }
  const stopSignal = io.stopSignal ?? untilSignal();
  let server;
  try {
    server = await simulator.listen(parsed.port);
  } catch (error) {
    io.err(
      `govuk-pay-express simulator: cannot listen on 127.0.0.1:${parsed.port}: ${(error as Error).message}`,
    );
    return 1;
  }
  const key = parsed.options.apiKeys?.[0] ?? generateTestApiKey('test');
  io.out(
    [
      `GOV.UK Pay simulator listening on ${server.url}`,
      '',
      `  apiBaseUrl:   ${server.url}`,
      `  pages:        ${parsed.options.pagesBaseUrl === false ? server.url : crossSiteOrigin(server.url)}`,
      parsed.options.pagesBaseUrl === false
        ? '                (on the API host: --pages-on-api-host)'
        : '                (cross-site to a service on 127.0.0.1, as GOV.UK Pay is: allow this host for next_url)',
      `  test API key: ${key}`,
      parsed.options.apiKeys === undefined
        ? '                (any well-formed api_test_ or api_live_ key is accepted)'
        : `                (${parsed.options.apiKeys.length} key(s) accepted)`,
      ...(parsed.options.admin === true ? [`  admin routes: ${server.url}/__simulator`] : []),
      ...webhookLines(parsed),
      '',
      'Test cards (any future expiry date, any 3-digit security code; 4 for American Express):',
      `  succeed:           ${TEST_CARDS.authorised.slice(0, 4).join(', ')}, …`,
      `  declined (P0010):  ${TEST_CARDS.declined.join(', ')}`,
      `  error (P0050):     ${TEST_CARDS.error.join(', ')}`,
      '',
      'Press Ctrl+C to stop.',
    ].join('\n'),
  );
  await stopSignal;
  await server.close();
  io.out('GOV.UK Pay simulator stopped.');
  return 0;
}
