import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startReceiver } from '../../helpers/webhook-receiver';

// Needs the built package (`npm run build`) and a collector it can run on demand.
const ROOT = resolve(__dirname, '../../..');
const built = existsSync(join(ROOT, 'dist/cjs/simulator/index.js'));
const itBuilt = built ? it : it.skip;

const CHILD = `
const { createSimulator, generateTestApiKey } = require('./dist/cjs/simulator');
(async () => {
  // Only the listening server is kept, as in \`const { url } = await createSimulator(…).listen()\`.
  const { url } = await createSimulator({
    rateLimit: false,
    webhooks: [{ url: process.argv[1], secret: 'webhook_test_lifetime' }],
  }).listen();
  for (let i = 0; i < 5; i++) {
    global.gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  const headers = { authorization: 'Bearer ' + generateTestApiKey(), 'content-type': 'application/json' };
  const created = await fetch(url + '/v1/payments', {
    method: 'POST',
    headers,
    body: JSON.stringify({ amount: 100, reference: 'R', description: 'D', return_url: 'https://x.example.gov.uk/r' }),
  });
  const { payment_id } = await created.json();
  global.gc();
  const cancelled = await fetch(url + '/v1/payments/' + payment_id + '/cancel', { method: 'POST', headers });
  console.log('cancel ' + cancelled.status);
  setInterval(() => global.gc(), 50);
})();
`;

describe('a simulator kept only through its server', () => {
  itBuilt('still sends webhooks after garbage collection', async () => {
    const receiver = await startReceiver(['webhook_test_lifetime']);
    const child = spawn(process.execPath, ['--expose-gc', '-e', CHILD, receiver.url], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const [request] = await receiver.waitFor(1, 20_000);
      expect(request?.json.event_type).toBe('card_payment_failed');
      expect(request?.signatureValid).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await receiver.close();
    }
  });
});
