import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Where the README's blocks are compiled and run, outside the repository, as a service's own
 * project would be: `node_modules/govuk-pay-express` is this repository (its built `dist/`,
 * through the `exports` map), and every other package is the repository's own copy.
 *
 * - `check/`: for the type checker, with the real package.
 * - `run/`: for running blocks, with a thin stand-in for the package that passes everything
 *   through, except that a `payJourney` given no `apiBaseUrl` or `nextUrlHosts` gets the
 *   simulator's from the environment (README_TEST_API_BASE_URL, README_TEST_NEXT_URL_HOSTS):
 *   the quick start talks to GOV.UK Pay, and in the test GOV.UK Pay is the simulator.
 */
export interface ReadmeWorkspace {
  dir: string;
  checkDir: string;
  runDir: string;
  /** The preload that makes every `listen()` take a free port on 127.0.0.1 and report it. */
  harness: string;
  cleanup(): void;
}

const PACKAGE = 'govuk-pay-express';

export function createReadmeWorkspace(root: string): ReadmeWorkspace {
  const dir = mkdtempSync(join(tmpdir(), 'govuk-pay-express-readme-'));
  const checkDir = join(dir, 'check');
  const runDir = join(dir, 'run');
  for (const project of [checkDir, runDir]) {
    mkdirSync(join(project, 'node_modules'), { recursive: true });
    linkDependencies(join(root, 'node_modules'), join(project, 'node_modules'));
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({ name: 'readme-blocks', private: true, type: 'module' }),
    );
  }
  symlinkSync(root, join(checkDir, 'node_modules', PACKAGE), 'dir');
  writeStandIn(root, join(runDir, 'node_modules', PACKAGE));
  const harness = join(dir, 'listen-harness.cjs');
  writeFileSync(harness, LISTEN_HARNESS);
  return {
    dir,
    checkDir,
    runDir,
    harness,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function linkDependencies(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || entry.name === PACKAGE) continue;
    if (entry.name.startsWith('@') && entry.isDirectory()) {
      mkdirSync(join(to, entry.name));
      for (const scoped of readdirSync(join(from, entry.name))) {
        symlinkSync(join(from, entry.name, scoped), join(to, entry.name, scoped), 'dir');
      }
      continue;
    }
    symlinkSync(join(from, entry.name), join(to, entry.name), 'dir');
  }
}

/** An `exports` entry: by condition (`import`, `require`), or one target for both. */
interface ExportTarget {
  import?: { default: string } | string;
  require?: { default: string } | string;
  default?: string;
}

function targetFile(target: ExportTarget, condition: 'import' | 'require'): string | undefined {
  const given = target[condition] ?? target.default;
  return typeof given === 'string' ? given : given?.default;
}

/** The package's own `exports` map, each entry pointing at the real files, `.` wrapped. */
function writeStandIn(root: string, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    exports: Record<string, ExportTarget | string>;
  };
  const exportsMap: Record<string, { import: string; require: string }> = {};
  for (const [subPath, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue;
    const name = subPath === '.' ? 'index' : subPath.slice(2).replace(/\//g, '-');
    const esmFile = targetFile(target, 'import');
    const cjsFile = targetFile(target, 'require');
    if (esmFile === undefined || cjsFile === undefined) continue;
    const esm = pathToFileURL(join(root, esmFile)).href;
    const cjs = join(root, cjsFile);
    if (subPath === '.') {
      writeFileSync(
        join(dir, `${name}.mjs`),
        `import * as real from ${JSON.stringify(esm)};
import { withReadmeTestDefaults } from './defaults.cjs';
export * from ${JSON.stringify(esm)};
export function payJourney(options, ...rest) {
  return real.payJourney(withReadmeTestDefaults(options), ...rest);
}
`,
      );
      writeFileSync(
        join(dir, `${name}.cjs`),
        `const real = require(${JSON.stringify(cjs)});
const { withReadmeTestDefaults } = require('./defaults.cjs');
module.exports = {
  ...real,
  payJourney: (options, ...rest) => real.payJourney(withReadmeTestDefaults(options), ...rest),
};
`,
      );
    } else {
      writeFileSync(join(dir, `${name}.mjs`), `export * from ${JSON.stringify(esm)};\n`);
      writeFileSync(
        join(dir, `${name}.cjs`),
        `module.exports = require(${JSON.stringify(cjs)});\n`,
      );
    }
    exportsMap[subPath] = { import: `./${name}.mjs`, require: `./${name}.cjs` };
  }
  writeFileSync(join(dir, 'defaults.cjs'), DEFAULTS);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: PACKAGE, version: '0.0.0-readme', exports: exportsMap }),
  );
}

const DEFAULTS = `'use strict';
// Where GOV.UK Pay is, for a journey that did not say: in this test, the simulator.
function withReadmeTestDefaults(options) {
  if (typeof options !== 'object' || options === null) return options;
  const base = process.env.README_TEST_API_BASE_URL;
  const hosts = process.env.README_TEST_NEXT_URL_HOSTS;
  return {
    ...options,
    ...(options.apiBaseUrl === undefined && base ? { apiBaseUrl: base } : {}),
    ...(options.nextUrlHosts === undefined && hosts ? { nextUrlHosts: hosts.split(',') } : {}),
  };
}
module.exports = { withReadmeTestDefaults };
`;

const LISTEN_HARNESS = `'use strict';
// Every server a README block starts listens on a free port on 127.0.0.1, whatever port the block
// names (the quick start's 3000 may be taken), and its port is told to the test over IPC.
const net = require('node:net');
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const callback = typeof args[args.length - 1] === 'function' ? args.pop() : undefined;
  this.once('listening', () => {
    const address = this.address();
    if (process.send && address && typeof address === 'object') {
      process.send({ listening: address.port });
    }
  });
  return callback === undefined
    ? listen.call(this, 0, '127.0.0.1')
    : listen.call(this, 0, '127.0.0.1', callback);
};
`;
