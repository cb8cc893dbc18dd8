import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * scripts/test-under-load.mjs, driven with a tiny command instead of `npm test`, so it costs
 * seconds: it must record every run in its own section of the results file and touch nothing
 * else there. bench/run.mjs keeps that section through scripts/results-section.mjs, tested here
 * too.
 */
const ROOT = resolve(__dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/test-under-load.mjs');
const SLOW = 120_000;

const OTHER_SECTIONS = [
  '# Benchmark results',
  '',
  '## Machine',
  '',
  '- cpu: something',
  '',
  '## Figures and targets',
  '',
  '```md',
  '## not a heading: inside a fence',
  '```',
  '',
  '| figure | measured |',
  '| --- | --- |',
  '| return | 0.9x |',
  '',
].join('\n');

let work = '';
beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'under-load-'));
});
afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

function runScript(args: readonly string[]): { status: number | null; out: string } {
  const result = spawnSync(
    process.execPath,
    [SCRIPT, '--burners', '2', '--log-dir', join(work, 'logs'), ...args],
    { cwd: ROOT, encoding: 'utf8', timeout: SLOW },
  );
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

/** A killed process whose parent is gone may linger as a zombie where PID 1 does not reap. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const status = existsSync(`/proc/${pid}/status`)
    ? readFileSync(`/proc/${pid}/status`, 'utf8')
    : '';
  return !/^State:\s+Z/m.test(status);
}

function sectionOf(markdown: string): string {
  const start = markdown.indexOf('## Suite under load');
  expect(start).toBeGreaterThanOrEqual(0);
  return markdown.slice(start);
}

describe('npm run test:under-load', () => {
  it(
    'records a passing run in "## Suite under load" and leaves the other sections as they were',
    () => {
      const results = join(work, 'RESULTS.md');
      writeFileSync(results, OTHER_SECTIONS);

      const { status, out } = runScript([
        '--command',
        'node -e 0',
        '--runs',
        '2',
        '--results',
        results,
      ]);
      expect(out).toContain('run 2 passed');
      expect(status).toBe(0);

      const written = readFileSync(results, 'utf8');
      expect(written.startsWith(OTHER_SECTIONS.trimEnd())).toBe(true);
      const section = sectionOf(written);
      expect(section).toContain('**2 of 2 passed**');
      expect(section).toContain('`node -e 0` ran 2 times in a row while 2 busy threads');
      expect(section).toMatch(/\| 1 \| pass \| \d+ s \| [\d.]+ \/ [\d.]+ \/ [\d.]+ \|/);
      expect(section).toMatch(/\| 2 \| pass \|/);
      expect(section).toMatch(/- Commit: [0-9a-f]{7,}/);
    },
    SLOW,
  );

  it(
    'fails with exit 1 on a failing run and replaces its own section rather than adding one',
    () => {
      const results = join(work, 'RESULTS.md');
      writeFileSync(results, OTHER_SECTIONS);
      expect(
        runScript(['--command', 'node -e 0', '--runs', '1', '--results', results]).status,
      ).toBe(0);

      const failing = runScript([
        '--command',
        'node -e "process.exit(3)"',
        '--runs',
        '1',
        '--results',
        results,
      ]);
      expect(failing.status).toBe(1);

      const written = readFileSync(results, 'utf8');
      expect(written.split('## Suite under load').length).toBe(2);
      expect(written.startsWith(OTHER_SECTIONS.trimEnd())).toBe(true);
      expect(sectionOf(written)).toContain('**0 of 1 passed**');
      expect(sectionOf(written)).toContain('| 1 | FAIL (exit 3) |');
    },
    SLOW,
  );

  it(
    'ends a run that overstays its limit, with the processes it started, and records it as failed',
    () => {
      const results = join(work, 'RESULTS.md');
      const pidFile = join(work, 'pid');
      const sleeper = `node -e "require('fs').writeFileSync(process.argv[1], String(process.pid)); setTimeout(() => {}, 600000)" ${pidFile}`;
      const { status } = runScript([
        '--command',
        sleeper,
        '--runs',
        '1',
        '--max-seconds',
        '3',
        '--results',
        results,
      ]);
      expect(status).toBe(1);
      expect(sectionOf(readFileSync(results, 'utf8'))).toContain(
        '| 1 | FAIL (over the time limit) |',
      );
      const pid = Number(readFileSync(pidFile, 'utf8'));
      expect(isRunning(pid)).toBe(false);
    },
    SLOW,
  );

  it('refuses a limit of less than a minute given in minutes', () => {
    const { status, out } = runScript(['--max-minutes', '0', '--no-write']);
    expect(status).toBe(2);
    expect(out).toContain('--max-minutes must be a whole number from 1 to 240');
  });

  it('refuses an unknown option, naming the ones it has', () => {
    const { status, out } = runScript(['--rusn', '3']);
    expect(status).toBe(2);
    expect(out).toContain('unknown option --rusn');
  });
});

describe('scripts/results-section.mjs, which bench/run.mjs uses to keep the section', () => {
  function withSections(code: string): string {
    return execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd: ROOT,
      encoding: 'utf8',
    });
  }

  it('finds a section up to the next level-2 heading and puts it back into a rewritten file', () => {
    const out = withSections(`
      import { findSection, replaceSection } from './scripts/results-section.mjs';
      const old = '# R\\n\\n## A\\n\\nold a\\n\\n## Suite under load\\n\\nruns\\n\\n### detail\\n\\n## B\\n\\nold b\\n';
      const kept = findSection(old, 'Suite under load');
      const fresh = '# R\\n\\n## A\\n\\nnew a\\n\\n## B\\n\\nnew b\\n';
      process.stdout.write(JSON.stringify({ kept, merged: replaceSection(fresh, 'Suite under load', kept) }));
    `);
    const { kept, merged } = JSON.parse(out) as { kept: string; merged: string };
    expect(kept).toBe('## Suite under load\n\nruns\n\n### detail');
    expect(merged).toBe(
      '# R\n\n## A\n\nnew a\n\n## B\n\nnew b\n\n## Suite under load\n\nruns\n\n### detail\n',
    );
  });

  it('bench/run.mjs writes RESULTS.md through it', () => {
    const bench = readFileSync(join(ROOT, 'bench/run.mjs'), 'utf8');
    expect(bench).toContain("from '../scripts/results-section.mjs'");
    expect(bench).toMatch(
      /findSection\(readFileSync\(resultsPath, 'utf8'\), SUITE_UNDER_LOAD_TITLE\)/,
    );
  });
});
