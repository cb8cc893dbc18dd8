import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Forwarder {
  /** Where the forwarder listens, e.g. `http://127.0.0.1:50123`. */
  url: string;
  /** Starts passing requests on to `target` (an origin). Until then, each gets 503. */
  forwardTo(target: string): void;
  close(): Promise<void>;
}

/**
 * A fixed address that passes every request on to an app once it is up: the simulator needs
 * its webhook URL when it is made, before the app it calls has a port.
 */
export async function startForwarder(
  options: {
    /** Answers 503 without passing on the requests whose body this picks: a receiver that is down for them. */
    refuse?: (body: string) => boolean;
  } = {},
): Promise<Forwarder> {
  let target: string | undefined;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (target === undefined || options.refuse?.(body.toString('utf8')) === true) {
        res.statusCode = 503;
        res.end();
        return;
      }
      const upstream = http.request(
        `${target}${req.url ?? '/'}`,
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        res.statusCode = 502;
        res.end();
      });
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    forwardTo: (url) => {
      target = url;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
