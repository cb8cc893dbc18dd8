import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny real HTTP server on 127.0.0.1 whose answers each test scripts, one per request, in
 * order. It records every request (method, url, headers, body), so tests can assert what the
 * client really sent over the wire: no nock, no mocked axios.
 */

export interface ScriptedResponse {
  /** @default 200 */
  status?: number;
  headers?: Record<string, string>;
  /** An object or array is sent as JSON (with `Content-Type: application/json`); a string as is. */
  body?: unknown;
  /** Wait this long (real time) before answering. */
  delayMs?: number;
  /** Destroy the socket without answering at all. */
  destroy?: boolean;
  /** Announce the full Content-Length, send only half the body, then destroy the socket. */
  truncate?: boolean;
  /** Send the headers and half the body at once, the rest after this long (real time). */
  slowBodyMs?: number;
}

export type Script = ScriptedResponse | ((request: RecordedRequest) => ScriptedResponse);

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, or undefined when empty or not JSON. */
  json: unknown;
  /** The client's port: the same value on two requests means the connection was kept alive. */
  remotePort: number | undefined;
}

export interface ScriptedServer {
  /** The origin, e.g. `http://127.0.0.1:53124`. */
  readonly url: string;
  readonly port: number;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Queues answers for the next requests. */
  reply(...scripts: Script[]): void;
  /** How many requests arrived with no scripted answer (each got a 599). */
  readonly unscripted: number;
  close(): Promise<void>;
}

/** A JSON answer. */
export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): ScriptedResponse {
  return { status, body, headers };
}

/** A port nothing listens on, for connection-refused tests. */
export { freePort } from './ports';

export async function startScriptedServer(
  options: { port?: number } = {},
): Promise<ScriptedServer> {
  const queue: Script[] = [];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let unscripted = 0;

  const send = (res: http.ServerResponse, response: ScriptedResponse): void => {
    if (response.destroy === true) {
      res.socket?.destroy();
      return;
    }
    const isJson = typeof response.body !== 'string' && response.body !== undefined;
    const text =
      response.body === undefined
        ? ''
        : isJson
          ? JSON.stringify(response.body)
          : String(response.body);
    const headers: Record<string, string> = {
      ...(isJson ? { 'Content-Type': 'application/json' } : {}),
      'Content-Length': String(Buffer.byteLength(text)),
      ...response.headers,
    };
    res.writeHead(response.status ?? 200, headers);
    if (response.slowBodyMs !== undefined) {
      const half = Math.floor(text.length / 2);
      res.write(text.slice(0, half));
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) res.end(text.slice(half));
      }, response.slowBodyMs);
      timers.add(timer);
      return;
    }
    if (response.truncate === true) {
      res.write(text.slice(0, Math.floor(text.length / 2)));
      const timer = setTimeout(() => {
        timers.delete(timer);
        res.socket?.destroy();
      }, 20);
      timers.add(timer);
      return;
    }
    res.end(text);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let parsed: unknown;
      try {
        parsed = body === '' ? undefined : (JSON.parse(body) as unknown);
      } catch {
        parsed = undefined;
      }
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        json: parsed,
        remotePort: req.socket.remotePort,
      };
      requests.push(recorded);
      const script = queue.shift();
      if (script === undefined) {
        unscripted += 1;
        send(res, json(599, { code: 'UNSCRIPTED', description: 'no scripted response' }));
        return;
      }
      const response = typeof script === 'function' ? script(recorded) : script;
      if (response.delayMs !== undefined) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) send(res, response);
        }, response.delayMs);
        timers.add(timer);
      } else {
        send(res, response);
      }
    });
  });
  server.keepAliveTimeout = 5000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    reply: (...scripts) => queue.push(...scripts),
    get unscripted() {
      return unscripted;
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
