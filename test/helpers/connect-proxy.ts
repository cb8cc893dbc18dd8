import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** One CONNECT the proxy received. */
export interface SeenConnect {
  /** `host:port` as requested. */
  target: string;
  proxyAuthorization: string | undefined;
}

export interface ConnectProxyOptions {
  /** Names only the proxy can resolve, e.g. `{ 'pay.test': '127.0.0.1' }`. */
  hosts?: Record<string, string>;
  /** When set, a CONNECT without exactly this `Proxy-Authorization` gets 407. */
  requireAuthorization?: string;
  /** Answer every CONNECT with this status instead of opening a tunnel. */
  refuseWith?: number;
  /** Accept the CONNECT's TCP connection and never answer it. */
  silent?: boolean;
}

export interface ConnectProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  connects: SeenConnect[];
  /** Requests that were not CONNECT (a client sending absolute-form requests). */
  plainRequests: string[];
  /** Every byte the client sent inside the tunnels, for proving what the proxy could read. */
  relayedFromClient(): Buffer;
  close(): Promise<void>;
}

/**
 * A tiny forward proxy on 127.0.0.1 that only tunnels (HTTP CONNECT), as egress proxies in
 * front of GOV.UK Pay do. It records what it was asked and what passed through it.
 */
export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const connects: SeenConnect[] = [];
  const plainRequests: string[] = [];
  const relayed: Buffer[] = [];
  const sockets = new Set<net.Socket>();

  const server = http.createServer((req, res) => {
    plainRequests.push(`${req.method ?? ''} ${req.url ?? ''}`);
    res.writeHead(405, { connection: 'close' });
    res.end();
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    const proxyAuthorization = req.headers['proxy-authorization'];
    connects.push({ target, proxyAuthorization });
    client.on('error', () => client.destroy());
    if (options.silent === true) return;
    if (
      options.requireAuthorization !== undefined &&
      proxyAuthorization !== options.requireAuthorization
    ) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (options.refuseWith !== undefined) {
      client.end(`HTTP/1.1 ${options.refuseWith} Refused\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const match = /^(.+):(\d+)$/.exec(target);
    if (match === null) {
      client.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const host = (match[1] as string).replace(/^\[(.*)\]$/, '$1');
    const upstream = net.connect(Number(match[2]), options.hosts?.[host] ?? host);
    sockets.add(upstream);
    upstream.once('close', () => sockets.delete(upstream));
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) {
        relayed.push(head);
        upstream.write(head);
      }
      client.on('data', (chunk: Buffer) => relayed.push(chunk));
      client.pipe(upstream);
      upstream.pipe(client);
    });
    upstream.once('error', () => {
      if (client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
    });
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connects,
    plainRequests,
    relayedFromClient: () => Buffer.concat(relayed),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on. */
export { freePort as closedPort } from './ports';
