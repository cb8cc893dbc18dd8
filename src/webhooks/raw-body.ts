import type { IncomingMessage } from 'node:http';

export type RawBodyRead =
  | { readonly kind: 'read'; readonly body: Buffer }
  /** Larger than the limit, announced or counted: nothing more is read. */
  | { readonly kind: 'too_large' }
  /** Something before us (an app-level body parser) has read the stream already. */
  | { readonly kind: 'consumed' }
  /** The client went away, or the stream failed, before the body was whole. */
  | { readonly kind: 'aborted' };

interface MaybeParsed {
  /** body-parser's flag that it has read the stream. */
  _body?: unknown;
  body?: unknown;
}

/**
 * True when the request stream was already read. An empty `req.body` of `{}` alone does not
 * count: body-parser 1 sets it even for a content type it leaves unread.
 */
export function isBodyConsumed(req: IncomingMessage): boolean {
  const { _body: parsedFlag, body } = req as IncomingMessage & MaybeParsed;
  if (req.readableEnded || parsedFlag === true) return true;
  if (body === undefined || body === null) return false;
  if (typeof body === 'object' && !Buffer.isBuffer(body)) return Object.keys(body).length > 0;
  return true;
}

/**
 * Reads the exact bytes of a request body, at most `limit` of them, however it is sent: an
 * announced Content-Length over the limit is refused before reading a byte, and a chunked body
 * is counted as it comes and dropped once it passes the limit. The signature is over these
 * bytes, so nothing decodes or re-encodes them.
 */
export function readRawBody(req: IncomingMessage, limit: number): Promise<RawBodyRead> {
  if (isBodyConsumed(req)) return Promise.resolve({ kind: 'consumed' });
  const announced = req.headers['content-length'];
  if (announced !== undefined) {
    const length = Number(announced);
    if (!Number.isSafeInteger(length) || length < 0 || length > limit) {
      return Promise.resolve({ kind: 'too_large' });
    }
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let seen = 0;
    const finish = (result: RawBodyRead): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAborted);
      req.off('aborted', onAborted);
      req.off('close', onClose);
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      seen += chunk.length;
      if (seen > limit) {
        chunks.length = 0;
        // Stop reading: the answer closes the connection.
        req.pause();
        finish({ kind: 'too_large' });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => finish({ kind: 'read', body: Buffer.concat(chunks, seen) });
    const onAborted = (): void => finish({ kind: 'aborted' });
    const onClose = (): void => {
      if (!req.complete) finish({ kind: 'aborted' });
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAborted);
    req.on('aborted', onAborted);
    req.on('close', onClose);
  });
}
