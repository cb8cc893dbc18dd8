import { PayClient } from '../../src/client';
import { readPayment } from '../../src/settlement';
import { silentLogger } from '../../src/logger';
import { startSimulator } from '../helpers/simulator-harness';
import type { Harness } from '../helpers/simulator-harness';

let h: Harness;
let client: PayClient;
beforeAll(async () => {
  h = await startSimulator();
  client = new PayClient({ apiKey: h.key, apiBaseUrl: h.url, maxRetries: 0 });
});
afterAll(async () => {
  client.close();
  await h.close();
});

const deps = { logger: silentLogger, fingerprint: (id: string) => id.slice(0, 4) };

describe('readPayment follows the sealed self link only on the API origin', () => {
  it('reads by the self link when it is on the origin', async () => {
    const payment = await h.createPayment();
    const read = await readPayment(deps, client, {
      paymentId: payment.payment_id,
      selfHref: `${h.url}/v1/payments/${payment.payment_id}`,
    });
    expect(read).toMatchObject({ ok: true, payment: { payment_id: payment.payment_id } });
  });

  it.each([
    ['a longer port', (origin: string) => `${origin}0`],
    ['credentials before the host', (origin: string) => origin.replace('//', '//user:pw@')],
    ['another host after the origin', (origin: string) => `${origin}.evil.example`],
  ])(
    'a link that only starts like the origin (%s) is not followed: the payment is read by id',
    async (_label, lookalike) => {
      const payment = await h.createPayment();
      const read = await readPayment(deps, client, {
        paymentId: payment.payment_id,
        selfHref: `${lookalike(h.url)}/v1/payments/${payment.payment_id}`,
      });
      // Followed, the link would be refused (off origin) and the read would fail.
      expect(read).toMatchObject({ ok: true, payment: { payment_id: payment.payment_id } });
    },
  );
});
