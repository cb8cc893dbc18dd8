import { PayConnectionError } from '../../src/client/errors';
import type { PayConnectionReason } from '../../src/client/errors';
import type { PayTransport, TransportRequest, TransportResponse } from '../../src/client/transport';

/**
 * An in-memory `PayTransport` whose answers each test scripts, in order: no sockets, no timers.
 * It records every request exactly as the client handed it over, headers included.
 */
export type TransportScript =
  | TransportResponse
  | { fail: PayConnectionReason }
  | { throw: unknown }
  | ((request: TransportRequest) => TransportResponse);

export interface ScriptedTransport extends PayTransport {
  readonly requests: TransportRequest[];
  reply(...scripts: TransportScript[]): void;
  /** Scripted answers not yet used. */
  readonly pending: number;
  readonly closed: number;
}

export function jsonAnswer(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): TransportResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? '' : JSON.stringify(body),
  };
}

export function scriptedTransport(): ScriptedTransport {
  const queue: TransportScript[] = [];
  const requests: TransportRequest[] = [];
  let closed = 0;
  return {
    requests,
    reply: (...scripts) => queue.push(...scripts),
    get pending() {
      return queue.length;
    },
    get closed() {
      return closed;
    },
    close: () => {
      closed += 1;
    },
    send: (request) => {
      requests.push(request);
      const script = queue.shift();
      if (script === undefined) {
        return Promise.reject(new Error(`unscripted ${request.method} ${request.url}`));
      }
      if (typeof script === 'function') return Promise.resolve(script(request));
      if ('fail' in script) {
        const { method, pathTemplate } = request;
        return Promise.reject(
          new PayConnectionError(`${method} ${pathTemplate} failed`, script.fail, {
            method,
            path: pathTemplate,
          }),
        );
      }
      if ('throw' in script) return Promise.reject(script.throw);
      return Promise.resolve(script);
    },
  };
}
