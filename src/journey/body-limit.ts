import type { IncomingMessage } from 'node:http';

/**
 * True when the request body is at most `limit` bytes. An announced Content-Length is checked
 * without reading; otherwise (a chunked body) the body is read and discarded up to the limit,
 * since the journey never uses it. A body a parser already consumed passed that parser's own
 * limit. Never buffers more than one chunk.
 */
export function readWithinLimit(req: IncomingMessage, limit: number): Promise<boolean> {
  const announced = req.headers['content-length'];
  if (announced !== undefined) return Promise.resolve(Number(announced) <= limit);
  if (req.headers['transfer-encoding'] === undefined || req.readableEnded || req.complete) {
    return Promise.resolve(true);
  }
  return new Promise((resolve, reject) => {
    let seen = 0;
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > limit) {
        cleanUp();
        // Stop reading: the answer closes the connection.
        req.pause();
        resolve(false);
      }
    };
    const onEnd = (): void => {
      cleanUp();
      resolve(true);
    };
    const onError = (err: Error): void => {
      cleanUp();
      reject(err);
    };
    const cleanUp = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}
