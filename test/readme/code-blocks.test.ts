import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import request from 'supertest';
import ts from 'typescript';
import { createSimulator, generateTestApiKey } from '../../src/simulator';
import type { RunningSimulator, Simulator } from '../../src/simulator';
import { describeBlock, extractCodeBlocks } from './extract';
import type { CodeBlock } from './extract';
import { README_PRELUDE } from './prelude';
import { createReadmeWorkspace } from './workspace';
import type { ReadmeWorkspace } from './workspace';

/**
 * Every code block in README.md is tested as a reader would use it (see ./extract.ts for the
 * markers): TypeScript blocks are type-checked under `strict` against the built package, resolved
 * as `govuk-pay-express` from a project outside this repository; `run` blocks are whole programs,
 * checked without any prelude and then run against the simulator; JavaScript blocks must parse;
 * shell blocks may only name npm scripts and CLI commands that exist.
 */
const ROOT = resolve(__dirname, '../..');
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const BLOCKS = extractCodeBlocks(README);
const SLOW = 240_000;

const built =
  existsSync(join(ROOT, 'dist/esm/index.d.ts')) && existsSync(join(ROOT, 'dist/cjs/index.js'));
if (!built && process.env.CI === 'true') {
  throw new Error('test/readme needs dist/: run `npm run build` first (npm test does)');
}
if (!built) console.warn('test/readme: dist/ is missing; run `npm run build` (npm test does)');
const describeBuilt = built ? describe : describe.skip;

const isTs = (block: CodeBlock): boolean => block.lang === 'ts' || block.lang === 'typescript';
const isJs = (block: CodeBlock): boolean => block.lang === 'js' || block.lang === 'javascript';
const isSh = (block: CodeBlock): boolean => ['sh', 'bash', 'shell', 'console'].includes(block.lang);

const CHECKED = BLOCKS.filter((block) => isTs(block) && block.mode !== 'fragment');
const RUN = BLOCKS.filter((block) => block.mode === 'run');
const JS = BLOCKS.filter((block) => isJs(block) && block.mode !== 'fragment');
const SH = BLOCKS.filter(isSh);

const fileFor = (block: CodeBlock): string => `block-line-${block.line}.mts`;

const COMPILER_OPTIONS: ts.CompilerOptions = {
  strict: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  moduleDetection: ts.ModuleDetectionKind.Force,
  esModuleInterop: true,
  skipLibCheck: true,
  noEmit: true,
  types: ['node'],
};

let workspace: ReadmeWorkspace | undefined;
/** Type errors by block file, as `README.md:<line>: <message>`. */
const typeErrors = new Map<string, string[]>();

function typeCheck(dir: string, files: readonly string[], blocksByFile: Map<string, CodeBlock>) {
  const host = ts.createCompilerHost(COMPILER_OPTIONS);
  const program = ts.createProgram(
    files.map((file) => join(dir, file)),
    { ...COMPILER_OPTIONS, typeRoots: [join(dir, 'node_modules/@types')] },
    host,
  );
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const file = diagnostic.file;
    const name = file === undefined ? '' : (file.fileName.split('/').pop() ?? '');
    const block = blocksByFile.get(name);
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    const key = block === undefined ? '(setup)' : name;
    let where = '';
    if (file !== undefined && diagnostic.start !== undefined) {
      const { line } = file.getLineAndCharacterOfPosition(diagnostic.start);
      where =
        block === undefined ? `${file.fileName}:${line + 1}` : `README.md:${block.line + 1 + line}`;
    }
    typeErrors.set(key, [
      ...(typeErrors.get(key) ?? []),
      `${where}: TS${diagnostic.code} ${message}`,
    ]);
  }
}

describeBuilt('README.md code blocks', () => {
  beforeAll(() => {
    workspace = createReadmeWorkspace(ROOT);
    const blocksByFile = new Map<string, CodeBlock>();
    for (const block of CHECKED) {
      blocksByFile.set(fileFor(block), block);
      writeFileSync(join(workspace.checkDir, fileFor(block)), block.code);
    }
    writeFileSync(join(workspace.checkDir, 'readme-prelude.d.ts'), README_PRELUDE);
    // Two programs: the prelude may serve `check` blocks, never a `run` block.
    const checkOnly = CHECKED.filter((block) => block.mode !== 'run').map(fileFor);
    typeCheck(workspace.checkDir, ['readme-prelude.d.ts', ...checkOnly], blocksByFile);
    const runnable = CHECKED.filter((block) => block.mode === 'run').map(fileFor);
    if (runnable.length > 0) typeCheck(workspace.checkDir, runnable, blocksByFile);
  }, SLOW);

  afterAll(() => {
    workspace?.cleanup();
  });

  it('has the blocks this test knows how to run: a quick start and a simulator snippet', () => {
    expect(RUN.map((block) => block.section)).toEqual(
      expect.arrayContaining(['Quick start', 'Testing with the simulator']),
    );
    expect(RUN.every(isTs)).toBe(true);
    expect(typeErrors.get('(setup)')).toBeUndefined();
  });

  describe('TypeScript blocks type-check under strict against the built package', () => {
    it.each(CHECKED.map((block) => [describeBlock(block), block] as const))(
      '%s',
      (_name, block) => {
        expect(typeErrors.get(fileFor(block)) ?? []).toEqual([]);
      },
    );
  });

  describe('JavaScript blocks parse', () => {
    it.each(JS.map((block) => [describeBlock(block), block] as const))('%s', (_name, block) => {
      const output = ts.transpileModule(block.code, {
        fileName: 'block.mjs',
        reportDiagnostics: true,
        compilerOptions: { allowJs: true, target: ts.ScriptTarget.ES2022 },
      });
      const errors = (output.diagnostics ?? []).map((diagnostic) => {
        const line =
          diagnostic.file !== undefined && diagnostic.start !== undefined
            ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line
            : 0;
        return `README.md:${block.line + 1 + line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`;
      });
      expect(errors).toEqual([]);
    });
  });

  describe('shell blocks name only npm scripts and CLI commands that exist', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const helps = new Map<string, string>();
    /** The CLI's own help: of one command, or with no command the list of commands. */
    const cliHelp = (command?: string): string => {
      const key = command ?? '';
      let text = helps.get(key);
      if (text === undefined) {
        const args = [
          join(ROOT, 'dist/cjs/cli.js'),
          ...(command === undefined ? [] : [command]),
          '--help',
        ];
        text = execFileSync(process.execPath, args, { encoding: 'utf8' });
        helps.set(key, text);
      }
      return text;
    };

    it.each(SH.map((block) => [describeBlock(block), block] as const))('%s', (_name, block) => {
      const scripts = [
        ...[...block.code.matchAll(/\bnpm run ([\w:.-]+)/g)].map((m) => m[1] as string),
        ...[...block.code.matchAll(/\bnpm (test|start)\b/g)].map((m) => m[1] as string),
      ];
      for (const script of scripts)
        expect({ script, exists: script in pkg.scripts }).toEqual({ script, exists: true });
      const commands = [...block.code.matchAll(/\bnpx govuk-pay-express (\w[\w-]*)/g)].map(
        (m) => m[1] as string,
      );
      // Each option given to a command must be one its --help lists.
      for (const [, command, rest] of block.code.matchAll(
        /\bnpx govuk-pay-express (\w[\w-]*)([^\n#]*)/g,
      )) {
        for (const [flag] of (rest ?? '').matchAll(/--[a-z][a-z-]*/g)) {
          expect({ command, flag, listed: cliHelp(command).includes(flag) }).toEqual({
            command,
            flag,
            listed: true,
          });
        }
      }
      for (const command of commands) {
        expect({ command, listed: new RegExp(`^\\s+${command}\\s`, 'm').test(cliHelp()) }).toEqual({
          command,
          listed: true,
        });
      }
    });
  });

  describe('run blocks run', () => {
    let sim: Simulator;
    let running: RunningSimulator;
    let child: ChildProcess | undefined;

    beforeEach(async () => {
      sim = createSimulator({ rateLimit: false });
      running = await sim.listen();
    });

    afterEach(async () => {
      if (child !== undefined && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((done) => child?.once('exit', done));
        child.kill('SIGKILL');
        await exited;
      }
      child = undefined;
      await running.close();
    });

    function start(block: CodeBlock): { child: ChildProcess; output: () => string } {
      if (workspace === undefined) throw new Error('no workspace');
      const file = join(workspace.runDir, fileFor(block).replace(/\.mts$/, '.mjs'));
      const { outputText } = ts.transpileModule(block.code, {
        fileName: fileFor(block),
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(file, outputText);
      let output = '';
      child = spawn(process.execPath, ['--require', workspace.harness, file], {
        cwd: workspace.runDir,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        env: {
          ...process.env,
          NODE_ENV: 'test',
          GOVUK_PAY_API_KEY: generateTestApiKey(),
          PAY_COOKIE_SECRET: randomBytes(36).toString('base64'),
          README_TEST_API_BASE_URL: running.url,
          README_TEST_NEXT_URL_HOSTS: new URL(running.pagesUrl).host,
        },
      });
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      return { child, output: () => output };
    }

    function exitOf(process: ChildProcess): Promise<number | null> {
      return new Promise((done) => process.once('exit', (code) => done(code)));
    }

    function listeningPort(process: ChildProcess, output: () => string): Promise<number> {
      return new Promise((done, fail) => {
        process.on('message', (message: { listening?: number }) => {
          if (typeof message.listening === 'number') done(message.listening);
        });
        process.once('exit', (code) =>
          fail(new Error(`the block exited (${code}) before listening:\n${output()}`)),
        );
      });
    }

    const quickStart = RUN.find((block) => block.section === 'Quick start');
    const simulatorSnippet = RUN.find((block) => block.section === 'Testing with the simulator');

    (quickStart === undefined ? it.skip : it)(
      'the quick start boots, and its Pay button starts a payment: 303 to the card page',
      async () => {
        const { child: app, output } = start(quickStart as CodeBlock);
        const port = await listeningPort(app, output);
        const base = `http://127.0.0.1:${port}`;

        const page = await request(base).get('/');
        expect(page.status).toBe(200);
        expect(page.text).toContain('action="/payment/start"');

        const started = await request(base).post('/payment/start');
        expect(started.status).toBe(303);
        expect(started.headers.location?.startsWith(`${running.pagesUrl}/`)).toBe(true);
        const [payment] = sim.payments.list();
        expect(payment).toMatchObject({ amount: 4800, reference: 'PERMIT-1234' });
        expect(output()).not.toMatch(/Error/);
      },
      SLOW,
    );

    (simulatorSnippet === undefined ? it.skip : it)(
      'the simulator snippet settles an abandoned payment through reconciliation on sim.clock, and exits',
      async () => {
        const { child: snippet, output } = start(simulatorSnippet as CodeBlock);
        const code = await exitOf(snippet);
        expect(output()).toContain('success reconcile');
        expect(code).toBe(0);
      },
      SLOW,
    );

    const rateLimited = RUN.find((block) => block.section === 'Limiting POST /start');

    (rateLimited === undefined ? it.skip : it)(
      'the rate limit passes starts on to the journey, then answers 429, and leaves the return alone',
      async () => {
        const { child: app, output } = start(rateLimited as CodeBlock);
        const base = `http://127.0.0.1:${await listeningPort(app, output)}`;
        // Sequential, so the count is exact; each start is a new payment, as from a script.
        for (let i = 1; i <= 10; i += 1) {
          const started = await request(base).post('/payment/start');
          expect({ i, status: started.status }).toEqual({ i, status: 303 });
        }
        const limited = await request(base).post('/payment/start');
        expect(limited.status).toBe(429);
        expect(limited.headers['cache-control']).toBe('no-store');
        expect(limited.text).toContain('too many times');
        expect(sim.payments.size).toBe(10);
        // The return is not limited: with no cookie it is the journey's own "missing" answer.
        expect((await request(base).get('/payment/return')).status).toBe(400);
      },
      SLOW,
    );

    const others = RUN.filter(
      (block) => block !== quickStart && block !== simulatorSnippet && block !== rateLimited,
    );
    const eachOther =
      others.length === 0
        ? undefined
        : it.each(others.map((block) => [describeBlock(block), block] as const));
    eachOther?.(
      'runs %s to a clean exit',
      async (_name, block) => {
        const { child: other, output } = start(block);
        const code = await exitOf(other);
        expect({ code, output: output() }).toEqual({
          code: 0,
          output: expect.any(String) as string,
        });
      },
      SLOW,
    );
  });
});
