import type { WebhookEvent } from '../../src/webhooks/options';
import { signWebhookBody } from '../../src/webhooks/signature';
import {
  OLD_WEBHOOK_SECRET,
  WEBHOOK_SECRET,
  eventually,
  postRaw,
  startWebhookHarness,
} from '../helpers/webhook-support';
import { seededRandom } from '../helpers/prng';
import type { WebhookAnswer, WebhookHarness } from '../helpers/webhook-support';

const REQUESTS = 10_000;
const CONCURRENCY = 50;

interface Forgery {
  kind: string;
  body: Buffer;
  headers: Record<string, string>;
  /** What the receiver must answer. */
  expected: number;
}

function forge(random: () => number, genuine: readonly string[]): Forgery {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (below: number): number => Math.floor(random() * below);
  const body = Buffer.from(pick(genuine), 'utf8');
  const signature = signWebhookBody(body, WEBHOOK_SECRET);
  const hex = '0123456789abcdef';

  switch (int(6)) {
    case 0: {
      // A genuine message changed after signing: one byte, a bit, a cut or an addition.
      const mutated = Buffer.from(body);
      const at = int(mutated.length);
      switch (int(4)) {
        case 0:
          mutated[at] = ((mutated[at] as number) ^ (1 << int(8))) & 0xff;
          return {
            kind: 'bit flip',
            body: mutated,
            headers: { 'pay-signature': signature },
            expected: 401,
          };
        case 1:
          return {
            kind: 'truncated',
            body: mutated.subarray(0, at),
            headers: { 'pay-signature': signature },
            expected: 401,
          };
        case 2:
          return {
            kind: 'appended',
            body: Buffer.concat([mutated, Buffer.from(pick([' ', '\n', '}', ',{}', '\u0000']))]),
            headers: { 'pay-signature': signature },
            expected: 401,
          };
        default: {
          // Another amount, status or id, as an attacker would try.
          const text = body
            .toString('utf8')
            .replace(/"amount":\d+/, `"amount":${1 + int(100_000)}`)
            .replace(
              /"status":"[a-z]+"/,
              `"status":"${pick(['success', 'capturable', 'declined'])}"`,
            );
          const changed = Buffer.from(text === body.toString('utf8') ? `${text} ` : text, 'utf8');
          return {
            kind: 'edited',
            body: changed,
            headers: { 'pay-signature': signature },
            expected: 401,
          };
        }
      }
    }
    case 1: {
      // The genuine body under a spoiled signature.
      const at = int(64);
      const current = signature[at] as string;
      const other = pick(hex.replace(current, '').split(''));
      const variants = [
        signature.slice(0, at) + other + signature.slice(at + 1),
        signature.slice(0, 63),
        `${signature}0`,
        `sha256=${signature}`,
        signature.replace(/[0-9a-f]/, 'g'),
        `${signature},${signature.slice(0, 63)}0`,
        '',
      ];
      const header = pick(variants);
      return {
        kind: 'bad signature',
        body,
        headers: header === '' ? {} : { 'pay-signature': header },
        expected: 401,
      };
    }
    case 2: {
      // Signed with a secret that is not (or no longer) configured, or a near miss of the real one.
      const secret = pick([
        OLD_WEBHOOK_SECRET,
        WEBHOOK_SECRET.toUpperCase(),
        WEBHOOK_SECRET.slice(0, -1),
        `${WEBHOOK_SECRET}x`,
        'webhook_test_',
        '',
        `webhook_live_${Math.floor(random() * 1e12).toString(32)}`,
      ]);
      return {
        kind: 'wrong secret',
        body,
        headers: { 'pay-signature': signWebhookBody(body, secret) },
        expected: 401,
      };
    }
    case 3: {
      // Random bytes under a random well-formed signature.
      const bytes = Buffer.alloc(1 + int(2048));
      for (let i = 0; i < bytes.length; i += 1) bytes[i] = int(256);
      const header = Array.from({ length: 64 }, () => pick(hex.split(''))).join('');
      return { kind: 'random', body: bytes, headers: { 'pay-signature': header }, expected: 401 };
    }
    case 4: {
      // A genuine message cut short and signed with the real secret: not JSON.
      const cut = body.subarray(0, int(body.length));
      return {
        kind: 'signed truncation',
        body: cut,
        headers: { 'pay-signature': signWebhookBody(cut, WEBHOOK_SECRET) },
        expected: 400,
      };
    }
    default: {
      // Signed with the real secret, but of the wrong shape.
      const message = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      const field = pick([
        'webhook_message_id',
        'resource_id',
        'resource',
        'created_date',
        'event_type',
      ]);
      const value = pick<unknown>([null, 42, '', [], true]);
      const wrong = Buffer.from(JSON.stringify({ ...message, [field]: value }), 'utf8');
      return {
        kind: 'signed wrong shape',
        body: wrong,
        headers: { 'pay-signature': signWebhookBody(wrong, WEBHOOK_SECRET) },
        expected: 400,
      };
    }
  }
}

describe('POST {mount}/webhooks under 10,000 forged or mutated requests', () => {
  let h: WebhookHarness;
  afterAll(async () => h.close());

  it('settles nothing, reads nothing, answers only 401 or 400, and keeps working', async () => {
    const handed: WebhookEvent[] = [];
    h = await startWebhookHarness({
      webhooks: { secrets: [WEBHOOK_SECRET] },
      journey: { onWebhook: (event) => void handed.push(event) },
    });
    // Payments an attacker would love settled: paid, the citizen not back yet.
    const targets = [await h.paidButNotReturned(), await h.paidButNotReturned()];
    const genuine = targets.flatMap((payment) =>
      (['card_payment_succeeded', 'card_payment_captured', 'card_payment_failed'] as const).map(
        (eventType) => JSON.stringify(h.message(eventType, payment.payment_id)),
      ),
    );
    const reads = h.paymentReads();
    const seed = 0x5eed1234;
    const random = seededRandom(seed);
    const forgeries = Array.from({ length: REQUESTS }, () => forge(random, genuine));

    const unexpected: { kind: string; status: number; expected: number }[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < forgeries.length) {
        const forgery = forgeries[next] as Forgery;
        next += 1;
        const answer: WebhookAnswer = await postRaw(h.webhookUrl, forgery.body, forgery.headers);
        if (answer.status !== forgery.expected && unexpected.length < 20) {
          unexpected.push({
            kind: forgery.kind,
            status: answer.status,
            expected: forgery.expected,
          });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    expect({ seed, unexpected }).toEqual({ seed, unexpected: [] });
    expect(h.settled).toHaveLength(0);
    expect(handed).toHaveLength(0);
    expect(h.paymentReads()).toBe(reads);
    expect([...h.store.listDue()]).toEqual([]);
    expect(h.logger.messages('error')).toEqual([]);

    // Still alive and unpoisoned: the genuine messages are processed.
    for (const body of genuine.slice(0, 1)) {
      const answer = await postRaw(h.webhookUrl, body, {
        'pay-signature': signWebhookBody(body, WEBHOOK_SECRET),
      });
      expect(answer.status).toBe(200);
    }
    await eventually(() => h.settled.length === 1, 'the genuine settlement');
  }, 240_000);
});
