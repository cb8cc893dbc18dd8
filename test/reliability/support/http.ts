import http from 'node:http';
import { collectAnswer } from '../../helpers/http-answer';
import type { HttpAnswer } from '../../helpers/http-answer';

export type { HttpAnswer };

export interface HttpRequest {
  method?: string;
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string;
}

/**
 * One keep-alive agent per test file: thousands of requests reuse a few sockets instead of
 * opening one each, which keeps the property tests fast and bounded.
 */
export function createHttp(baseUrl: string, maxSockets = 16) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const { hostname, port } = new URL(baseUrl);

  function request(req: HttpRequest): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      const outgoing = http.request(
        {
          agent,
          host: hostname,
          port,
          method: req.method ?? 'GET',
          path: req.path,
          headers: {
            ...(req.body === undefined ? {} : { 'content-length': Buffer.byteLength(req.body) }),
            ...req.headers,
          },
        },
        (res) => {
          collectAnswer(res).then(resolve, reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(req.body);
    });
  }

  return { request, close: () => agent.destroy() };
}

/** Runs `task` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index] as T, index);
    }
  });
  await Promise.all(workers);
  return results;
}

/** name=value pairs of the Set-Cookie headers of an answer, by cookie name. */
export function setCookies(answer: HttpAnswer): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of answer.headers['set-cookie'] ?? []) {
    const pair = line.split(';')[0] ?? '';
    const eq = pair.indexOf('=');
    if (eq > 0) out.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return out;
}
