import http from 'node:http';
import https from 'node:https';

/**
 * Why an attempt got no HTTP answer: `timeout` (no complete answer within the timeout),
 * `refused` (nothing listening), or `network` (any other socket or TLS failure).
 */
export type DeliveryErrorKind = 'timeout' | 'refused' | 'network';

export type AttemptOutcome =
  | { readonly status: number; readonly error?: undefined }
  | { readonly status?: undefined; readonly error: DeliveryErrorKind };

/** Only a 200–299 answer counts as delivered (FACTS §14); redirects are not followed. */
export function isDelivered(outcome: AttemptOutcome): boolean {
  return outcome.status !== undefined && outcome.status >= 200 && outcome.status <= 299;
}

/** The answer body is read only to free the socket; a receiver that streams forever is cut. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** Keep-alive agents for one simulator, so a burst of messages reuses connections. */
export interface DeliveryAgents {
  readonly http: http.Agent;
  readonly https: https.Agent;
}

export function createDeliveryAgents(): DeliveryAgents {
  return {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true, minVersion: 'TLSv1.2' }),
  };
}

/** POSTs one signed body; never rejects. The timeout covers connecting and the whole answer. */
export function postWebhook(
  url: URL,
  body: string,
  signature: string,
  timeoutMs: number,
  agents: DeliveryAgents,
): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const secure = url.protocol === 'https:';
    const request = (secure ? https : http).request(url, {
      method: 'POST',
      agent: secure ? agents.https : agents.http,
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body, 'utf8'),
        'Pay-Signature': signature,
        'User-Agent': 'govuk-pay-express-simulator',
      },
    });
    const timer = setTimeout(() => {
      finish({ error: 'timeout' });
      request.destroy();
    }, timeoutMs);
    timer.unref();
    request.on('response', (response) => {
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > MAX_ANSWER_BYTES) response.destroy();
      });
      const status = response.statusCode ?? 0;
      response.on('end', () => finish({ status }));
      response.on('close', () => finish({ status }));
      response.on('error', () => finish({ status }));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      finish({ error: error.code === 'ECONNREFUSED' ? 'refused' : 'network' });
    });
    request.end(body);
  });
}
