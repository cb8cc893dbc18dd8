import type { ServerResponse } from 'node:http';
import type { Fault } from './faults.js';
import type { Timers } from './timers.js';

/** What a route answers, before any fault spoils it. */
export interface ApiResponse {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const DEFAULT_MISSING_FIELDS = ['state', '_links'];

function withoutFields(body: unknown, fields: readonly string[]): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const copy: Record<string, unknown> = { ...body };
  for (const field of fields) delete copy[field];
  return copy;
}

/**
 * Writes an API response, spoiled by a body fault when one was drawn for this request. Written
 * with the raw Node response: this is the hot path of the GET benchmark.
 */
export function sendApiResponse(
  res: ServerResponse,
  response: ApiResponse,
  fault: Fault | undefined,
  timers: Timers,
): void {
  if (fault?.kind === 'drop') {
    res.socket?.destroy();
    return;
  }
  const headers: Record<string, string | number> = { ...response.headers };
  // A string, not a Buffer: Node then sends the head and the body in one write.
  let payload: string | undefined;
  if (response.body !== undefined) {
    let body: unknown = response.body;
    if (fault?.kind === 'missing-fields')
      body = withoutFields(body, fault.fields ?? DEFAULT_MISSING_FIELDS);
    payload = JSON.stringify(body);
    if (fault?.kind === 'malformed') payload = payload.slice(0, -1);
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload, 'utf8');
  }
  if (fault?.kind === 'truncated' && payload !== undefined) {
    const bytes = Buffer.from(payload, 'utf8');
    res.writeHead(response.status, headers);
    res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => res.socket?.destroy());
    return;
  }
  if (fault?.kind === 'slow-body') {
    res.writeHead(response.status, headers);
    res.flushHeaders();
    timers.set(() => res.end(payload), fault.ms);
    return;
  }
  res.writeHead(response.status, headers);
  res.end(payload);
}
