import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * `npm start` runs `node demo-app/server.js` after the build: with no key and no network it must
 * start the simulator and the demo, print where to go, serve pages, and stop cleanly on Ctrl-C.
 */
const ROOT = resolve(__dirname, '../..');
const built = existsSync(resolve(ROOT, 'dist/cjs/index.js'));
const describeBuilt = built ? describe : describe.skip;
if (!built) console.warn('test/demo: dist/ is missing; run `npm run build` (npm test does)');

describeBuilt('the demo server, as npm start runs it', () => {
  it('prints its URL and the test cards, serves the start page, and stops on SIGINT with exit 0', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0' };
    delete env.GOVUK_PAY_API_KEY;
    delete env.DEMO_ADMIN_PASSWORD;
    // No shared store: the in-memory default, which must need no server either.
    delete env.REDIS_URL;
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['demo-app/server.js'], { cwd: ROOT, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    try {
      const url = await new Promise<string>((done, fail) => {
        const timer = setTimeout(() => fail(new Error(`no URL printed:\n${output}`)), 20_000);
        child.stdout.on('data', () => {
          const match = /Open (http:\/\/127\.0\.0\.1:\d+) in your browser/.exec(output);
          if (match?.[1] !== undefined && output.includes('Press Ctrl-C to stop.')) {
            clearTimeout(timer);
            done(match[1]);
          }
        });
      });
      expect(output).toContain('4444333322221111');
      expect(output).toMatch(/embedded simulator at http:\/\/127\.0\.0\.1:\d+/);
      expect(output).toMatch(/card pages on http:\/\/localhost:\d+/);
      expect(output).toMatch(
        /Payment state: in memory \(MemoryStore.*the demo keeps its own permit orders in memory/,
      );

      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Pay for a resident parking permit');

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(output).toContain('Stopped.');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
