import { createServer } from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyWebhookSignature } from '../../src/webhooks/signature';

/** One POST the receiver got, as sent. */
export interface ReceivedWebhook {
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: Buffer;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each test states the shape it expects
  readonly json: any;
  /** Whether `Pay-Signature` verifies against the receiver's secrets. */
  readonly signatureValid: boolean;
}

/** How the receiver answers: a status, or `hang` (never answer until closed). */
export type Answer = number | 'hang';

export interface Receiver {
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Decides each answer; 200 by default. */
  answer: (request: ReceivedWebhook) => Answer;
  /** Resolves once `count` requests in all have arrived (fails after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 that checks signatures and records everything. */
export async function startReceiver(secrets: readonly string[]): Promise<Receiver> {
  const received: ReceivedWebhook[] = [];
  const waiters = new Set<() => void>();
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      const header = req.headers['pay-signature'];
      let json: unknown;
      try {
        json = JSON.parse(rawBody.toString('utf8'));
      } catch {
        json = undefined;
      }
      const request: ReceivedWebhook = {
        headers: req.headers,
        rawBody,
        json,
        signatureValid: verifyWebhookSignature(
          rawBody,
          typeof header === 'string' ? header : undefined,
          secrets,
        ),
      };
      received.push(request);
      for (const wake of waiters) wake();
      const answer = receiver.answer(request);
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      res.statusCode = answer;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/pay/webhooks`,
    received,
    answer: () => 200,
    waitFor(count, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (received.length < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(received.slice(0, count));
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`receiver: ${received.length} of ${count} requests arrived`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      return new Promise((resolve) => {
        for (const res of hanging) res.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return receiver;
}

/** A port on 127.0.0.1 that nothing listens on. */
export { freePort as closedPort } from './ports';
