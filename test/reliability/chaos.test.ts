import { classifyPayment } from '../../src/settlement';
import type { Payment } from '../../src/client/types';
import { TEST_CARDS } from '../../src/simulator';
import type { FaultRule } from '../../src/simulator';
import type { Browser, BrowserResponse } from '../helpers/browser';
import { MOUNT, sameOriginHeaders, startJourneyHarness } from '../helpers/journey-harness';
import type { JourneyHarness } from '../helpers/journey-harness';
import { startForwarder } from '../helpers/forwarder';
import type { Forwarder } from '../helpers/forwarder';
import { mapLimit } from './support/http';
import { pick, seededRandom } from '../helpers/prng';
import { watchEscapes } from './support/world';

/**
 * Chaos journeys: hundreds of citizens with random behaviour, through the real router, the real
 * hosted pages (plain HTTP form posts, a cookie jar each) and the real simulator, with faults
 * injected at random. Then every payment is left to expire and reconciliation runs. Nothing may
 * be lost, doubled or contradicted, and nothing secret may leak into what was logged or shown.
 */
const CITIZENS = 500;
const CONCURRENCY = 20;
const SEED = Number(process.env.CHAOS_SEED ?? 7_041_991);
const TIMEOUT_MS = 1500;
/** Past the journey's timeout, so the call gives up while the simulator still handles it. */
const LONGEST_LATENCY_MS = TIMEOUT_MS + 250;

const GOOD = TEST_CARDS.authorised[0] as string;
const DECLINED = TEST_CARDS.declined;
const ERROR_CARD = TEST_CARDS.error[0] as string;

/** Probability rules, seeded through the simulator's `random`. */
const FAULT_RULES: FaultRule[] = [
  { route: 'getPayment', probability: 0.08, fault: { kind: 'status', status: 503 } },
  { route: 'getPayment', probability: 0.04, fault: { kind: 'latency', ms: LONGEST_LATENCY_MS } },
  { route: 'getPayment', probability: 0.04, fault: { kind: 'malformed' } },
  { route: 'getPayment', probability: 0.03, fault: { kind: 'drop' } },
  {
    route: 'getPayment',
    probability: 0.02,
    fault: { kind: 'status', status: 429, code: 'P0900', retryAfterSeconds: 1 },
  },
  { route: 'getPayment', probability: 0.02, fault: { kind: 'missing-fields' } },
  { route: 'createPayment', probability: 0.04, fault: { kind: 'status', status: 500 } },
  { route: 'createPayment', probability: 0.02, fault: { kind: 'drop' } },
  { route: 'createPayment', probability: 0.02, fault: { kind: 'latency', ms: LONGEST_LATENCY_MS } },
  { route: 'createPayment', probability: 0.01, fault: { kind: 'missing-fields' } },
  { route: 'cancelPayment', probability: 0.1, fault: { kind: 'status', status: 502 } },
];

type Behaviour =
  | 'pay good card'
  | 'declined, then pay again'
  | 'declined'
  | 'error card'
  | 'cancel on card page'
  | 'abandon before paying'
  | 'pay, never come back'
  | 'refresh storm'
  | 'back button, then Pay again'
  | 'double-press Pay'
  | 'cancel on the service'
  | 'change the answer, then Pay again'
  | 'pay, close the tab, change the answer, Pay again';

const BEHAVIOURS: [Behaviour, number][] = [
  ['pay good card', 22],
  ['declined, then pay again', 10],
  ['declined', 7],
  ['error card', 6],
  ['cancel on card page', 8],
  ['abandon before paying', 8],
  ['pay, never come back', 8],
  ['refresh storm', 8],
  ['back button, then Pay again', 9],
  ['double-press Pay', 8],
  ['cancel on the service', 6],
  ['change the answer, then Pay again', 6],
  ['pay, close the tab, change the answer, Pay again', 6],
];

const escapes = watchEscapes();
let harness: JourneyHarness;
let forwarder: Forwarder | undefined;
const WEBHOOK_SECRET = 'webhook_test_chaos0123456789abcdefghijklmnop';

afterAll(async () => {
  await harness?.close();
  await forwarder?.close();
  escapes.stop();
});

function weighted(random: () => number): Behaviour {
  const total = BEHAVIOURS.reduce((sum, [, w]) => sum + w, 0);
  let roll = random() * total;
  for (const [behaviour, weight] of BEHAVIOURS) {
    roll -= weight;
    if (roll < 0) return behaviour;
  }
  return 'pay good card';
}

it(`${CITIZENS} chaotic citizens: nothing lost, doubled or contradicted, nothing leaked`, async () => {
  const random = seededRandom(SEED);
  const faultRandom = seededRandom(SEED ^ 0x5eed);
  // GOV.UK Pay's webhooks too, duplicated and reordered: a third feed racing the other two.
  // A third of the payments never get a webhook through (the receiver is down for them), so the
  // return and reconciliation still settle some on their own.
  forwarder = await startForwarder({
    refuse: (body) => {
      const id = /"resource_id":"([^"]+)"/.exec(body)?.[1] ?? '';
      return [...id].reduce((sum, c) => sum + c.charCodeAt(0), 0) % 3 === 0;
    },
  });
  harness = await startJourneyHarness({
    simulator: {
      random: faultRandom,
      webhooks: [{ url: `${forwarder.url}${MOUNT}/webhooks`, secret: WEBHOOK_SECRET }],
    },
    journey: {
      timeoutMs: TIMEOUT_MS,
      webhooks: { secrets: [WEBHOOK_SECRET] },
      // The order comes from the service's own state; here a header stands in for its session.
      createPayment: (req) => ({
        amount:
          1000 +
          Number(String(req.headers['x-order'] ?? '0').slice(6)) +
          (req.headers['x-changed'] === undefined ? 0 : 500),
        reference: String(req.headers['x-order'] ?? 'ORDER-NONE'),
        description: 'Chaos licence fee',
      }),
    },
  });
  forwarder.forwardTo(harness.appUrl);
  const origin = new URL(harness.publicUrl).origin;
  for (const rule of FAULT_RULES) harness.simulator.faults.inject(rule);
  harness.simulator.webhooks.faults.inject({
    probability: 0.2,
    fault: { kind: 'duplicate', copies: 2 },
  });
  harness.simulator.webhooks.faults.inject({
    probability: 0.2,
    fault: { kind: 'reorder', maxHoldMs: 300 },
  });

  const appResponses: BrowserResponse[] = [];
  const unexpected: string[] = [];
  const counts = new Map<string, number>();
  const count = (key: string): void => {
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };
  const finalPages = new Map<string, number>();

  const plans = Array.from({ length: CITIZENS }, (_, i) => ({
    order: `ORDER-${String(i + 1).padStart(4, '0')}`,
    behaviour: weighted(random),
    roll: random(),
    declined: pick(random, DECLINED),
  }));

  async function citizen(plan: (typeof plans)[number]): Promise<void> {
    const browser = recording(harness.browser());
    const headers: Record<string, string> = {
      ...sameOriginHeaders(origin),
      'x-order': plan.order,
    };
    /** The citizen goes back and changes an answer: the same order now costs more. */
    const changeAnswer = (): void => {
      headers['x-changed'] = '1';
    };
    count(`behaviour: ${plan.behaviour}`);

    /** Presses Pay until GOV.UK Pay takes the citizen (a fault may say "try again later"). */
    async function pressPay(): Promise<string | undefined> {
      for (let attempt = 0; attempt < 3; attempt++) {
        const answer = await browser.post(`${harness.appUrl}${MOUNT}/start`, { headers });
        if (answer.status === 303 && answer.location !== undefined) return answer.location;
        if (answer.status >= 500) unexpected.push(`${plan.order}: start answered ${answer.status}`);
        count('start: try again later');
      }
      count('gave up starting');
      return undefined;
    }

    async function payAndReturn(card: string): Promise<BrowserResponse | undefined> {
      const nextUrl = await pressPay();
      if (nextUrl === undefined) return undefined;
      return harness.payOnHostedPages(browser, nextUrl, card);
    }

    const returnPage = () => browser.navigate('GET', `${harness.appUrl}${MOUNT}/return`);
    let last: BrowserResponse | undefined;

    switch (plan.behaviour) {
      case 'pay good card':
        last = await payAndReturn(GOOD);
        for (let i = 0; i < Math.floor(plan.roll * 3) && last !== undefined; i++)
          last = await returnPage();
        break;
      case 'declined, then pay again':
        last = await payAndReturn(plan.declined);
        if (last !== undefined) last = await payAndReturn(GOOD);
        break;
      case 'declined':
        last = await payAndReturn(plan.declined);
        break;
      case 'error card':
        last = await payAndReturn(ERROR_CARD);
        break;
      case 'cancel on card page': {
        const nextUrl = await pressPay();
        if (nextUrl !== undefined) last = await harness.cancelOnHostedPages(browser, nextUrl);
        break;
      }
      case 'abandon before paying': {
        const nextUrl = await pressPay();
        if (nextUrl !== undefined && plan.roll < 0.7) await browser.get(nextUrl);
        break;
      }
      case 'pay, never come back': {
        const nextUrl = await pressPay();
        if (nextUrl !== undefined) await payWithoutReturning(browser, nextUrl);
        break;
      }
      case 'refresh storm':
        last = await payAndReturn(GOOD);
        if (last !== undefined) {
          const storm = await Promise.all(Array.from({ length: 5 }, () => returnPage()));
          last = storm[storm.length - 1];
        }
        break;
      case 'back button, then Pay again': {
        const nextUrl = await pressPay();
        if (nextUrl === undefined) break;
        await browser.get(nextUrl); // the card page, then Back to the service's page
        last = await payAndReturn(GOOD);
        break;
      }
      case 'double-press Pay': {
        const arrived: BrowserResponse[] = [];
        await Promise.all(
          [0, 1].map(async () => {
            arrived.push(await browser.post(`${harness.appUrl}${MOUNT}/start`, { headers }));
          }),
        );
        // The browser shows whichever answer came last (its cookie is the one kept).
        const shown = arrived[arrived.length - 1] as BrowserResponse;
        if (shown.location !== undefined)
          last = await harness.payOnHostedPages(browser, shown.location, GOOD);
        else count('start: try again later');
        break;
      }
      case 'change the answer, then Pay again': {
        const nextUrl = await pressPay();
        if (nextUrl === undefined) break;
        if (plan.roll < 0.5) await browser.get(nextUrl);
        changeAnswer();
        last = await payAndReturn(GOOD);
        if (last !== undefined) count('changed before paying: paid the new amount');
        break;
      }
      case 'pay, close the tab, change the answer, Pay again': {
        const nextUrl = await pressPay();
        if (nextUrl === undefined) break;
        await payWithoutReturning(browser, nextUrl);
        changeAnswer();
        // Paid already: the journey must show that payment, never take the money again.
        last = await browser.navigate('POST', `${harness.appUrl}${MOUNT}/start`, { headers });
        count(`paid then changed: second Pay ${describePage(last)}`);
        break;
      }
      case 'cancel on the service': {
        const nextUrl = await pressPay();
        if (nextUrl === undefined) break;
        if (plan.roll < 0.5) await browser.get(nextUrl);
        last = await browser.post(`${harness.appUrl}${MOUNT}/cancel`, {
          headers: sameOriginHeaders(origin),
        });
        break;
      }
    }
    if (last !== undefined) {
      const key = describePage(last);
      finalPages.set(key, (finalPages.get(key) ?? 0) + 1);
      if (last.status >= 500 && last.status !== 503)
        unexpected.push(`${plan.order}: ended on ${last.status}`);
    }
  }

  /** The hosted pages, but the citizen closes the tab before the redirect back. */
  async function payWithoutReturning(browser: Browser, nextUrl: string): Promise<void> {
    let page = await browser.navigate('GET', nextUrl);
    for (let step = 0; step < 4; step++) {
      const action = /<form method="post" action="([^"]+)"/.exec(page.body)?.[1];
      if (action === undefined) return;
      const form: Record<string, string> = page.body.includes('name="cardNo"')
        ? {
            cardNo: GOOD,
            expiryMonth: '12',
            expiryYear: String(new Date(harness.simulator.clock.now()).getUTCFullYear() + 3),
            cardholderName: 'Test Citizen',
            cvc: '123',
            email: 'citizen@example.com',
          }
        : {};
      const answer = await browser.request('POST', new URL(action, page.url).href, { form });
      if (answer.location === undefined) return;
      if (!new RegExp(`^${harness.pagesUrlPattern}`).test(answer.location)) return; // back to the service: closed
      page = await browser.navigate('GET', answer.location);
    }
  }

  function describePage(page: BrowserResponse): string {
    if (new RegExp(`^${harness.pagesUrlPattern}`).test(page.url)) return 'on GOV.UK Pay';
    if (page.headers['content-type']?.includes('json') === true) {
      const shown = JSON.parse(page.body) as { outcome: string; reason: string | null };
      return `${shown.outcome}${shown.reason === null ? '' : `/${shown.reason}`}`;
    }
    return `page ${page.status}`;
  }

  /** Keeps every answer of the service, for the leak scan. */
  function recording(browser: Browser): Browser {
    const request = browser.request.bind(browser);
    browser.request = async (method, url, options) => {
      const answer = await request(method, url, options);
      if (url.startsWith(harness.appUrl)) appResponses.push(answer);
      return answer;
    };
    return browser;
  }

  const started = Date.now();
  await mapLimit(plans, CONCURRENCY, async (plan) => {
    try {
      await citizen(plan);
    } catch (err) {
      unexpected.push(
        `${plan.order} (${plan.behaviour}) threw: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  });
  const citizensMs = Date.now() - started;

  // Every abandoned payment expires; GOV.UK Pay is healthy again; reconciliation runs. A create
  // held by a latency fault lands after the journey gave up on it: let every such request finish
  // before moving the clock, or it would be created after the move and not yet expire.
  harness.simulator.faults.clear();
  await new Promise((resolve) => setTimeout(resolve, LONGEST_LATENCY_MS + 250));
  await harness.simulator.webhooks.idle();
  harness.advance(2 * 60 * 60_000);
  await harness.simulator.webhooks.idle();
  harness.simulator.webhooks.faults.clear();
  const summary = await harness.journey.reconcile();
  const second = await harness.journey.reconcile();

  // ── invariants ──
  const payments = harness.simulator.payments
    .list()
    .map((p) => harness.simulator.payments.get(p.payment_id) as Payment);
  const settledBy = new Map<string, typeof harness.settled>();
  for (const s of harness.settled) {
    const list = settledBy.get(s.payment.payment_id) ?? [];
    list.push(s);
    settledBy.set(s.payment.payment_id, list);
  }
  const problems: string[] = [...unexpected];
  const successByOrder = new Map<string, number>();
  let unknownToJourney = 0;
  for (const payment of payments) {
    const settled = settledBy.get(payment.payment_id) ?? [];
    const expected = classifyPayment(payment.state);
    if (settled.length > 1) problems.push(`payment settled ${settled.length} times`);
    if (payment.state.status === 'success') {
      successByOrder.set(payment.reference, (successByOrder.get(payment.reference) ?? 0) + 1);
      if (settled.length !== 1 || settled[0]?.outcome !== 'success')
        problems.push(
          `a successful payment was settled ${settled.length} times (${settled[0]?.outcome ?? 'never'})`,
        );
    }
    for (const s of settled) {
      if (s.outcome !== expected.outcome || (s.reason ?? null) !== (expected.reason ?? null)) {
        problems.push(
          `settled ${s.outcome}/${s.reason ?? ''} but GOV.UK Pay says ${payment.state.status}/${payment.state.code ?? ''}`,
        );
      }
    }
    if (settled.length === 0) {
      // Only a payment whose create answer was lost (the journey never learned of it) may stay
      // unsettled, and nobody had its next_url, so it can only have expired.
      unknownToJourney += 1;
      if (payment.state.status !== 'failed' || payment.state.code !== 'P0020') {
        problems.push(
          `an unsettled payment is ${payment.state.status}/${payment.state.code ?? ''}`,
        );
      }
    }
    count(
      `GOV.UK Pay final: ${payment.state.status}${payment.state.code === undefined ? '' : ` ${payment.state.code}`}`,
    );
  }
  for (const [order, n] of successByOrder)
    if (n > 1) problems.push(`${order} has ${n} successful payments`);
  // What a citizen was shown never contradicts what GOV.UK Pay finally says.
  const finalById = new Map(payments.map((p) => [p.payment_id, p]));
  for (const shown of harness.shown) {
    if (shown.payment === undefined || shown.outcome === 'pending') continue;
    const final = finalById.get(shown.payment.payment_id);
    const expected = final === undefined ? undefined : classifyPayment(final.state);
    if (expected?.outcome !== shown.outcome)
      problems.push(
        `a citizen was shown ${shown.outcome} for a payment that is ${final?.state.status ?? 'unknown'}`,
      );
  }
  // A refresh storm shows "first visit" once per payment, however many tabs race.
  const firstVisits = new Map<string, number>();
  for (const shown of harness.shown) {
    if (shown.payment === undefined || shown.outcome === 'pending' || !shown.firstVisit) continue;
    firstVisits.set(shown.payment.payment_id, (firstVisits.get(shown.payment.payment_id) ?? 0) + 1);
  }
  for (const n of firstVisits.values())
    if (n > 1) problems.push(`a payment was shown as a first visit ${n} times`);
  if (second.checked !== 0)
    problems.push(`a second reconcile still found ${second.checked} pending`);
  if (summary.failedToRead !== 0)
    problems.push(`reconcile could not read ${summary.failedToRead} with faults cleared`);
  problems.push(...harness.errors.map((e) => `error reached Express: ${String(e)}`));
  problems.push(...escapes.escaped.map((e) => `unhandled rejection: ${String(e)}`));

  // ── the leak scan: no payment id, next_url or API key in anything logged, shown or visited ──
  const nextUrls = new Set<string>();
  for (const b of harness.browsers)
    for (const url of b.requested)
      if (new RegExp(`^${harness.pagesUrlPattern}/secure/`).test(url)) nextUrls.add(url);
  const secrets = [
    harness.apiKey,
    ...payments.map((p) => p.payment_id),
    ...nextUrls,
    ...[...nextUrls].map((u) => u.slice(u.lastIndexOf('/') + 1)),
  ];
  const serviceUrls = harness.browsers.flatMap((b) =>
    b.requested.filter((u) => u.startsWith(harness.appUrl)),
  );
  const scanned = [
    harness.logger.text(),
    ...harness.errors.map((e) =>
      e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e),
    ),
    ...appResponses.map((r) => r.body),
    ...appResponses.flatMap((r) => r.headers['set-cookie'] ?? []),
    ...serviceUrls,
  ].join('\n');
  const leaks = secrets.filter((s) => s.length > 0 && scanned.includes(s));
  if (leaks.length > 0) problems.push(`${leaks.length} secret(s) leaked into logs, pages or URLs`);

  // ── report ──
  const settledCounts = new Map<string, number>();
  for (const s of harness.settled)
    settledCounts.set(
      `${s.source}: ${s.outcome}`,
      (settledCounts.get(`${s.source}: ${s.outcome}`) ?? 0) + 1,
    );
  console.log(
    [
      `chaos: ${CITIZENS} citizens (seed ${SEED}, concurrency ${CONCURRENCY}) in ${(citizensMs / 1000).toFixed(1)} s; ${payments.length} payments at GOV.UK Pay; ${harness.apiCalls()} API calls; ${appResponses.length} service answers scanned`,
      ...[...counts].sort().map(([k, v]) => `  ${k}: ${v}`),
      `  citizens' last pages: ${JSON.stringify(Object.fromEntries(finalPages))}`,
      `  settled: ${JSON.stringify(Object.fromEntries(settledCounts))}`,
      `  reconcile: ${JSON.stringify(summary)}`,
      `  payments the journey never learned of (create answer lost, expired unpaid): ${unknownToJourney}`,
      `  outcomes shown: ${JSON.stringify(harness.shown.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.outcome]: (acc[r.outcome] ?? 0) + 1 }), {}))}`,
      `  secrets checked: ${secrets.length}, leaks: ${leaks.length}`,
      `  problems: ${problems.length === 0 ? 'none' : problems.slice(0, 10).join(' | ')}`,
    ].join('\n'),
  );
  expect(problems).toEqual([]);
  // All three feeds took part.
  const bySource = new Set(harness.settled.map((s) => s.source));
  expect(bySource.has('webhook')).toBe(true);
  expect(bySource.has('return')).toBe(true);
  // The run really exercised what it claims to.
  expect(harness.settled.some((s) => s.source === 'reconcile' && s.outcome === 'success')).toBe(
    true,
  );
  expect(harness.settled.some((s) => s.source === 'return' && s.outcome === 'success')).toBe(true);
  expect(counts.get('start: try again later') ?? 0).toBeGreaterThan(0);
}, 120_000);
