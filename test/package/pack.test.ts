import { execFileSync } from 'node:child_process';
import type { ExecFileSyncOptions } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * Packs the package as `npm publish` would, lints the tarball with publint and
 * arethetypeswrong, installs it into an empty project and loads every sub-path from CommonJS and
 * ESM there. One pack and one install, so the test stays bounded.
 *
 * It packs the dist/ that `npm test` has just built (`--ignore-scripts`): `prepack` would rebuild
 * dist/ under the other test files that run the built CLI at the same time. That `prepack` builds
 * is checked separately below.
 */
const ROOT = resolve(__dirname, '../..');
const built =
  existsSync(join(ROOT, 'dist/cjs/index.js')) && existsSync(join(ROOT, 'dist/esm/index.js'));
const describeBuilt = built ? describe : describe.skip;
if (!built) console.warn('test/package: dist/ is missing; run `npm run build` (npm test does)');

const SUB_PATHS: Readonly<Record<string, readonly string[]>> = {
  'govuk-pay-express': ['payJourney', 'PayClient', 'PayError', 'MemoryStore', 'PayConfigError'],
  'govuk-pay-express/simulator': ['createSimulator', 'generateTestApiKey'],
  'govuk-pay-express/testing': ['signWebhookBody', 'webhookFixture'],
  'govuk-pay-express/redis': ['RedisStore'],
  'govuk-pay-express/postgres': ['PostgresStore'],
  'govuk-pay-express/client': ['PayClient', 'PayError', 'PayRateLimitError', 'PayConfigError'],
  'govuk-pay-express/observability': ['subscribeOpenTelemetry', 'payUrlTemplate'],
};

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** Generous: npm on a loaded 2-core machine, with the registry as a fallback to the cache. */
const SLOW = 240_000;

interface PackedFile {
  path: string;
}
interface AttwProblem {
  kind: string;
  entrypoint?: string;
  resolutionKind?: string;
}
interface PackResult {
  filename: string;
  files: PackedFile[];
}

let work = '';
let tarball = '';
let packedPaths: string[] = [];
let project = '';

function run(command: string, args: readonly string[], options: ExecFileSyncOptions): string {
  return execFileSync(command, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: SLOW,
    ...options,
  }) as string;
}

/** Runs `node` in the consumer project; `preload` hides Express from `require`. */
function nodeIn(args: readonly string[], preload?: string): string {
  return run(process.execPath, [...(preload === undefined ? [] : ['-r', preload]), ...args], {
    cwd: project,
    // An empty key counts as unset: the report test below relies on it.
    env: { ...process.env, GOVUK_PAY_API_KEY: '' },
  });
}

function nodeFails(args: readonly string[], preload?: string): { status: number; out: string } {
  try {
    const out = nodeIn(args, preload);
    return { status: 0, out };
  } catch (err) {
    const failed = err as { status?: number; stdout?: string; stderr?: string };
    return { status: failed.status ?? -1, out: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

function bin(name: string): string {
  return join(ROOT, 'node_modules', '.bin', name);
}

describeBuilt('the packed package, installed in an empty project', () => {
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'govuk-pay-express-pack-'));
    const [packed] = JSON.parse(
      run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: ROOT }),
    ) as PackResult[];
    if (packed === undefined) throw new Error('npm pack printed no result');
    tarball = join(work, packed.filename);
    packedPaths = packed.files.map((file) => file.path);

    project = join(work, 'consumer');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }),
    );
    // --prefer-offline: everything is in npm's cache after the repository's own `npm ci`.
    run(
      NPM,
      ['install', tarball, 'express', '--no-audit', '--no-fund', '--prefer-offline', '--silent'],
      { cwd: project },
    );
    // Hides Express from CommonJS `require`, as on a machine that never installed it.
    writeFileSync(
      join(work, 'no-express.cjs'),
      `const Module = require('node:module');
       const load = Module._load;
       Module._load = function (request, ...rest) {
         if (request === 'express' || request.startsWith('express/')) {
           const err = new Error("Cannot find module 'express'");
           err.code = 'MODULE_NOT_FOUND';
           throw err;
         }
         return load.call(this, request, ...rest);
       };`,
    );
  }, SLOW * 2);

  afterAll(() => {
    if (work !== '') rmSync(work, { recursive: true, force: true });
  });

  it('builds before packing, so a clean checkout never ships an empty package', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.prepack).toBe('npm run build');
  });

  it('ships the built code, types, licence and README, and no source maps or sources', () => {
    for (const path of [
      'LICENSE',
      'README.md',
      'package.json',
      'dist/cjs/index.js',
      'dist/cjs/index.d.ts',
      'dist/cjs/package.json',
      'dist/esm/index.js',
      'dist/esm/index.d.ts',
      'dist/esm/package.json',
      'dist/cjs/client-entry.js',
      'dist/esm/client-entry.d.ts',
      'dist/cjs/cli.js',
      'views/index.js',
      'views/index.d.ts',
      'views/govuk-pay-express/success.njk',
    ]) {
      expect(packedPaths).toContain(path);
    }
    expect(packedPaths.filter((path) => path.endsWith('.map'))).toEqual([]);
    expect(
      packedPaths.filter(
        (path) => !/^(dist\/|views\/|LICENSE$|README\.md$|package\.json$)/.test(path),
      ),
    ).toEqual([]);
  });

  it('passes publint', () => {
    const out = run(bin('publint'), ['run', tarball, '--strict'], { cwd: work });
    expect(out).toMatch(/All good!/);
  });

  it('passes arethetypeswrong: every sub-path resolves under node10, node16 and bundler', () => {
    // The tarball already packed, rather than `attw --pack`, which would pack (and build) again.
    // attw exits 1 when it finds problems; its JSON still says which, so the failure names them.
    let out: string;
    try {
      out = run(bin('attw'), [tarball, '--format', 'json', '--no-color'], { cwd: work });
    } catch (err) {
      out = String((err as { stdout?: unknown }).stdout);
    }
    const report = JSON.parse(out) as {
      analysis: { problems: AttwProblem[]; entrypoints: Record<string, unknown> };
    };
    expect(
      report.analysis.problems.map(
        (p) => `${p.kind} ${p.entrypoint ?? ''} ${p.resolutionKind ?? ''}`,
      ),
    ).toEqual([]);
    expect(Object.keys(report.analysis.entrypoints).sort()).toEqual([
      '.',
      './client',
      './observability',
      './package.json',
      './postgres',
      './redis',
      './simulator',
      './testing',
      './views',
    ]);
  });

  it.each(Object.entries(SUB_PATHS))('loads %s from CommonJS and from ESM', (specifier, names) => {
    const pick = `const pick = (m) => JSON.stringify(${JSON.stringify(names)}.map((n) => [n, typeof m[n]]).concat([['default', typeof m.default]]));`;
    const fromCjs = nodeIn(['-e', `${pick} console.log(pick(require('${specifier}')));`]);
    const fromEsm = nodeIn([
      '--input-type=module',
      '-e',
      `${pick} console.log(pick(await import('${specifier}')));`,
    ]);
    const expected = JSON.stringify([
      ...names.map((name) => [name, 'function']),
      // Named exports only.
      ['default', 'undefined'],
    ]);
    expect(fromCjs.trim()).toBe(expected);
    expect(fromEsm.trim()).toBe(expected);
  });

  it('keeps instanceof PayError true across the ESM and CommonJS builds', () => {
    // A service may import the package while a dependency requires it: two copies of the code.
    const out = nodeIn([
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module';
       const require = createRequire(process.cwd() + '/consumer.cjs');
       const esm = await import('govuk-pay-express');
       const esmClient = await import('govuk-pay-express/client');
       const cjsClient = require('govuk-pay-express/client');
       const fromCjs = new cjsClient.PayServerError('x');
       const fromEsm = new esmClient.PayRateLimitError('x');
       console.log(JSON.stringify({
         cjsInEsm: [fromCjs instanceof esm.PayError, fromCjs instanceof esm.PayServerError],
         esmInCjs: [fromEsm instanceof cjsClient.PayError, fromEsm instanceof cjsClient.PayRateLimitError],
         notAnother: fromCjs instanceof esm.PayRateLimitError,
       }));`,
    ]);
    expect(JSON.parse(out)).toEqual({
      cjsInEsm: [true, true],
      esmInCjs: [true, true],
      notAnother: false,
    });
  });

  it('keeps instanceof PayConfigError, PayStoreError and MemoryStore true across the ESM and CommonJS builds', () => {
    const out = nodeIn([
      '--input-type=module',
      '-e',
      `import { createRequire } from 'node:module';
       const require = createRequire(process.cwd() + '/consumer.cjs');
       const esm = await import('govuk-pay-express');
       const cjs = require('govuk-pay-express');
       const thrown = (make) => { try { make(); } catch (err) { return err; } };
       // A mistake made through one copy, caught by a service that imported the other.
       const configFromCjs = thrown(() => new cjs.MemoryStore({ sweepIntervalMS: 1000 }));
       const configFromEsm = thrown(() => new esm.MemoryStore({ sweepIntervalMS: 1000 }));
       const storeFromCjs = new cjs.PayStoreError('ERR_PAY_STORE_UNAVAILABLE', 'x');
       const memoryFromEsm = new esm.MemoryStore();
       memoryFromEsm.close();
       console.log(JSON.stringify({
         config: [configFromCjs instanceof esm.PayConfigError, configFromEsm instanceof cjs.PayConfigError],
         store: [storeFromCjs instanceof esm.PayStoreError, storeFromCjs instanceof cjs.PayStoreError],
         memory: [memoryFromEsm instanceof cjs.MemoryStore, memoryFromEsm instanceof esm.MemoryStore],
         notAnother: [
           storeFromCjs instanceof esm.PayConfigError,
           configFromCjs instanceof esm.PayStoreError,
           storeFromCjs instanceof esm.PayError,
           new Error('x') instanceof esm.PayConfigError,
           {} instanceof cjs.MemoryStore,
         ],
         copies: esm.MemoryStore !== cjs.MemoryStore,
       }));`,
    ]);
    expect(JSON.parse(out)).toEqual({
      config: [true, true],
      store: [true, true],
      memory: [true, true],
      notAnother: [false, false, false, false, false],
      copies: true,
    });
  });

  it('loads govuk-pay-express/client without loading Express', () => {
    const loaded = nodeIn([
      '-e',
      `require('govuk-pay-express/client');
       console.log(JSON.stringify(Object.keys(require.cache).filter((f) => /[\\\\/]node_modules[\\\\/]express[\\\\/]/.test(f))));`,
    ]);
    expect(JSON.parse(loaded)).toEqual([]);
    // The main entry does load it (the journey is an Express router), so the check can fail.
    const main = nodeIn([
      '-e',
      `require('govuk-pay-express');
       console.log(Object.keys(require.cache).some((f) => /[\\\\/]node_modules[\\\\/]express[\\\\/]/.test(f)));`,
    ]);
    expect(main.trim()).toBe('true');
    // And where Express cannot be found at all.
    const preload = join(work, 'no-express.cjs');
    expect(nodeFails(['-e', `require('govuk-pay-express/client')`], preload).status).toBe(0);
    expect(nodeFails(['-e', `require('govuk-pay-express')`], preload).out).toMatch(
      /Cannot find module 'express'/,
    );
  });

  it('runs the installed CLI; --help, --version and report need no Express', () => {
    const cli = join(project, 'node_modules', '.bin', 'govuk-pay-express');
    expect(existsSync(cli)).toBe(true);
    const preload = join(work, 'no-express.cjs');
    const version = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    ).version;

    expect(nodeFails([cli, '--version'], preload)).toEqual({ status: 0, out: `${version}\n` });
    const help = nodeFails([cli, '--help'], preload);
    expect(help.status).toBe(0);
    expect(help.out).toMatch(/simulator/);
    const reportHelp = nodeFails([cli, 'report', '--help'], preload);
    expect(reportHelp.status).toBe(0);
    expect(reportHelp.out).toMatch(/--format FORMAT/);
    // Past argument parsing, into the command itself: it stops for the missing key, not Express.
    const report = nodeFails(
      [cli, 'report', '--from', '2024-03-01', '--to', '2024-03-02'],
      preload,
    );
    expect(report.status).toBe(2);
    expect(report.out).toMatch(/^govuk-pay-express report: GOVUK_PAY_API_KEY is not set/);
    // The simulator does need Express, so the preload is shown to work.
    const simulator = nodeFails([cli, 'simulator', '--help'], preload);
    expect(simulator.status).toBe(1);
    expect(simulator.out).toMatch(/^govuk-pay-express: Cannot find module 'express'/);
  });
});
