// Waits for the machine to settle before a section starts. A section can leave background work
// behind it (PostgreSQL's autovacuum after 100,000 rows, Redis freeing keys, a child process
// still exiting), and a comparison that starts under it measures that work, not the code. The
// wait is bounded, and its length is reported, so a busy machine is visible rather than hidden.
import { readFileSync } from 'node:fs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Idle and total jiffies over all cores, from /proc/stat; undefined where there is none. */
function cpuTimes() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0];
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + (fields[4] ?? 0); // idle + iowait
    return { idle, total: fields.reduce((a, b) => a + b, 0) };
  } catch {
    return undefined;
  }
}

/**
 * Resolves once the whole machine's CPU use stays under `busyBelow` (a fraction of all cores)
 * for `samples` one-second samples in a row, or after `maxMs`. Returns what it saw.
 */
export async function waitForQuiet({ busyBelow = 0.15, samples = 3, maxMs = 90_000 } = {}) {
  const started = Date.now();
  let previous = cpuTimes();
  if (previous === undefined) return { waitedMs: 0, settled: false, lastBusy: undefined };
  let calm = 0;
  let lastBusy = 1;
  while (Date.now() - started < maxMs) {
    await sleep(1000);
    const now = cpuTimes();
    const total = now.total - previous.total;
    lastBusy = total > 0 ? 1 - (now.idle - previous.idle) / total : 0;
    previous = now;
    calm = lastBusy < busyBelow ? calm + 1 : 0;
    if (calm >= samples) return { waitedMs: Date.now() - started, settled: true, lastBusy };
  }
  return { waitedMs: Date.now() - started, settled: false, lastBusy };
}
