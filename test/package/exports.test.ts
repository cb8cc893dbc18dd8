import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Imports the built package by its own name, through the exports map, from CommonJS and from
 * ESM, as a service would after `npm install govuk-pay-express`. `npm test` builds first.
 */
const ROOT = resolve(__dirname, '../..');
const built =
  existsSync(join(ROOT, 'dist/cjs/index.js')) && existsSync(join(ROOT, 'dist/esm/index.js'));
const describeBuilt = built ? describe : describe.skip;
if (!built) console.warn('test/package: dist/ is missing; run `npm run build` (npm test does)');

const MAIN_VALUES = [
  'payJourney',
  'PayClient',
  'MemoryStore',
  'PayConfigError',
  'PayError',
  'PayRateLimitError',
  'refundable',
  'classifyPayment',
  'createSettler',
  'reconcilePending',
];
const SIMULATOR_VALUES = ['createSimulator', 'TEST_CARDS', 'generateTestApiKey'];

function runNode(args: string[]): string {
  return execFileSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
}

function exportTypes(source: string): Record<string, string> {
  return JSON.parse(runNode(['--input-type=module', '-e', source])) as Record<string, string>;
}

describeBuilt('the built package', () => {
  it.each([
    ['require', 'commonjs'],
    ['import', 'module'],
  ])('loads "." and "./simulator" with %s', (how) => {
    const load =
      how === 'require'
        ? `import { createRequire } from 'node:module'; const r = createRequire(process.cwd() + '/x.js');
           const main = r('govuk-pay-express'); const sim = r('govuk-pay-express/simulator');`
        : `const main = await import('govuk-pay-express'); const sim = await import('govuk-pay-express/simulator');`;
    const types = exportTypes(`${load}
      const pick = (m, names) => Object.fromEntries(names.map((n) => [n, typeof m[n]]));
      console.log(JSON.stringify({ ...pick(main, ${JSON.stringify(MAIN_VALUES)}),
        ...pick(sim, ${JSON.stringify(SIMULATOR_VALUES)}), default: typeof main.default }));`);
    expect(types).toEqual({
      ...Object.fromEntries(MAIN_VALUES.map((n) => [n, 'function'])),
      createSimulator: 'function',
      TEST_CARDS: 'object',
      generateTestApiKey: 'function',
      // Named exports only.
      default: 'undefined',
    });
  });

  it('keeps the simulator out of the main entry', () => {
    const types = exportTypes(
      `const main = await import('govuk-pay-express'); console.log(JSON.stringify({ createSimulator: typeof main.createSimulator }));`,
    );
    expect(types).toEqual({ createSimulator: 'undefined' });
  });

  it('ships type declarations where the exports map says, types first', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, Record<string, Record<string, string>>>;
    };
    for (const entry of ['.', './simulator']) {
      for (const condition of ['import', 'require']) {
        const target = pkg.exports[entry]?.[condition];
        expect(Object.keys(target ?? {})[0]).toBe('types');
        expect(existsSync(join(ROOT, target?.types ?? 'missing'))).toBe(true);
        expect(existsSync(join(ROOT, target?.default ?? 'missing'))).toBe(true);
      }
    }
  });

  it('runs the command-line tool', () => {
    let output = '';
    try {
      runNode(['dist/cjs/cli.js', 'no-such-command']);
    } catch (err) {
      output = String((err as { stderr?: string }).stderr);
      expect((err as { status?: number }).status).toBe(2);
    }
    expect(output).toMatch(/simulator/);
    expect(output).toMatch(/report/);
  });
});
