/**
 * The demo limits POST /payment/start per session (10 a minute) and per client IP (30 a minute),
 * so a script pressing Pay in a loop cannot use up the GOV.UK Pay account's POST budget. Each
 * test starts its own demo, so the limits' counts start at zero.
 */
import { Browser } from '../helpers/browser';
import type { RunningDemo } from '../helpers/browser-support';
import { startDemo } from '../helpers/browser-support';

const PER_SESSION = 10;
const PER_CLIENT = 30;

describe('the demo rate-limits POST /payment/start', () => {
  let running: RunningDemo | undefined;

  afterEach(async () => {
    await running?.close();
    running = undefined;
  });

  function expectLimitedPage(response: { status: number; body: string; headers: object }): void {
    expect(response.status).toBe(429);
    expect(response.body).toContain('You have tried to pay too many times');
    expect(response.body).toContain('govuk-heading-l');
    expect(response.headers).toMatchObject({
      'cache-control': 'no-store',
      'retry-after': expect.stringMatching(/^\d+$/),
    });
  }

  test(`per session: the ${PER_SESSION + 1}th start in a minute gets the 429 page and creates nothing`, async () => {
    running = await startDemo();
    const { url } = running;
    const citizen = new Browser();
    await citizen.get(`${url}/vehicle-registration`);
    await citizen.post(`${url}/vehicle-registration`, {
      form: { vehicleRegistration: 'AB12 CDE' },
    });
    await citizen.post(`${url}/permit-length`, { form: { months: '3' } });

    for (let i = 0; i < PER_SESSION; i += 1) {
      const started = await citizen.post(`${url}/payment/start`);
      expect([i, started.status]).toEqual([i, 303]);
      if (i === 0) {
        // The draft-8 RateLimit headers name both limits.
        const policy = String(started.headers['ratelimit-policy']);
        expect(policy).toContain(`"pay-start-session"; q=${PER_SESSION}; w=60`);
        expect(policy).toContain(`"pay-start-client"; q=${PER_CLIENT}; w=60`);
        expect(started.headers['x-ratelimit-limit']).toBeUndefined();
      }
    }
    // The first start created the payment; the others resumed it.
    expect(running.demo.simulator.payments.size).toBe(1);

    const limited = await citizen.post(`${url}/payment/start`);
    expectLimitedPage(limited);
    expect(running.demo.simulator.payments.size).toBe(1);

    // Another citizen on the same address is not held back by the first one's session.
    const other = new Browser();
    await other.get(`${url}/vehicle-registration`);
    await other.post(`${url}/vehicle-registration`, { form: { vehicleRegistration: 'XY34 ZZZ' } });
    await other.post(`${url}/permit-length`, { form: { months: '6' } });
    expect((await other.post(`${url}/payment/start`)).status).toBe(303);
    expect(running.demo.simulator.payments.size).toBe(2);
  });

  test(`per client IP: a script that drops its session cookie is stopped after ${PER_CLIENT}`, async () => {
    running = await startDemo();
    const { url } = running;
    for (let i = 0; i < PER_CLIENT; i += 1) {
      const started = await new Browser().post(`${url}/payment/start`);
      expect([i, started.status, started.location]).toEqual([
        i,
        303,
        `${url}/vehicle-registration`,
      ]);
    }
    expectLimitedPage(await new Browser().post(`${url}/payment/start`));
    // Only starts are limited: the rest of the service still answers.
    expect((await new Browser().get(`${url}/`)).status).toBe(200);
  });
});
