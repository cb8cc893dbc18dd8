/**
 * The demo issues the permit that the payment paid for: its length from the payment's metadata
 * as GOV.UK Pay reports it, checked against the price, never from the citizen's later answers.
 * Driven over real HTTP against the demo and its embedded simulator.
 */
import { Browser } from '../helpers/browser';
import type { Logger } from '../../src/logger';
import type { RunningDemo } from '../helpers/browser-support';
import { CARDS, startDemo } from '../helpers/browser-support';

interface LogLine {
  level: string;
  fields: object;
  message: string;
}

function recordingLogger(lines: LogLine[]): Logger {
  const record =
    (level: string) =>
    (fields: object, message = ''): void => {
      lines.push({ level, fields, message });
    };
  return {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
}

describe('the demo fulfils what was paid for', () => {
  let running: RunningDemo;
  const logs: LogLine[] = [];

  beforeAll(async () => {
    running = await startDemo({ logger: recordingLogger(logs) });
  });

  afterAll(async () => {
    await running?.close();
  });

  beforeEach(() => {
    logs.length = 0;
  });

  const simulator = () => running.demo.simulator;
  const orders = () => running.demo.orders;
  const paymentsFor = (reference: string) =>
    simulator()
      .payments.list()
      .filter((payment) => payment.reference === reference);

  /** Answers the questions in a fresh session; returns the citizen's browser. */
  async function apply(months: number): Promise<Browser> {
    const citizen = new Browser();
    expect((await citizen.get(`${running.url}/vehicle-registration`)).status).toBe(200);
    await citizen.post(`${running.url}/vehicle-registration`, {
      form: { vehicleRegistration: 'CU57 ABC' },
    });
    await answerLength(citizen, months);
    return citizen;
  }

  async function answerLength(citizen: Browser, months: number): Promise<void> {
    const answered = await citizen.post(`${running.url}/permit-length`, {
      form: { months: String(months) },
    });
    expect(answered.location).toBe(`${running.url}/check-answers`);
  }

  /** Presses Pay; returns the payment it created, without following the citizen there. */
  async function pressPay(citizen: Browser) {
    const before = new Set(
      simulator()
        .payments.list()
        .map((p) => p.payment_id),
    );
    const started = await citizen.post(`${running.url}/payment/start`);
    expect(started.status).toBe(303);
    // The simulator's card pages are on localhost, cross-site to the demo on 127.0.0.1.
    expect(started.location).toMatch(
      new RegExp(`^${running.demo.simulatorPagesUrl.replace(/\./g, '\\.')}/`),
    );
    const created = simulator()
      .payments.list()
      .filter((p) => !before.has(p.payment_id));
    expect(created).toHaveLength(1);
    return created[0]!;
  }

  test('pay for 3 months, change the answer to 12, press Pay again: the 3-month permit is issued', async () => {
    const citizen = await apply(3);
    const payment = await pressPay(citizen);
    expect(payment).toMatchObject({ amount: 2600, metadata: { permit_months: 3 } });
    // The citizen pays, then closes the tab before coming back to the service. The simulator's
    // webhook is held (on its clock), so the journey's start is what finds the paid payment.
    simulator().webhooks.faults.inject({ fault: { kind: 'delay', ms: 10 * 24 * 60 * 60_000 } });
    simulator().completePayment(payment.payment_id, { card: CARDS.good });

    await answerLength(citizen, 12);
    const shown = await citizen.post(`${running.url}/payment/start`);
    expect(shown.status).toBe(200);
    expect(shown.body).toContain('Payment complete');
    expect(shown.body).toContain('3 months');
    expect(shown.body).not.toContain('12 months');

    const order = orders().get(payment.reference);
    expect(order).toMatchObject({ permitMonths: 3, amountPaid: 2600, mismatchedPayments: [] });
    expect(order?.permitNumber).toMatch(/^PERMIT-/);
    expect(paymentsFor(payment.reference)).toHaveLength(1);
    expect(orders().settlements.filter((s) => s.reference === payment.reference)).toEqual([
      expect.objectContaining({ outcome: 'success', source: 'start', attempt: 1 }),
    ]);

    const confirmation = await citizen.get(`${running.url}/confirmation`);
    expect(confirmation.body).toContain(order!.permitNumber!);
    expect(confirmation.body).toContain('3 months');
    simulator().webhooks.faults.clear();
  });

  test('a payment whose amount is not its permit’s price is logged, without its id, and not fulfilled', async () => {
    const { client } = running.demo.journey;
    // Forged: the 12-month permit in the metadata, the 3-month price paid.
    simulator().clock.advance(100);
    const forged = await client.createPayment({
      amount: 2600,
      reference: 'RPP-FORGED0001',
      description: 'Resident parking permit for 12 months',
      return_url: `${running.url}/payment/return`,
      metadata: { permit_months: 12 },
    });
    const paid = simulator().completePayment(forged.payment_id, { card: CARDS.good });
    orders().settle({ outcome: 'success', payment: paid, source: 'reconcile', attempt: 1 });

    const order = orders().get('RPP-FORGED0001');
    expect(order?.permitNumber).toBeUndefined();
    expect(order?.mismatchedPayments).toEqual([paid.payment_id]);
    const errors = logs.filter((line) => line.level === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      fields: { reference: 'RPP-FORGED0001', amount: 2600 },
      message: expect.stringContaining('not fulfilled'),
    });
    expect(JSON.stringify(logs)).not.toContain(paid.payment_id);

    // A length not on offer, or no metadata at all, is not guessed at either.
    for (const [reference, metadata] of [
      ['RPP-FORGED0002', { permit_months: 4 }],
      ['RPP-FORGED0003', { permit_months: '3' }],
      ['RPP-FORGED0004', undefined],
    ] as const) {
      simulator().clock.advance(100);
      const created = await client.createPayment({
        amount: 2600,
        reference,
        description: 'Resident parking permit',
        return_url: `${running.url}/payment/return`,
        ...(metadata === undefined ? {} : { metadata }),
      });
      const done = simulator().completePayment(created.payment_id, { card: CARDS.good });
      orders().settle({ outcome: 'success', payment: done, source: 'reconcile', attempt: 1 });
      expect([reference, orders().get(reference)?.permitNumber]).toEqual([reference, undefined]);
    }
  });

  test('a retried attempt (attempt 2) after an interrupted one issues no second permit, and is logged', async () => {
    const citizen = await apply(6);
    const payment = await pressPay(citizen);
    const paid = simulator().completePayment(payment.payment_id, { card: CARDS.good });
    const result = { outcome: 'success', payment: paid, source: 'return', attempt: 1 };
    orders().settle(result);
    const permit = orders().get(payment.reference)?.permitNumber;
    expect(permit).toMatch(/^PERMIT-/);

    // The library settles again when it cannot know the first attempt finished (a crash).
    orders().settle({ ...result, source: 'reconcile', attempt: 2 });
    const order = orders().get(payment.reference);
    expect(order).toMatchObject({ permitNumber: permit, permitMonths: 6, duplicatePayments: [] });
    expect(order?.attempts).toHaveLength(1);
    expect(logs.filter((line) => line.message.includes('permit issued'))).toHaveLength(1);
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        fields: { reference: payment.reference, attempt: 2 },
      }),
    );
    expect(JSON.stringify(logs)).not.toContain(paid.payment_id);
  });
});
