// The several-instances crash run at scale (issue 12): test/reliability/instances.test.ts, run
// through jest with 1,000 citizens (npm test runs it with about 300), once on RedisStore and
// once on PostgresStore. Three journey instances, one store, the simulator in its own process;
// instances are killed with SIGKILL at random moments and started again (Redis is restarted
// once too). Its invariants are the test's own assertions.
//
//   npm run build && node bench/instances.mjs [--quick] [--citizens=N] [--only=redis,postgres]
//
// Redis and PostgreSQL come from REDIS_URL and DATABASE_URL, or are started here (see
// stores-servers.mjs); the Redis test restarts a redis-server of its own. Prints one JSON
// object: { figures, targets: [{ name, value, target, pass }] }.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { postgresServer, redisServer } from './stores-servers.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const QUICK = process.argv.includes('--quick') || process.env.BENCH_INSTANCES_QUICK === '1';
const CITIZENS = Number(
  process.argv.find((a) => a.startsWith('--citizens='))?.slice('--citizens='.length) ??
    (QUICK ? 100 : 1_000),
);
const ONLY = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
// The test's own limit is 10 minutes a store; this one only stops a run that hangs.
const RUN_TIMEOUT_MS = 30 * 60_000;
const log = (...parts) => console.error('[instances]', ...parts);

const STORES = [
  {
    store: 'redis',
    label: 'RedisStore',
    server: redisServer,
    env: 'REDIS_URL',
    title: 'several instances on RedisStore',
  },
  {
    store: 'postgres',
    label: 'PostgresStore',
    server: postgresServer,
    env: 'DATABASE_URL',
    title: 'several instances on PostgresStore',
  },
].filter((s) => ONLY === undefined || ONLY.includes(s.store));

/** One jest run of the one test for one store; its summary line and jest's verdict. */
function runJest({ env, url, title }) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'node_modules/jest/bin/jest.js'),
        'test/reliability/instances.test.ts',
        '--testNamePattern',
        title,
        '--verbose',
        '--colors=false',
      ],
      {
        cwd: ROOT,
        // Only this store's server is named, so the other store's test skips.
        env: {
          ...process.env,
          REDIS_URL: '',
          DATABASE_URL: '',
          [env]: url,
          CI: '',
          INSTANCES_CITIZENS: String(CITIZENS),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? signal, output, seconds: (Date.now() - started) / 1000 });
    });
  });
}

/** The figures of the test's summary: "several instances (…): N citizens, … kills" and counts. */
function summaryOf(output) {
  const head =
    /several instances \((\w+), match ([\w-]+)\): (\d+) citizens, (\d+) payments, (\d+) ledger lines, (\d+) kills/.exec(
      output,
    );
  if (head === null) return undefined;
  const counts = {};
  const rest = output.slice(head.index + head[0].length).split('\n');
  // "  <what>: <count>" lines (what may hold colons), then "  problems: <none or a list>".
  for (const line of rest.slice(1)) {
    const problems = /^\s+problems: (.*)$/.exec(line);
    if (problems !== null) {
      counts.problems = problems[1];
      break;
    }
    const m = /^\s+(.+): (\d+)$/.exec(line);
    if (m === null) break;
    counts[m[1]] = Number(m[2]);
  }
  return {
    match: head[2],
    citizens: Number(head[3]),
    payments: Number(head[4]),
    ledgerLines: Number(head[5]),
    kills: Number(head[6]),
    counts,
  };
}

const figures = {};
const targets = [];
for (const { store, label, server, env, title } of STORES) {
  let db;
  try {
    db = await server();
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    figures[store] = { notRun: reason };
    targets.push({
      name: `Several instances with crashes on ${label}: ${CITIZENS.toLocaleString('en-GB')} citizens, invariants held`,
      value: `not run: ${reason}`,
      target: 'every invariant held',
      pass: false,
    });
    continue;
  }
  try {
    log(`${label}: ${CITIZENS} citizens across 3 instances, with kills`);
    const run = await runJest({ env, url: db.url, title });
    // jest's whole output, for a failure's story: the figures keep only its tail.
    const outputFile = join(tmpdir(), `govuk-pay-bench-instances-${store}.log`);
    writeFileSync(outputFile, run.output);
    const summary = summaryOf(run.output);
    const passed =
      run.code === 0 &&
      /Tests:[^\n]*\b1 passed/.test(run.output) &&
      !/Tests:[^\n]*failed/.test(run.output);
    const problems = summary?.counts.problems ?? 'no summary printed';
    const restarts = summary === undefined ? undefined : summary.kills;
    figures[store] = {
      citizens: summary?.citizens ?? CITIZENS,
      match: summary?.match,
      payments: summary?.payments,
      ledgerLines: summary?.ledgerLines,
      kills: summary?.kills,
      // Every instance killed is started again, and every instance left down at the end too.
      instanceRestarts: restarts,
      killsInsideOnSettled: summary?.counts['kill: inside onSettled'] ?? 0,
      redisRestarts: summary?.counts['redis restarted'] ?? 0,
      settledWithAttemptOver1: summary?.counts['settled with attempt > 1'] ?? 0,
      fulfilledMoreThanOnce:
        summary?.counts['fulfilled more than once (after an interrupted attempt)'] ?? 0,
      problems,
      jestExit: run.code,
      durationSeconds: Math.round(run.seconds),
    };
    if (!passed) {
      figures[store].output = outputFile;
      figures[store].tail = run.output.trim().split('\n').slice(-12).join(' | ').slice(0, 1500);
    }
    targets.push({
      name: `Several instances with crashes on ${label}: ${CITIZENS.toLocaleString('en-GB')} citizens, invariants held`,
      value: summary
        ? `${passed ? 'held' : 'FAILED'}: ${summary.citizens} citizens, ${summary.payments} payments, ${summary.kills} kills and restarts (${figures[store].killsInsideOnSettled} inside onSettled${store === 'redis' ? `, Redis restarted ${figures[store].redisRestarts}×` : ''}), ${Math.round(run.seconds)} s; problems: ${problems}`
        : `FAILED: jest exited ${run.code} with no summary`,
      target: 'every invariant held',
      pass: passed,
    });
  } finally {
    await db.stop();
  }
}
process.stdout.write(`${JSON.stringify({ quick: QUICK, citizens: CITIZENS, figures, targets })}\n`);
process.exitCode = targets.every((t) => t.pass !== false) ? 0 : 1;
