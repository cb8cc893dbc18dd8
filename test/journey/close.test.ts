import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { payJourney } from '../../src/journey';
import { createSimulator, generateTestApiKey } from '../../src/simulator';

function connections(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) =>
    server.getConnections((err, count) => (err ? reject(err) : resolve(count))),
  );
}

async function until(check: () => Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 200; i += 1) {
    if (await check()) return true;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return false;
}

describe('journey.close()', () => {
  it('closes the keep-alive connections to GOV.UK Pay', async () => {
    const simulator = createSimulator({ rateLimit: false });
    const upstream = http.createServer(simulator.app);
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const apiBaseUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const journey = payJourney({
      apiKey: generateTestApiKey(),
      apiBaseUrl,
      publicUrl: 'http://127.0.0.1:3000',
      cookie: { secrets: ['a-test-secret-that-is-long-enough-0001'], secure: false },
      nextUrlHosts: [new URL(apiBaseUrl).host, `localhost:${new URL(apiBaseUrl).port}`],
      createPayment: () => ({ amount: 100, reference: 'R1', description: 'Test' }),
      outcomes: { success: () => undefined, failed: () => undefined },
    });
    try {
      await journey.client.createPayment({
        amount: 100,
        reference: 'R1',
        description: 'Test',
        return_url: 'http://127.0.0.1:3000/payment/return',
      });
      // Keep-alive: the connection stays open after the call.
      expect(await connections(upstream)).toBe(1);
      await journey.close();
      expect(await until(async () => (await connections(upstream)) === 0)).toBe(true);
    } finally {
      upstream.closeAllConnections();
      await new Promise<void>((resolve) => upstream.close(() => resolve()));
    }
  });
});
