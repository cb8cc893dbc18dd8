import http from 'node:http';
import type { Payment } from '../../src/client/types';
import type { PayJourneyOptions } from '../../src/journey/options';
import type { PaymentStore } from '../../src/store/types';
import { webhookFixture } from '../../src/testing';
import type { WebhookFixtureOptions } from '../../src/testing';
import type { WebhookEventType, WebhookMessage } from '../../src/webhooks/events';
import { signWebhookBody } from '../../src/webhooks/signature';
import { collectAnswer } from './http-answer';
import type { HttpAnswer } from './http-answer';
import { GOOD_CARD, MOUNT, sameOriginHeaders, startJourneyHarness } from './journey-harness';
import type { HarnessOptions, JourneyHarness } from './journey-harness';

/** Shaped as GOV.UK Pay's: `webhook_test_` and base32. */
export const WEBHOOK_SECRET = 'webhook_test_7q3m5xk2pzr4w6yb8nc3dfgh2jklm4np';
export const OLD_WEBHOOK_SECRET = 'webhook_test_a2b3c4d5e6f7g2h3i4j5k6l7m2n3o4p5';

export type WebhookAnswer = HttpAnswer;

/** Keep-alive, so thousands of requests do not use up local ports. */
export const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs `body` as it is (bytes, not re-encoded) with these headers. */
export function postRaw(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<WebhookAnswer> {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': String(bytes.length),
          ...headers,
        },
      },
      (res) => {
        collectAnswer(res).then(resolve, reject);
      },
    );
    req.on('error', reject);
    req.end(bytes);
  });
}

/**
 * Sends a chunked body (no Content-Length) one chunk at a time, until the server answers or
 * `maxChunks` have gone. The server may close the connection mid-body; writes after that are
 * dropped.
 */
export function postChunked(
  url: string,
  chunk: Buffer,
  maxChunks: number,
  headers: Record<string, string> = {},
): Promise<WebhookAnswer & { chunksSent: number }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    let chunksSent = 0;
    const req = http.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', ...headers },
      },
      (res) => {
        answered = true;
        collectAnswer(res).then((answer) => resolve({ ...answer, chunksSent }), reject);
      },
    );
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const writeNext = (): void => {
      if (answered || req.destroyed) return;
      if (chunksSent >= maxChunks) {
        req.end();
        return;
      }
      chunksSent += 1;
      req.write(chunk, () => setImmediate(writeNext));
    };
    writeNext();
  });
}

/** The JSON body GOV.UK Pay would send, and its headers signed with `secret`. */
export function signedDelivery(
  message: unknown,
  secret = WEBHOOK_SECRET,
): { body: string; headers: Record<string, string> } {
  const body = JSON.stringify(message);
  return { body, headers: { 'pay-signature': signWebhookBody(body, secret) } };
}

export interface WebhookHarness extends JourneyHarness {
  webhookUrl: string;
  /** Signs `message` with the current secret and POSTs it to the journey. */
  deliver(message: unknown, secret?: string): Promise<WebhookAnswer>;
  /** A payment started through the journey and paid, whose citizen never came back. */
  paidButNotReturned(card?: string): Promise<Payment>;
  /** A payment made on the same account without the journey (a payment link, another service). */
  paidElsewhere(): Promise<Payment>;
  /** The message GOV.UK Pay would send now for this payment. */
  message<E extends WebhookEventType>(
    eventType: E,
    paymentId: string,
    options?: WebhookFixtureOptions,
  ): WebhookMessage<E>;
  /** GET /v1/payments calls that reached the simulator. */
  paymentReads(): number;
}

export async function startWebhookHarness(
  options: HarnessOptions & { webhooks?: PayJourneyOptions['webhooks'] } = {},
): Promise<WebhookHarness> {
  const { webhooks, ...harnessOptions } = options;
  const h = await startJourneyHarness({
    ...harnessOptions,
    journey: { webhooks: webhooks ?? { secrets: [WEBHOOK_SECRET] }, ...harnessOptions.journey },
  });
  const webhookUrl = `${h.appUrl}${harnessOptions.mount ?? MOUNT}/webhooks`;
  let references = 0;
  return Object.assign(h, {
    webhookUrl,
    deliver: (message: unknown, secret?: string) => {
      const { body, headers } = signedDelivery(message, secret);
      return postRaw(webhookUrl, body, headers);
    },
    paidButNotReturned: async (card = GOOD_CARD) => {
      references += 1;
      h.payment = { ...h.payment, reference: `WH-${references}` };
      const started = await h.start(h.browser());
      if (started.status !== 303) throw new Error(`start answered ${started.status}`);
      const [newest] = h.paymentIds();
      if (newest === undefined) throw new Error('no payment was created');
      return h.simulator.completePayment(newest, { card });
    },
    paidElsewhere: async () => {
      references += 1;
      const created = await h.journey.client.createPayment({
        amount: 1200,
        reference: `LINK-${references}`,
        description: 'Payment link',
        return_url: 'https://elsewhere.example.gov.uk/done',
      });
      return h.simulator.completePayment(created.payment_id, { card: GOOD_CARD });
    },
    message: <E extends WebhookEventType>(
      eventType: E,
      paymentId: string,
      fixtureOptions?: WebhookFixtureOptions,
    ) => {
      const payment = h.simulator.payments.get(paymentId);
      if (payment === undefined) throw new Error('unknown payment');
      return webhookFixture(eventType, payment, fixtureOptions);
    },
    paymentReads: () =>
      h.simulatorRequests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/payments/'))
        .length,
  });
}

/**
 * Waits for `condition` by polling on timers: generous, since the machine may be loaded, and
 * bounded, so a broken feature fails rather than hangs.
 */
export async function eventually(
  condition: () => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A store that records which methods were called and can be made to fail, per method. */
export function instrumentedStore(inner: PaymentStore): {
  store: PaymentStore;
  calls: string[];
  failing: Set<string>;
} {
  const calls: string[] = [];
  const failing = new Set<string>();
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        calls.push(property);
        if (failing.has(property)) {
          return Promise.reject(new Error('store unavailable (test)'));
        }
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls, failing };
}

export { sameOriginHeaders };
