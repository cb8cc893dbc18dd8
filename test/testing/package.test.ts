import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Loads `govuk-pay-express/testing` from the built package by name, as a service's tests would. */
const ROOT = resolve(__dirname, '../..');
const built = existsSync(join(ROOT, 'dist/cjs/testing/index.js'));
const describeBuilt = built ? describe : describe.skip;
if (!built) console.warn('test/testing: dist/ is missing; run `npm run build` (npm test does)');

const VALUES = ['signWebhookBody', 'webhookFixture', 'storeConformanceChecks'];

describeBuilt('govuk-pay-express/testing, built', () => {
  it.each(['require', 'import'])('loads with %s and signs the FACTS §14 vector', (how) => {
    const load =
      how === 'require'
        ? `import { createRequire } from 'node:module';
           const t = createRequire(process.cwd() + '/x.js')('govuk-pay-express/testing');`
        : `const t = await import('govuk-pay-express/testing');`;
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `${load}
         const kinds = Object.fromEntries(${JSON.stringify(VALUES)}.map((n) => [n, typeof t[n]]));
         const signature = t.signWebhookBody('We captured a £10 payment! 💷', 'This is my secret key! 🔑');
         console.log(JSON.stringify({ kinds, signature, default: typeof t.default }));`,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(JSON.parse(out)).toEqual({
      kinds: Object.fromEntries(VALUES.map((n) => [n, 'function'])),
      signature: 'a678c8326237dc08acabed4ec3948ee82f94c4b35cdc44b68f26fa8ef595efff',
      default: 'undefined',
    });
  });
});
