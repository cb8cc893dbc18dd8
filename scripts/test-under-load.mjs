// `npm run test:under-load`: runs `npm test` several times in a row while busy threads keep every
// core occupied, and records the runs in the "## Suite under load" section of bench/RESULTS.md,
// leaving the rest of that file as it is. It proves the suite holds on a loaded machine.
//
//   node scripts/test-under-load.mjs [--runs 3] [--command "npm test"] [--burners <cores>]
//                                    [--results bench/RESULTS.md] [--max-minutes 30 | --max-seconds N]
//                                    [--log-dir test-results] [--no-write]
//
// The burners are worker threads of this process, so they end with it whatever happens; each
// also stops by itself once the longest the runs may take has passed.
import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { SUITE_UNDER_LOAD_TITLE, replaceSection } from './results-section.mjs';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

function parseArgs(argv) {
  const options = {
    runs: 3,
    command: 'npm test',
    burners: Math.max(1, os.availableParallelism?.() ?? os.cpus().length),
    results: join(ROOT, 'bench/RESULTS.md'),
    maxMinutes: 30,
    logDir: join(ROOT, 'test-results'),
    write: true,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    const value = () => {
      const next = argv[i + 1];
      if (next === undefined) fail(`${arg} needs a value`);
      i += 1;
      return next;
    };
    const count = (name, min, max) => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < min || n > max) {
        fail(`${name} must be a whole number from ${min} to ${max}`);
      }
      return n;
    };
    if (arg === '--runs') options.runs = count('--runs', 1, 20);
    else if (arg === '--command') options.command = value();
    else if (arg === '--burners') options.burners = count('--burners', 0, 64);
    else if (arg === '--results') options.results = resolve(value());
    else if (arg === '--max-minutes') options.maxMinutes = count('--max-minutes', 1, 240);
    else if (arg === '--max-seconds') options.maxMinutes = count('--max-seconds', 1, 14_400) / 60;
    else if (arg === '--log-dir') options.logDir = resolve(value());
    else if (arg === '--no-write') options.write = false;
    else
      fail(
        `unknown option ${arg}; the options are --runs, --command, --burners, --results, --max-minutes, --max-seconds, --log-dir, --no-write`,
      );
  }
  return options;
}

function fail(message) {
  console.error(`test-under-load: ${message}`);
  process.exit(2);
}

/** Spins until told to stop or until its deadline: a bounded loop, whatever the parent does. */
const BURNER_SOURCE = `
const { workerData } = require('node:worker_threads');
const stop = new Int32Array(workerData.stop);
let x = 0;
while (Atomics.load(stop, 0) === 0 && Date.now() < workerData.deadline) {
  for (let i = 0; i < 1e6; i += 1) x = (x * 31 + i) % 1000003;
}
`;

function startBurners(count, deadline) {
  const stop = new SharedArrayBuffer(4);
  const workers = Array.from(
    { length: count },
    () => new Worker(BURNER_SOURCE, { eval: true, workerData: { stop, deadline } }),
  );
  return {
    count,
    async stop() {
      Atomics.store(new Int32Array(stop), 0, 1);
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

/** One run of the command: exit code, duration, the load it ran under and jest's summary line. */
function runOnce(command, index, logFile, maxMs) {
  return new Promise((resolveRun) => {
    const log = createWriteStream(logFile);
    const started = Date.now();
    const loads = [os.loadavg()[0]];
    const sampler = setInterval(() => loads.push(os.loadavg()[0]), 5_000);
    let tail = '';
    const child = spawn(command, {
      cwd: ROOT,
      shell: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a run that overstays is ended with everything it started.
      detached: process.platform !== 'win32',
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    const keep = (chunk) => {
      log.write(chunk);
      tail = (tail + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const limit = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, maxMs);
    child.on('close', (code, signal) => {
      clearInterval(sampler);
      clearTimeout(limit);
      loads.push(os.loadavg()[0]);
      log.end();
      const summary = tail
        .split('\n')
        .filter((line) => /^(Tests|Test Suites):/.test(line.trim()))
        .map((line) => line.trim())
        .join('; ');
      resolveRun({
        index,
        ok: code === 0 && !timedOut,
        code,
        signal,
        timedOut,
        durationMs: Date.now() - started,
        loadStart: loads[0],
        loadPeak: Math.max(...loads),
        loadEnd: loads[loads.length - 1],
        summary,
        logFile,
      });
    });
  });
}

function killGroup(child) {
  try {
    if (process.platform === 'win32') child.kill('SIGKILL');
    else process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function gitCommit() {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      encoding: 'utf8',
    }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
        cwd: ROOT,
        encoding: 'utf8',
      }).trim() !== '';
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function duration(ms) {
  const seconds = Math.round(ms / 1000);
  const minutes = Math.floor(seconds / 60);
  return minutes === 0
    ? `${seconds} s`
    : `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
}

function renderSection({ command, burners, runs, commit, started, node, cpu }) {
  const passed = runs.filter((run) => run.ok).length;
  const rows = runs.map((run) => {
    const result = run.ok
      ? 'pass'
      : run.timedOut
        ? 'FAIL (over the time limit)'
        : `FAIL (exit ${run.code ?? run.signal})`;
    return `| ${run.index} | ${result} | ${duration(run.durationMs)} | ${run.loadStart.toFixed(2)} / ${run.loadPeak.toFixed(2)} / ${run.loadEnd.toFixed(2)} | ${run.summary.replace(/\|/g, '\\|') || '–'} |`;
  });
  return [
    `## ${SUITE_UNDER_LOAD_TITLE}`,
    '',
    `Written by \`npm run test:under-load\` (scripts/test-under-load.mjs); \`npm run bench\` keeps it.`,
    `\`${command}\` ran ${runs.length} time${runs.length === 1 ? '' : 's'} in a row while ${burners} busy thread${burners === 1 ? '' : 's'} kept the cores occupied.`,
    '',
    `- Result: **${passed} of ${runs.length} passed**`,
    `- Commit: ${commit}`,
    `- Started: ${started.toISOString()}`,
    `- Machine: ${cpu}, Node ${node}`,
    '',
    '| run | result | duration | load average, 1 min (start / peak / end) | jest |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const maxMs = options.maxMinutes * 60_000;
  const { logDir } = options;
  mkdirSync(logDir, { recursive: true });
  const started = new Date();
  const commit = gitCommit();

  // Every run's limit, plus a margin: the burners stop by then even if this process is stuck.
  const burners = startBurners(options.burners, Date.now() + options.runs * maxMs + 60_000);
  const stopBurners = () => burners.stop();
  process.once('SIGINT', () => void stopBurners().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stopBurners().then(() => process.exit(143)));

  const runs = [];
  try {
    for (let index = 1; index <= options.runs; index += 1) {
      console.log(`test-under-load: run ${index} of ${options.runs}: ${options.command}`);
      const run = await runOnce(
        options.command,
        index,
        join(logDir, `under-load-run-${index}.log`),
        maxMs,
      );
      console.log(
        `test-under-load: run ${index} ${run.ok ? 'passed' : 'FAILED'} in ${duration(run.durationMs)}` +
          `${run.summary ? ` (${run.summary})` : ''}; log in ${run.logFile}`,
      );
      runs.push(run);
    }
  } finally {
    await stopBurners();
  }

  const cpus = os.cpus();
  const section = renderSection({
    command: options.command,
    burners: burners.count,
    runs,
    commit,
    started,
    node: process.version,
    cpu: `${cpus[0]?.model?.trim() ?? 'unknown CPU'} × ${cpus.length}`,
  });
  if (options.write) {
    const before = existsSync(options.results) ? readFileSync(options.results, 'utf8') : '';
    writeFileSync(options.results, replaceSection(before, SUITE_UNDER_LOAD_TITLE, section));
    console.log(
      `test-under-load: wrote the "${SUITE_UNDER_LOAD_TITLE}" section of ${options.results}`,
    );
  } else {
    console.log(section);
  }
  process.exitCode = runs.every((run) => run.ok) ? 0 : 1;
}

await main();
