import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI_USAGE, packageVersion, runCli } from '../../src/cli';
import { withoutLibraryPrefix } from '../../src/cli-message';

const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cjs/cli.js');
const VERSION = (
  JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
).version;
const run = promisify(execFile);

function captured(): { out: string[]; err: string[]; io: Parameters<typeof runCli>[1] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (line) => out.push(line), err: (line) => err.push(line) } };
}

describe('govuk-pay-express (the command table)', () => {
  it.each([['--version'], ['-v']])('prints the package version for %s', async (flag) => {
    const { out, err, io } = captured();
    expect(await runCli([flag], io)).toBe(0);
    expect(out).toEqual([VERSION]);
    expect(err).toEqual([]);
    expect(packageVersion()).toBe(VERSION);
  });

  it('lists the commands and --version in its help', async () => {
    const { out, io } = captured();
    expect(await runCli(['--help'], io)).toBe(0);
    expect(out).toEqual([CLI_USAGE]);
    for (const word of ['simulator', 'webhooks', 'report', '--version']) {
      expect(CLI_USAGE).toContain(word);
    }
  });

  it('exits 2 for an unknown command, with one prefix', async () => {
    const { err, io } = captured();
    expect(await runCli(['nope'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/^govuk-pay-express: unknown command "nope"\n/);
  });

  it('takes the library prefix off a PayConfigError message, and only that', () => {
    expect(withoutLibraryPrefix('govuk-pay-express: apiKey is missing')).toBe('apiKey is missing');
    expect(withoutLibraryPrefix('connect ECONNREFUSED')).toBe('connect ECONNREFUSED');
  });
});

const describeBuilt = existsSync(CLI) ? describe : describe.skip;

describeBuilt('the built command line', () => {
  it('prints --version', async () => {
    const { stdout } = await run(process.execPath, [CLI, '--version'], { timeout: 30_000 });
    expect(stdout).toBe(`${VERSION}\n`);
  });

  it('prints one "govuk-pay-express" prefix for a configuration error, not two', async () => {
    const failed = await run(
      process.execPath,
      [CLI, 'report', '--from', '2024-03-01', '--to', '2024-03-02'],
      {
        timeout: 30_000,
        env: {
          ...process.env,
          GOVUK_PAY_API_KEY: 'api_test_cli',
          GOVUK_PAY_API_BASE_URL: 'http://127.0.0.1:1/v1',
        },
      },
    ).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code?: number; stderr?: string }) => ({
        code: error.code,
        stderr: error.stderr ?? '',
      }),
    );
    expect(failed.code).toBe(2);
    expect(failed.stderr).toMatch(/^govuk-pay-express report: PayClient\.apiBaseUrl/);
    expect(failed.stderr.match(/govuk-pay-express/g)).toHaveLength(1);
  });
});
