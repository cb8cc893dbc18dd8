import { startConnectProxy } from '../helpers/connect-proxy';
import type { ConnectProxy } from '../helpers/connect-proxy';
import { payJourney } from '../../src/journey/pay-journey';
import { generateTestApiKey } from '../../src/simulator';
import { COOKIE_SECRET, startJourneyHarness } from '../helpers/journey-harness';
import type { JourneyHarness } from '../helpers/journey-harness';

/** payJourney passes its proxy option to every client it makes: start and return go through it. */

let egress: ConnectProxy;
let harness: JourneyHarness | undefined;

beforeEach(async () => {
  egress = await startConnectProxy();
});
afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await egress.close();
});

it('starts, and reads the payment on the return, through the proxy given as payJourney({ proxy })', async () => {
  harness = await startJourneyHarness({ journey: { proxy: egress.url } });
  const browser = harness.browser();
  const answer = await harness.payWithCard(browser);
  expect(answer.status).toBe(200);
  expect(harness.settled).toHaveLength(1);
  const simulatorTarget = new URL(harness.simulatorUrl).host;
  expect(egress.connects.length).toBeGreaterThanOrEqual(1);
  expect(egress.connects.every((seen) => seen.target === simulatorTarget)).toBe(true);
});

it('connects directly with proxy: false, whatever HTTP_PROXY says', async () => {
  const saved = process.env.HTTP_PROXY;
  process.env.HTTP_PROXY = egress.url;
  try {
    harness = await startJourneyHarness({ journey: { proxy: false } });
    const answer = await harness.payWithCard(harness.browser());
    expect(answer.status).toBe(200);
    expect(egress.connects).toHaveLength(0);
  } finally {
    if (saved === undefined) delete process.env.HTTP_PROXY;
    else process.env.HTTP_PROXY = saved;
  }
});

it('refuses a bad proxy option at construction, under its journey name', () => {
  expect(() =>
    payJourney({
      apiKey: generateTestApiKey(),
      publicUrl: 'https://apply.example.gov.uk',
      cookie: { secrets: [COOKIE_SECRET] },
      createPayment: () => ({ amount: 100, reference: 'R', description: 'D' }),
      outcomes: { success: () => undefined, failed: () => undefined },
      proxy: 'ftp://proxy.internal',
    }),
  ).toThrow(/^govuk-pay-express: proxy must be an http:\/\/ proxy URL/);
});
