// Builds dist/cjs (the code) and dist/esm (ESM entry points and their types). Each half gets a
// package.json naming its module type, so Node loads `.js` files correctly whichever entry of the
// exports map is used.
//
// The ESM entry points re-export the CommonJS build instead of being a second compiled copy: with
// two copies, a service importing one sub-path and requiring another (or a dependency doing so)
// would get two PayError classes, and `instanceof PayError` would be false across them.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');

/** The files the exports map points at, without `.js`, relative to dist/cjs and dist/esm. */
const ENTRY_POINTS = [
  'index',
  'client-entry',
  'simulator/index',
  'testing/index',
  'stores/redis',
  'stores/postgres',
];

rmSync('dist', { recursive: true, force: true });
for (const [project, dir, type] of [
  ['tsconfig.build.json', 'dist/cjs', 'commonjs'],
  // Declarations only: the code is the re-exports written below.
  ['tsconfig.esm.json', 'dist/esm', 'module'],
]) {
  execFileSync(process.execPath, [tsc, '-p', project], { stdio: 'inherit' });
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, JSON.stringify({ type }) + '\n');
}

for (const entry of ENTRY_POINTS) {
  const cjsFile = resolve('dist/cjs', `${entry}.js`);
  const esmFile = resolve('dist/esm', `${entry}.js`);
  const names = Object.keys(require(cjsFile)).filter((name) => name !== '__esModule');
  for (const name of names) {
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`${entry}: cannot re-export "${name}"`);
  }
  const from = relative(dirname(esmFile), cjsFile).split('\\').join('/');
  mkdirSync(dirname(esmFile), { recursive: true });
  writeFileSync(
    esmFile,
    `// Re-exports the CommonJS build: one copy of every class for import and require alike.\n` +
      `import cjs from '${from.startsWith('.') ? from : `./${from}`}';\n\n` +
      `export const { ${names.join(', ')} } = cjs;\n`,
  );
}
chmodSync(join('dist/cjs', 'cli.js'), 0o755);
