import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
import type { ProxyRoute } from './proxy.js';

/**
 * The longest a proxy may take to open a tunnel. The call's own timeout still applies and is
 * usually far shorter; this only frees the socket a stuck proxy would otherwise hold, once the
 * call has given up. It is the longest any call may wait (TIMEOUT_MS_RULE).
 */
const TUNNEL_HANDSHAKE_LIMIT_MS = 120_000;

/** The error a failed tunnel gives: a code, and nothing of the request (no header, no URL). */
export function tunnelError(code: string): Error {
  return Object.assign(new Error(code), { code });
}

/** `host:port` as a CONNECT request names it, with brackets around an IPv6 address. */
function authority(host: string, port: number): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Tunnels opened but not yet handed to a request, so `destroy()` can end them too. */
class PendingTunnels {
  readonly #requests = new Set<http.ClientRequest>();

  open(route: ProxyRoute, host: string, port: number): Promise<Socket> {
    const target = authority(host, port);
    return new Promise((resolve, reject) => {
      const request = http.request({
        host: route.host,
        port: route.port,
        method: 'CONNECT',
        path: target,
        headers: route.connectHeaders(target),
        agent: false,
        timeout: TUNNEL_HANDSHAKE_LIMIT_MS,
      });
      this.#requests.add(request);
      let settled = false;
      const finish = (error: Error | undefined, socket?: Socket): void => {
        this.#requests.delete(request);
        if (settled) {
          socket?.destroy();
          return;
        }
        settled = true;
        if (error === undefined) resolve(socket as Socket);
        else reject(error);
      };
      request.once('connect', (response: http.IncomingMessage, socket: Socket, head: Buffer) => {
        response.resume();
        if (response.statusCode !== 200) {
          socket.destroy();
          finish(tunnelError(`ERR_PROXY_TUNNEL_${response.statusCode ?? 0}`));
          return;
        }
        // The handshake limit is not an idle limit for the connection kept alive inside.
        socket.setTimeout(0);
        // Bytes the proxy sent past its answer belong to the tunnelled connection.
        if (head.length > 0) socket.unshift(head);
        finish(undefined, socket);
      });
      // A proxy that answers a CONNECT with an ordinary response (and no upgrade) refused it.
      request.once('response', (response: http.IncomingMessage) => {
        response.resume();
        request.destroy();
        finish(tunnelError(`ERR_PROXY_TUNNEL_${response.statusCode ?? 0}`));
      });
      request.once('timeout', () => {
        request.destroy();
        finish(tunnelError('ETIMEDOUT'));
      });
      request.once('error', (error: Error & { code?: unknown }) => {
        // Rebuilt from the code: nothing of the CONNECT request (its credentials) goes on.
        finish(tunnelError(typeof error.code === 'string' ? error.code : 'ERR_PROXY_TUNNEL'));
      });
      request.once('close', () => finish(tunnelError('ECONNRESET')));
      request.end();
    });
  }

  destroyAll(): void {
    for (const request of this.#requests) request.destroy();
    this.#requests.clear();
  }
}

type ConnectionCallback = (err: Error | null, stream: Duplex) => void;

/**
 * Keep-alive agent for http origins through the proxy: a `CONNECT` tunnel, then plain HTTP
 * inside it, so the proxy relays bytes and never parses the request.
 */
export class HttpTunnelAgent extends http.Agent {
  readonly #route: ProxyRoute;
  readonly #pending = new PendingTunnels();

  constructor(route: ProxyRoute) {
    super({ keepAlive: true });
    this.#route = route;
  }

  override createConnection(
    options: http.ClientRequestArgs,
    callback?: ConnectionCallback,
  ): Duplex | null | undefined {
    const host = options.hostname ?? options.host ?? 'localhost';
    const port = Number(options.port ?? 80);
    this.#pending.open(this.#route, host, port).then(
      (socket) => callback?.(null, socket),
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    );
    return undefined;
  }

  override destroy(): void {
    this.#pending.destroyAll();
    super.destroy();
  }
}

export interface HttpsTunnelAgentOptions {
  /** Certificates to trust besides Node's own, PEM. For tests against a throwaway certificate. */
  ca?: string | Buffer;
}

/**
 * Keep-alive agent for https origins through the proxy: a `CONNECT` tunnel, then TLS to GOV.UK
 * Pay inside it, checked against GOV.UK Pay's host name. The proxy sees the host and port it
 * opened a tunnel to, and encrypted bytes: never the API key, a path or a payment id.
 */
export class HttpsTunnelAgent extends https.Agent {
  readonly #route: ProxyRoute;
  readonly #pending = new PendingTunnels();
  readonly #ca: string | Buffer | undefined;

  constructor(route: ProxyRoute, options: HttpsTunnelAgentOptions = {}) {
    super({ keepAlive: true });
    this.#route = route;
    this.#ca = options.ca;
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: ConnectionCallback,
  ): Duplex | null | undefined {
    const host = options.hostname ?? options.host ?? 'localhost';
    const port = Number(options.port ?? 443);
    const servername =
      typeof options.servername === 'string' && options.servername !== ''
        ? options.servername
        : isIP(host) === 0
          ? host
          : undefined;
    this.#pending.open(this.#route, host, port).then(
      (socket) => {
        const secure = tls.connect({
          socket,
          // The certificate is checked against this host, not the proxy's.
          host,
          ...(servername === undefined ? {} : { servername }),
          ...(this.#ca === undefined ? {} : { ca: [...tls.rootCertificates, this.#ca.toString()] }),
        });
        callback?.(null, secure);
      },
      (error: Error) => callback?.(error, undefined as unknown as Duplex),
    );
    return undefined;
  }

  override destroy(): void {
    this.#pending.destroyAll();
    super.destroy();
  }
}
