import fc from 'fast-check';
import { createPaymentCookieSealer } from '../../src/cookie';
import type { PaymentRecord } from '../../src/store/types';
import { mapLimit, setCookies } from './support/http';
import type { HttpAnswer } from './support/http';
import {
  COOKIE_NAME,
  COOKIE_SECRET,
  MOUNT,
  SAME_ORIGIN,
  loggedOutcomes,
  startJourneyWorld,
  startSimulatorWorld,
  watchEscapes,
} from './support/world';
import type { JourneyWorld, SimulatorWorld } from './support/world';

/**
 * 10,000 random and mutated cookies sent to the real journey's GET /return. Every one must read
 * as `missing` (the library's 400 page), never throw, never answer 500, and never cost a call to
 * GOV.UK Pay: a forged cookie must not be able to make the service do anything.
 */
const RUNS = 10_000;
const SEED = 20_240_501;
const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

const escapes = watchEscapes();
let world: SimulatorWorld;
let service: JourneyWorld;
let valid: string[] = [];
let forged: { otherKey: string[]; otherName: string[]; expired: string[] };

function record(paymentId: string, selfOrigin: string): PaymentRecord {
  return {
    paymentId,
    selfHref: `${selfOrigin}/v1/payments/${paymentId}`,
    reference: 'REL-0001',
    amount: 2500,
    createdAt: Date.now(),
  };
}

beforeAll(async () => {
  world = await startSimulatorWorld();
  service = await startJourneyWorld(world);
  for (let i = 0; i < 4; i++) {
    const started = await service.http.request({
      method: 'POST',
      path: `${MOUNT}/start`,
      headers: SAME_ORIGIN,
      body: '',
    });
    expect(started.status).toBe(303);
    valid.push(setCookies(started).get(COOKIE_NAME) as string);
  }
  valid = valid.map((v) => decodeURIComponent(v));
  // Well-formed values for real payments that the journey must still refuse.
  const ids = world.sim.payments.list().map((p) => p.payment_id);
  const seal = (secret: string, cookieName: string, now = Date.now) =>
    ids.map((id) =>
      createPaymentCookieSealer({ secrets: [secret], cookieName, now }).seal(
        record(id, world.url),
        60 * 60_000,
      ),
    );
  forged = {
    otherKey: seal('another-service-secret-0123456789-abcdefghijklmn', COOKIE_NAME),
    otherName: seal(COOKIE_SECRET, 'some_other_cookie'),
    expired: seal(COOKIE_SECRET, COOKIE_NAME, () => Date.now() - 3 * 60 * 60_000),
  };
});

afterAll(async () => {
  await service.close();
  await world.close();
  escapes.stop();
});

function flipBit(value: string, position: number, bit: number): string {
  const parts = value.split('.');
  const index = 1 + (position % (parts.length - 1));
  const bytes = Buffer.from(parts[index] as string, 'base64url');
  if (bytes.length === 0) return value + 'A';
  const at = position % bytes.length;
  bytes[at] = (bytes[at] as number) ^ (1 << bit);
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

function replaceChar(value: string, position: number, char: string): string {
  const at = position % value.length;
  const replacement = value[at] === char ? (char === 'A' ? 'B' : 'A') : char;
  return value.slice(0, at) + replacement + value.slice(at + 1);
}

const printable = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 300,
});
const b64chars = fc.string({ unit: fc.constantFrom(...B64URL), minLength: 1, maxLength: 400 });

/** A Cookie header, and what kind of forgery it is (for the failure report). */
function cookieHeaders(): fc.Arbitrary<{ kind: string; header: string }> {
  const base = fc.integer({ min: 0, max: valid.length - 1 }).map((i) => valid[i] as string);
  const forgedOf = (list: string[]) => fc.constantFrom(...list);
  const named = (kind: string, value: fc.Arbitrary<string>) =>
    value.map((v) => ({ kind, header: `${COOKIE_NAME}=${v}` }));
  return fc.oneof(
    named(
      'bit flip',
      fc.tuple(base, fc.nat(), fc.integer({ min: 0, max: 7 })).map(([v, p, b]) => flipBit(v, p, b)),
    ),
    named(
      'character swap',
      fc
        .tuple(base, fc.nat(), fc.constantFrom(...B64URL, '.', '=', '+', '/'))
        .map(([v, p, c]) => replaceChar(v, p, c)),
    ),
    named(
      'truncated',
      fc.tuple(base, fc.nat()).map(([v, n]) => v.slice(0, n % v.length)),
    ),
    named(
      'extended',
      fc.tuple(base, b64chars).map(([v, extra]) => v + extra),
    ),
    named(
      'part swapped',
      fc.tuple(base, base, fc.integer({ min: 1, max: 4 })).map(([a, b, i]) => {
        const pa = a.split('.');
        const pb = b.split('.');
        if (a === b) return `${a}x`;
        pa[i] = pb[i] as string;
        return pa.join('.') === a ? `${a}.` : pa.join('.');
      }),
    ),
    named(
      'version changed',
      base.map((v) => `v2${v.slice(2)}`),
    ),
    named('other key', forgedOf(forged.otherKey)),
    named('other name', forgedOf(forged.otherName)),
    named('expired', forgedOf(forged.expired)),
    named(
      'huge',
      fc
        .tuple(base, fc.integer({ min: 4_000, max: 12_000 }))
        .map(([v, n]) => (v + 'A'.repeat(n)).slice(0, n)),
    ),
    named(
      'random printable',
      printable.filter((s) => !s.includes(';')),
    ),
    named('random base64url', b64chars),
    named(
      'percent-encoded',
      fc.string({ maxLength: 80 }).map((s) => encodeURIComponent(s)),
    ),
    named('empty', fc.constant('')),
    fc.tuple(base, fc.constantFrom('pay', 'pay_journey2', 'PAY_JOURNEY')).map(([v, name]) => ({
      kind: 'valid value under another name',
      header: `${name}=${v}`,
    })),
    fc
      .tuple(
        b64chars,
        printable.filter((s) => !s.includes(';')),
      )
      .map(([a, b]) => ({
        kind: 'two bad values',
        header: `${COOKIE_NAME}=${a}; ${COOKIE_NAME}=${b}`,
      })),
  );
}

describe('forged and mangled payment cookies', () => {
  it('a valid cookie does reach GOV.UK Pay (the control that makes the next test mean something)', async () => {
    const before = world.apiGets();
    const answer = await service.http.request({
      path: `${MOUNT}/return`,
      headers: { cookie: `${COOKIE_NAME}=${valid[0]}` },
    });
    expect(answer.status).toBe(303); // pending: back to GOV.UK Pay
    expect(world.apiGets()).toBe(before + 1);
  });

  it(`${RUNS.toLocaleString('en-GB')} random and mutated cookies all give missing, never a 500, never a GOV.UK Pay call`, async () => {
    const samples = fc.sample(cookieHeaders(), { numRuns: RUNS, seed: SEED });
    const apiGetsBefore = world.apiGets();
    const shownBefore = loggedOutcomes(service.logger).length;
    const failures: { kind: string; header: string; answer: HttpAnswer | string }[] = [];
    const kinds = new Map<string, number>();

    await mapLimit(samples, 16, async ({ kind, header }) => {
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      let answer: HttpAnswer;
      try {
        answer = await service.http.request({
          path: `${MOUNT}/return`,
          headers: { cookie: header },
        });
      } catch (err) {
        failures.push({ kind, header, answer: String(err) });
        return;
      }
      if (answer.status !== 400) failures.push({ kind, header, answer });
    });

    if (failures.length > 0) {
      const first = failures.slice(0, 3).map((f) => ({
        kind: f.kind,
        header: f.header.slice(0, 200),
        answer:
          typeof f.answer === 'string'
            ? f.answer
            : { status: f.answer.status, body: f.answer.body.slice(0, 200) },
      }));
      throw new Error(
        `${failures.length} forged cookies were not refused as missing: ${JSON.stringify(first, null, 2)}`,
      );
    }
    const outcomes = loggedOutcomes(service.logger).slice(shownBefore);
    expect(outcomes).toHaveLength(RUNS);
    expect(new Set(outcomes)).toEqual(new Set(['missing']));
    expect(world.apiGets()).toBe(apiGetsBefore);
    expect(service.errors).toEqual([]);
    expect(service.settled).toEqual([]);
    expect(escapes.escaped).toEqual([]);
    // Every kind of forgery was really tried.
    expect(kinds.size).toBe(16);
    console.log(
      `cookie fuzz: ${RUNS} requests, all missing; by kind ${JSON.stringify(Object.fromEntries(kinds))}`,
    );
    // Bounded by RUNS, not by time: a loaded 2-core machine may take minutes.
  }, 240_000);
});
