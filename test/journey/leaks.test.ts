import { TEST_CARDS } from '../../src/simulator';
import { MOUNT, sameOriginHeaders, startJourneyHarness } from '../helpers/journey-harness';
import type { JourneyHarness } from '../helpers/journey-harness';

const MINUTE = 60_000;

/**
 * Runs many journeys (paid, declined, cancelled, resumed, faulted, reconciled, missing), then
 * searches everything that left the journey for the citizen's eyes or the logs: every log
 * entry, every URL the browsers requested on the service, every Set-Cookie, every Location.
 * None may hold a payment id, a next_url (or its token) or the API key.
 */
describe('secrets never leak into logs, URLs or cookies', () => {
  let h: JourneyHarness;

  afterEach(async () => {
    await h.close();
  });

  it.each(['cookie', 'return-id'] as const)('in %s mode', async (match) => {
    h = await startJourneyHarness({ journey: { match } });
    const nextUrls: string[] = [];
    const serviceLocations: string[] = [];
    const track = async (response: Promise<{ location?: string; url: string }>) => {
      const r = await response;
      if (r.location !== undefined && r.url.startsWith(h.appUrl)) {
        serviceLocations.push(r.location);
        if (new RegExp(`^${h.pagesUrlPattern}/`).test(r.location)) nextUrls.push(r.location);
      }
      return r;
    };

    // Paid, declined and errored.
    for (const card of [GOOD, TEST_CARDS.declined[0], TEST_CARDS.error[0]] as string[]) {
      const browser = h.browser();
      const started = await track(h.start(browser));
      await h.payOnHostedPages(browser, started.location as string, card);
    }
    // Back button and resume, then a refresh of the outcome.
    {
      const browser = h.browser();
      const first = await track(h.start(browser));
      await browser.navigate('GET', first.location as string);
      const again = await track(h.start(browser));
      const paid = await h.payOnHostedPages(browser, again.location as string);
      await browser.get(paid.url);
    }
    // Pending return (cookie mode), then a changed amount, then a cancel.
    {
      const browser = h.browser();
      await track(h.start(browser));
      if (match === 'cookie') await track(browser.get(`${h.appUrl}${MOUNT}/return`));
      h.payment = { ...h.payment, amount: 4200 };
      await track(h.start(browser));
      await browser.post(`${h.appUrl}${MOUNT}/cancel`, { headers: sameOriginHeaders(h.publicUrl) });
      h.payment = { ...h.payment, amount: 2500 };
    }
    // Faults on start and return.
    {
      const browser = h.browser();
      h.simulator.faults.inject({ route: 'createPayment', times: 1, fault: { kind: 'malformed' } });
      await h.start(browser);
      const started = await track(h.start(browser));
      h.simulator.faults.inject({ route: 'getPayment', fault: { kind: 'status', status: 500 } });
      await h.payOnHostedPages(browser, started.location as string);
      h.simulator.faults.clear();
    }
    // Missing, tampered, and an abandoned payment found by reconciliation.
    await h.browser().get(`${h.appUrl}${MOUNT}/return`);
    await h.browser().get(`${h.appUrl}${MOUNT}/return/${'A'.repeat(43)}`);
    {
      const browser = h.browser();
      await track(h.start(browser));
      h.simulator.completePayment(h.paymentIds()[0] as string, { card: GOOD });
      h.advance(61 * MINUTE);
      await h.journey.reconcile();
    }

    const paymentIds = h.paymentIds();
    expect(paymentIds.length).toBeGreaterThanOrEqual(8);
    expect(nextUrls.length).toBeGreaterThanOrEqual(5);
    expect(h.logger.entries.length).toBeGreaterThan(20);

    const serviceUrls = h.browsers
      .flatMap((b) => b.requested)
      .filter((u) => u.startsWith(h.appUrl));
    const setCookies = h.browsers
      .flatMap((b) => b.setCookies)
      .filter((c) => c.url.startsWith(h.appUrl))
      .map((c) => c.header);
    const haystacks: [string, string][] = [
      ['the log', h.logger.text()],
      ['a URL requested on the service', serviceUrls.join('\n')],
      ['a Set-Cookie from the service', setCookies.join('\n')],
      [
        'a redirect to the service',
        serviceLocations.filter((l) => l.startsWith(h.appUrl)).join('\n'),
      ],
    ];
    const needles: [string, string][] = [
      ['the API key', h.apiKey],
      ['the API key’s random part', h.apiKey.slice(9, 35)],
      ...paymentIds.map((id): [string, string] => ['a payment id', id]),
      ...nextUrls.map((url): [string, string] => ['a next_url', url]),
      ...nextUrls.map((url): [string, string] => [
        'a next_url token',
        url.split('/').pop() as string,
      ]),
    ];
    for (const [where, haystack] of haystacks) {
      for (const [what, needle] of needles) {
        if (haystack.includes(needle)) throw new Error(`${what} found in ${where}`);
      }
    }
    expect(setCookies.length).toBeGreaterThan(5);
    // The API key went only to GOV.UK Pay, in the Authorization header.
    expect(
      h.simulatorRequests
        .filter((r) => r.authorization !== undefined)
        .every((r) => r.path.startsWith('/v1/') && r.authorization === `Bearer ${h.apiKey}`),
    ).toBe(true);
  });
});

const GOOD = '4444333322221111';
