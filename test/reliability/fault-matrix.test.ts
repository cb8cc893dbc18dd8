import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SettledResult } from '../../src/index';
import type { Fault, FaultRule } from '../../src/simulator';
import { MemoryStore } from '../../src/store';
import { TEST_CARDS } from '../../src/simulator';
import { setCookies } from './support/http';
import type { HttpAnswer } from './support/http';
import {
  COOKIE_NAME,
  MOUNT,
  SAME_ORIGIN,
  loggedOutcomes,
  startJourneyWorld,
  startSimulatorWorld,
  watchEscapes,
} from './support/world';
import type { JourneyWorld, SimulatorWorld } from './support/world';

/**
 * Every fault GOV.UK Pay can throw at the journey, against each operation, through the
 * simulator's fault API. A cell passes when the journey gives its designed answer, settles
 * nothing wrongly, lets no rejection escape, and recovers once the fault is gone.
 * The client's timeout is 200 ms and its sleep is instant, so retries cost no waiting.
 */
const TIMEOUT_MS = 200;
const SLOW_MS = 450;

const FAULTS: { name: string; fault: Fault }[] = [
  {
    name: `timeout (latency ${SLOW_MS} ms > client ${TIMEOUT_MS} ms)`,
    fault: { kind: 'latency', ms: SLOW_MS },
  },
  { name: 'connection reset', fault: { kind: 'drop' } },
  {
    name: '500',
    fault: { kind: 'status', status: 500, code: 'P0999', description: 'Downstream system error' },
  },
  { name: '502', fault: { kind: 'status', status: 502 } },
  { name: '503', fault: { kind: 'status', status: 503 } },
  {
    name: '429 with Retry-After',
    fault: {
      kind: 'status',
      status: 429,
      code: 'P0900',
      description: 'Too many requests',
      retryAfterSeconds: 1,
    },
  },
  { name: 'malformed JSON', fault: { kind: 'malformed' } },
  { name: '200 with fields missing (state, _links)', fault: { kind: 'missing-fields' } },
  { name: `slow body (${SLOW_MS} ms)`, fault: { kind: 'slow-body', ms: SLOW_MS } },
  { name: 'truncated body', fault: { kind: 'truncated' } },
];

type Operation = 'start' | 'return' | 'cancel' | 'reconcile';
const OPERATIONS: Operation[] = ['start', 'return', 'cancel', 'reconcile'];

interface Cell {
  answer: string;
  problems: string[];
}

const matrix = new Map<string, Cell>();
const escapes = watchEscapes();
let world: SimulatorWorld;

beforeAll(async () => {
  world = await startSimulatorWorld();
});

afterAll(async () => {
  await world.close();
  escapes.stop();
  writeMatrix();
});

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

function json(answer: HttpAnswer): { outcome?: string; reason?: string | null } {
  try {
    return JSON.parse(answer.body) as { outcome?: string; reason?: string | null };
  } catch {
    return {};
  }
}

async function startPayment(service: JourneyWorld): Promise<{ cookie: string; paymentId: string }> {
  const before = new Set(world.sim.payments.list().map((p) => p.payment_id));
  const answer = await service.http.request({
    method: 'POST',
    path: `${MOUNT}/start`,
    headers: SAME_ORIGIN,
    body: '',
  });
  if (answer.status !== 303) throw new Error(`setting up: POST /start answered ${answer.status}`);
  const created = world.sim.payments.list().filter((p) => !before.has(p.payment_id));
  if (created.length !== 1) throw new Error(`setting up: ${created.length} payments created`);
  return {
    cookie: `${COOKIE_NAME}=${setCookies(answer).get(COOKIE_NAME)}`,
    paymentId: (created[0] as { payment_id: string }).payment_id,
  };
}

/**
 * The service under a fault is two instances sharing one store and cookie secret: `faulty` has
 * the short client timeout that the timeout faults exceed; `healthy` sets payments up and checks
 * recovery with a generous timeout, so a slow moment on a busy machine cannot fail a cell.
 */
interface Service {
  faulty: JourneyWorld;
  healthy: JourneyWorld;
  settled(): SettledResult[];
  advance(ms: number): void;
}

/** Runs one cell with a fresh service (its own store), so cells cannot disturb each other. */
async function cell(
  operation: Operation,
  faultName: string,
  fault: Fault,
  body: (service: Service, problems: string[]) => Promise<string>,
): Promise<void> {
  world.sim.faults.clear();
  const store = new MemoryStore();
  const faulty = await startJourneyWorld(world, { timeoutMs: TIMEOUT_MS, store });
  const healthy = await startJourneyWorld(world, { timeoutMs: 10_000, store });
  const service: Service = {
    faulty,
    healthy,
    settled: () => [...healthy.settled, ...faulty.settled],
    advance: (ms) => {
      faulty.advance(ms);
      healthy.advance(ms);
    },
  };
  const problems: string[] = [];
  const escapedBefore = escapes.escaped.length;
  let answer = 'threw';
  try {
    answer = await body(service, problems);
  } catch (err) {
    problems.push(`threw: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    world.sim.faults.clear();
    // A latency or slow-body fault finishes its work after the client gave up: let it land
    // before the next cell counts payments.
    if (fault.kind === 'latency' || fault.kind === 'slow-body') await wait(fault.ms + 50);
    const errors = [...faulty.errors, ...healthy.errors];
    if (errors.length > 0) {
      problems.push(`${errors.length} error(s) reached Express: ${String(errors[0])}`);
    }
    await faulty.close();
    await healthy.close();
    store.close();
  }
  if (escapes.escaped.length > escapedBefore)
    problems.push(`unhandled rejection: ${String(escapes.escaped[escapedBefore])}`);
  matrix.set(`${faultName}|${operation}`, { answer, problems });
}

function inject(route: FaultRule['route'], fault: Fault): void {
  world.sim.faults.inject({ route, fault });
}

function expectProblem(problems: string[], ok: boolean, message: string): void {
  if (!ok) problems.push(message);
}

describe('fault matrix', () => {
  it.each(FAULTS)(
    'start: $name gives error/start_failed and creates at most one payment',
    async ({ name, fault }) => {
      await cell('start', name, fault, async (service, problems) => {
        const before = world.sim.payments.size;
        inject('createPayment', fault);
        const answer = await service.faulty.http.request({
          method: 'POST',
          path: `${MOUNT}/start`,
          headers: SAME_ORIGIN,
          body: '',
        });
        const shown = json(answer);
        if (fault.kind === 'latency' || fault.kind === 'slow-body') await wait(fault.ms + 50);
        const created = world.sim.payments.size - before;
        expectProblem(
          problems,
          shown.outcome === 'error' && shown.reason === 'start_failed',
          `answered ${answer.status} ${answer.body.slice(0, 120)}`,
        );
        expectProblem(problems, answer.headers.location === undefined, 'redirected somewhere');
        expectProblem(problems, !setCookies(answer).has(COOKIE_NAME), 'set a payment cookie');
        expectProblem(problems, created <= 1, `${created} payments created`);
        expectProblem(problems, service.settled().length === 0, 'settled something');
        // Recovery: the next press of Pay works.
        world.sim.faults.clear();
        const retry = await service.healthy.http.request({
          method: 'POST',
          path: `${MOUNT}/start`,
          headers: SAME_ORIGIN,
          body: '',
        });
        expectProblem(
          problems,
          retry.status === 303,
          `after the fault, start answered ${retry.status}`,
        );
        return `error/${shown.reason ?? '?'} (${answer.status}), ${created} created`;
      });
      expect(matrix.get(`${name}|start`)?.problems).toEqual([]);
    },
  );

  it.each(FAULTS)(
    'return: $name gives unconfirmed 503 and settles nothing',
    async ({ name, fault }) => {
      await cell('return', name, fault, async (service, problems) => {
        const { cookie, paymentId } = await startPayment(service.healthy);
        world.sim.completePayment(paymentId, { card: TEST_CARDS.authorised[0] as string });
        inject('getPayment', fault);
        const answer = await service.faulty.http.request({
          path: `${MOUNT}/return`,
          headers: { cookie },
        });
        const outcome = loggedOutcomes(service.faulty.logger).at(-1);
        expectProblem(
          problems,
          answer.status === 503 && outcome === 'unconfirmed',
          `answered ${answer.status} ${outcome ?? ''}`,
        );
        expectProblem(problems, service.settled().length === 0, 'settled while unconfirmed');
        // Recovery: the citizen refreshes once GOV.UK Pay is back, and is settled exactly once.
        world.sim.faults.clear();
        const again = await service.healthy.http.request({
          path: `${MOUNT}/return`,
          headers: { cookie },
        });
        expectProblem(
          problems,
          json(again).outcome === 'success',
          `after the fault, return showed ${again.status} ${again.body.slice(0, 80)}`,
        );
        expectProblem(
          problems,
          service.settled().length === 1 && service.settled()[0]?.outcome === 'success',
          `settled ${service.settled().length} time(s) after recovery`,
        );
        return `unconfirmed (${answer.status})`;
      });
      expect(matrix.get(`${name}|return`)?.problems).toEqual([]);
    },
  );

  it.each(FAULTS)(
    'cancel: $name gives unconfirmed 503, never a false "cancelled"',
    async ({ name, fault }) => {
      await cell('cancel', name, fault, async (service, problems) => {
        const { cookie, paymentId } = await startPayment(service.healthy);
        // Both the cancel and the read after it are spoiled: a 204 has no body to spoil.
        inject('*', fault);
        const answer = await service.faulty.http.request({
          method: 'POST',
          path: `${MOUNT}/cancel`,
          headers: { ...SAME_ORIGIN, cookie },
          body: '',
        });
        const outcome = loggedOutcomes(service.faulty.logger).at(-1);
        expectProblem(
          problems,
          answer.status === 503 && outcome === 'unconfirmed',
          `answered ${answer.status} ${outcome ?? ''}`,
        );
        expectProblem(problems, service.settled().length === 0, 'settled on a failed cancel');
        world.sim.faults.clear();
        if (fault.kind === 'latency' || fault.kind === 'slow-body') await wait(fault.ms + 50);
        const midway = world.sim.payments.get(paymentId)?.state.status;
        expectProblem(
          problems,
          midway === 'created' || midway === 'cancelled',
          `the payment is ${midway ?? 'gone'} at GOV.UK Pay`,
        );
        // Recovery: cancelling again settles it once, as GOV.UK Pay now has it.
        const again = await service.healthy.http.request({
          method: 'POST',
          path: `${MOUNT}/cancel`,
          headers: { ...SAME_ORIGIN, cookie },
          body: '',
        });
        const final = world.sim.payments.get(paymentId)?.state.status;
        expectProblem(
          problems,
          json(again).outcome === 'cancelled' && final === 'cancelled',
          `after the fault, cancel showed ${again.status} ${again.body.slice(0, 80)} (GOV.UK Pay: ${final ?? '?'})`,
        );
        expectProblem(
          problems,
          service.settled().length === 1 && service.settled()[0]?.outcome === 'cancelled',
          `settled ${service.settled().length} time(s) after recovery`,
        );
        return `unconfirmed (${answer.status}); at GOV.UK Pay: ${midway ?? '?'}`;
      });
      expect(matrix.get(`${name}|cancel`)?.problems).toEqual([]);
    },
  );

  it.each(FAULTS)(
    'reconcile: $name counts failedToRead, the run finishes, nothing settled',
    async ({ name, fault }) => {
      await cell('reconcile', name, fault, async (service, problems) => {
        const paid = await startPayment(service.healthy);
        const declined = await startPayment(service.healthy);
        await startPayment(service.healthy); // abandoned, still unfinished
        world.sim.completePayment(paid.paymentId, { card: TEST_CARDS.authorised[0] as string });
        world.sim.completePayment(declined.paymentId, { card: TEST_CARDS.declined[0] as string });
        service.advance(61 * 60_000);
        inject('getPayment', fault);
        const summary = await service.faulty.journey.reconcile({ olderThanMinutes: 60 });
        expectProblem(
          problems,
          summary.checked === 3 && summary.failedToRead === 3,
          `summary ${JSON.stringify(summary)}`,
        );
        expectProblem(problems, service.settled().length === 0, 'settled on an unreadable status');
        // Recovery: the next run settles what finished, and leaves the rest.
        world.sim.faults.clear();
        if (fault.kind === 'latency' || fault.kind === 'slow-body') await wait(fault.ms + 50);
        const next = await service.healthy.journey.reconcile({ olderThanMinutes: 60 });
        const outcomes = service
          .settled()
          .map((s) => `${s.payment.payment_id}:${s.outcome}`)
          .sort();
        const expected = [`${paid.paymentId}:success`, `${declined.paymentId}:failed`].sort();
        expectProblem(
          problems,
          JSON.stringify(outcomes) === JSON.stringify(expected) && next.stillPending === 1,
          `after the fault: ${JSON.stringify(next)}`,
        );
        return `failedToRead ${summary.failedToRead}/${summary.checked}, run finished`;
      });
      expect(matrix.get(`${name}|reconcile`)?.problems).toEqual([]);
    },
  );
});

function writeMatrix(): void {
  const rows = FAULTS.map(({ name }) => {
    const cells = OPERATIONS.map((op) => {
      const c = matrix.get(`${name}|${op}`);
      if (!c) return 'not run';
      return c.problems.length === 0 ? `✓ ${c.answer}` : `✗ ${c.answer}: ${c.problems.join('; ')}`;
    });
    return { fault: name, cells };
  });
  // An array keeps the rows in order (an object would put "500" before "timeout").
  console.table(
    rows.map((r) => ({
      fault: r.fault,
      ...Object.fromEntries(OPERATIONS.map((op, i) => [op, r.cells[i]])),
    })),
  );

  const passed = [...matrix.values()].filter((c) => c.problems.length === 0).length;
  const markdown = [
    '# Fault matrix',
    '',
    `${passed} of ${FAULTS.length * OPERATIONS.length} cells gave their designed answer (${new Date().toISOString()}).`,
    `Each fault was injected through the simulator's fault API on every attempt (the client retries a read twice, with an instant sleep); client timeout ${TIMEOUT_MS} ms.`,
    "Designed answers: start → `error` outcome with reason `start_failed` (shown by the service's error page, here a 200),",
    'no cookie, at most one payment created (a create that reached GOV.UK Pay before the answer was lost is never',
    'shown to the citizen, so it can only expire unpaid);',
    'return → `unconfirmed` (503), nothing settled; cancel → `unconfirmed` (503), never shown as cancelled',
    'while unconfirmed; reconcile → counted as `failedToRead`, the run finishes, nothing settled.',
    'Every cell also checks recovery once the fault is cleared (start works; the return and cancel',
    'settle exactly once; the next reconcile settles what finished), and that no rejection escaped.',
    '',
    `| fault | ${OPERATIONS.join(' | ')} |`,
    `|---|${OPERATIONS.map(() => '---').join('|')}|`,
    ...rows.map(
      (r) => `| ${r.fault} | ${r.cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`,
    ),
    '',
  ].join('\n');
  const dir = resolve(__dirname, '../../test-results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(resolve(dir, 'fault-matrix.md'), markdown);
}
