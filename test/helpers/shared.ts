import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The GOV.UK Pay fact sheet, spec and fixtures live in ../shared, outside the project, and are
 * never copied in. Tests that need them use `describeWithShared`, which skips with a visible
 * message where the folder is absent (a clone on its own).
 */
export const SHARED_GOVUK_PAY_DIR = resolve(__dirname, '../../../shared/govuk-pay');
export const sharedAvailable = existsSync(join(SHARED_GOVUK_PAY_DIR, 'publicapi_spec.json'));

export const describeWithShared: jest.Describe = sharedAvailable
  ? describe
  : (((name: string, fn: jest.EmptyFunction) => {
      describe(name, () => {
        it.skip(
          `SKIPPED: ../shared/govuk-pay is absent, so "${name}" cannot read the spec or fixtures`,
          fn,
        );
      });
      console.warn(`govuk-pay-express tests: ../shared/govuk-pay not found; skipping "${name}"`);
    }) as unknown as jest.Describe);

export function readSharedJson<T = unknown>(relativePath: string): T {
  return JSON.parse(readFileSync(join(SHARED_GOVUK_PAY_DIR, relativePath), 'utf8')) as T;
}

export function loadSpec(): Record<string, unknown> {
  return readSharedJson('publicapi_spec.json');
}

/** Official example bodies, keyed by file name, e.g. `create-payment-201.docs.json`. */
export function loadFixtures(): Record<string, unknown> {
  const dir = join(SHARED_GOVUK_PAY_DIR, 'fixtures');
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8')) as unknown]),
  );
}
