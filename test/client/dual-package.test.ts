import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as errors from '../../src/client/errors';
import { isRetryable } from '../../src/client/retry';

/*
 * Issue 15, the dual-package hazard: a service that loads both the ESM and the CommonJS build (or
 * two copies in node_modules) gets two PayError classes. `instanceof` must still say what an
 * error is, per class, or retries, outcome mapping and the service's own catch blocks go wrong.
 */

type ErrorsModule = typeof errors;
const CLASSES = [
  'PayError',
  'PayAuthenticationError',
  'PayValidationError',
  'PayNotFoundError',
  'PayConflictError',
  'PayRateLimitError',
  'PayServerError',
  'PayConnectionError',
  'PayResponseError',
] as const;
type ClassName = (typeof CLASSES)[number];

function make(module: ErrorsModule, name: ClassName): Error {
  if (name === 'PayConnectionError') return new module.PayConnectionError('x', 'timeout');
  return new module[name]('x');
}

/** What `instanceof` should say: every class is a PayError, and each is itself only. */
function expected(made: ClassName, asked: ClassName): boolean {
  return asked === made || asked === 'PayError';
}

describe('a second copy of the module in the same process', () => {
  let other: ErrorsModule;
  beforeAll(() => {
    jest.isolateModules(() => {
      other = jest.requireActual<ErrorsModule>('../../src/client/errors');
    });
  });

  it('really is another copy, with other classes', () => {
    expect(other.PayError).not.toBe(errors.PayError);
    expect(Object.getPrototypeOf(make(other, 'PayServerError'))).not.toBe(
      errors.PayServerError.prototype,
    );
  });

  it.each(CLASSES)('a %s from either copy is instanceof exactly its classes in both', (made) => {
    for (const [from, to] of [
      [other, errors],
      [errors, other],
      [errors, errors],
    ] as const) {
      const error = make(from, made);
      for (const asked of CLASSES) {
        expect([asked, error instanceof to[asked]]).toEqual([asked, expected(made, asked)]);
      }
      expect(error).toBeInstanceOf(Error);
    }
  });

  it("the retry rules recognise the other copy's errors", () => {
    expect(isRetryable(new other.PayConnectionError('x', 'refused'), 'write')).toBe(true);
    expect(isRetryable(new other.PayServerError('x', { status: 500 }), 'read')).toBe(true);
    expect(isRetryable(new other.PayValidationError('x'), 'read')).toBe(false);
  });

  it('is not fooled by other values', () => {
    for (const value of [
      new Error('x'),
      { name: 'PayError', message: 'x' },
      Object.create(Error.prototype),
      null,
      undefined,
      'PayError',
      42,
    ]) {
      expect(value instanceof errors.PayError).toBe(false);
    }
  });

  it("a service's own subclass keeps the ordinary prototype check", () => {
    class ServiceError extends errors.PayServerError {}
    const mine = new ServiceError('x');
    expect(mine instanceof ServiceError).toBe(true);
    expect(mine instanceof errors.PayServerError).toBe(true);
    expect(mine instanceof other.PayServerError).toBe(true);
    expect(mine instanceof other.PayError).toBe(true);
    expect(mine instanceof errors.PayRateLimitError).toBe(false);
    expect(new errors.PayServerError('x') instanceof ServiceError).toBe(false);
    expect(new other.PayServerError('x') instanceof ServiceError).toBe(false);
  });
});

const ROOT = resolve(__dirname, '../..');
const CJS = join(ROOT, 'dist/cjs/client/errors.js');
const ESM = join(ROOT, 'dist/esm/client/errors.js');
const built = existsSync(CJS) && existsSync(ESM);
const describeBuilt = built ? describe : describe.skip;
if (!built) console.warn('test/client/dual-package: dist/ is missing; run `npm run build`');

describeBuilt('the built CommonJS and ESM copies, loaded together by Node', () => {
  it('were built from this source (run `npm run build` if not)', () => {
    for (const file of [CJS, ESM]) {
      expect(readFileSync(file, 'utf8')).toContain("Symbol.for('govuk-pay-express.PayError')");
    }
  });

  it('agree on instanceof for every class, in both directions, through the package entry', () => {
    // An ESM process that imports the ESM entry and requires the CommonJS one, as a service
    // mixing `import` and `require` would.
    const script = `
      import { createRequire } from 'node:module';
      const esm = await import('./dist/esm/index.js');
      const cjs = createRequire(import.meta.url)('./dist/cjs/index.js');
      const classes = ${JSON.stringify(CLASSES)};
      const make = (m, name) =>
        name === 'PayConnectionError' ? new m[name]('x', 'timeout') : new m[name]('x');
      const rows = [];
      for (const [from, to, label] of [[esm, cjs, 'esm->cjs'], [cjs, esm, 'cjs->esm']]) {
        if (from.PayError === to.PayError) throw new Error('the two builds share one class');
        for (const made of classes) {
          const error = make(from, made);
          for (const asked of classes) rows.push([label, made, asked, error instanceof to[asked]]);
        }
      }
      process.stdout.write(JSON.stringify(rows));
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const rows = JSON.parse(output) as [string, ClassName, ClassName, boolean][];
    expect(rows).toHaveLength(2 * CLASSES.length * CLASSES.length);
    const wrong = rows.filter(([, made, asked, is]) => is !== expected(made, asked));
    expect(wrong).toEqual([]);
  });
});
