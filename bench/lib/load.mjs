// autocannon, driven from the runner process, against one of the servers the runner started.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');

/**
 * Runs one load round and returns what the report needs. `expectStatus` is the only status a
 * correct answer has: a round where anything else came back is flagged rather than trusted,
 * since an error page is usually cheaper than the real work.
 */
export async function runLoad({
  url,
  method = 'GET',
  headers = {},
  duration,
  amount,
  connections = 50,
  expectStatus,
}) {
  const result = await autocannon({
    url,
    method,
    headers,
    connections,
    ...(amount === undefined ? { duration } : { amount }),
    timeout: 10,
  });
  const statuses = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, Number(count)]),
  );
  const total = Object.values(statuses).reduce((a, b) => a + b, 0);
  const unexpected = total - (statuses[expectStatus] ?? 0);
  return {
    requests: total,
    seconds: result.duration,
    rps: total / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
    unexpected,
    statuses,
  };
}
