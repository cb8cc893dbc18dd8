import { Writable } from 'node:stream';
import { PayClient } from '../../src/client/pay-client';
import type { Payment } from '../../src/client/types';
import { refundable } from '../../src/client/refundable';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, REPORT_USAGE, runReportCommand } from '../../src/report';
import { createSimulator, generateTestApiKey, TEST_CARDS } from '../../src/simulator';
import type { RunningSimulator, Simulator } from '../../src/simulator';
import { parseCsv } from './parse-csv';

const DAY = 86_400_000;
const START = Date.UTC(2024, 2, 1, 9); // 1 March 2024, 09:00 UTC

/** A stdout/stderr that keeps what was written; optionally slow, to exercise backpressure. */
class Capture extends Writable {
  text = '';
  writes = 0;
  onWrite: ((capture: Capture) => void) | undefined;

  constructor(private readonly slow = false) {
    super({ highWaterMark: slow ? 1 : 16_384, decodeStrings: false });
  }

  override _write(chunk: string | Buffer, _enc: string, done: (err?: Error) => void): void {
    this.text += chunk.toString();
    this.writes += 1;
    this.onWrite?.(this);
    if (this.slow) setImmediate(done);
    else done();
  }
}

let simulator: Simulator;
let running: RunningSimulator;
let apiKey: string;
let client: PayClient;
/** Payments created on 2 and 3 March: inside the report range. */
let inRange: Payment[];
let sleeps: number[];

async function create(i: number, description = `Parking permit ${i}`): Promise<Payment> {
  return client.createPayment({
    amount: 1000 + i,
    reference: `PERMIT-${i}`,
    description,
    return_url: 'https://service.example.gov.uk/payment/return',
  });
}

/** Disputes raised on payments in the range; the second one lost. */
let disputeIds: string[];
const otherKey = generateTestApiKey();

beforeAll(async () => {
  apiKey = generateTestApiKey();
  simulator = createSimulator({
    startTime: START,
    rateLimit: false,
    accounts: [{ keys: [apiKey], corporateSurcharge: { credit: 150 } }, { keys: [otherKey] }],
  });
  running = await simulator.listen();
  client = new PayClient({ apiKey, apiBaseUrl: running.url });

  // 1 March: before the range.
  for (let i = 0; i < 3; i += 1) await create(100 + i);
  simulator.clock.advance(DAY); // 2 March, 09:00
  const awkward = [
    'Permit, with a comma',
    'The "quoted" permit',
    '=HYPERLINK("http://evil.example")',
    '-1+1 permit',
    '@SUM(A1) permit',
    'Trwydded barcio – ŵ',
  ];
  inRange = [];
  for (let i = 0; i < 23; i += 1) {
    const payment = await create(i, awkward[i] ?? `Parking permit ${i}`);
    inRange.push(payment);
    // Some paid (with a card brand), one by a surcharged corporate card, some declined, the
    // rest left to expire.
    if (i === 12) {
      simulator.completePayment(payment.payment_id, { card: '4111111111111111' });
    } else if (i % 3 === 0) {
      simulator.completePayment(payment.payment_id, { card: TEST_CARDS.authorised[0] as string });
    } else if (i % 5 === 1) {
      simulator.completePayment(payment.payment_id, { card: TEST_CARDS.declined[0] as string });
    }
    simulator.clock.advance(60 * 60 * 1000); // an hour apart: 2 March 09:00 to 3 March 07:00
  }
  for (const i of [0, 3, 9]) {
    const paid = await client.getPayment((inRange[i] as Payment).payment_id);
    await client.refundPayment(paid.payment_id, {
      amount: 250,
      refund_amount_available: refundable(paid),
    });
  }
  disputeIds = [6, 15].map((i) => simulator.raiseDispute((inRange[i] as Payment).payment_id));
  simulator.resolveDispute(disputeIds[1] as string, 'lost');
  // 4 March: after the range (--to 2024-03-03 includes the whole of 3 March).
  simulator.clock.advance(2 * DAY);
  for (let i = 0; i < 2; i += 1) await create(200 + i);
  // Another account's payments never appear.
  const other = new PayClient({ apiKey: otherKey, apiBaseUrl: running.url });
  await other.createPayment({
    amount: 999,
    reference: 'OTHER',
    description: 'Other account',
    return_url: 'https://service.example.gov.uk/payment/return',
  });
});

afterAll(async () => {
  await running.close();
});

beforeEach(() => {
  simulator.faults.clear();
  sleeps = [];
});

async function report(
  argv: string[],
  options: { env?: Record<string, string | undefined>; isTTY?: boolean; stdout?: Capture } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = options.stdout ?? new Capture();
  const stderr = new Capture();
  const code = await runReportCommand(argv, {
    stdout,
    stderr,
    env: options.env ?? { GOVUK_PAY_API_KEY: apiKey, GOVUK_PAY_API_BASE_URL: running.url },
    isTTY: options.isTTY ?? false,
    sleep: async (ms) => {
      sleeps.push(ms);
      simulator.clock.advance(ms);
    },
  });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const RANGE = ['--from', '2024-03-02', '--to', '2024-03-03'];
const PAYMENT_HEADER = [
  'payment_id',
  'reference',
  'description',
  'amount_pence',
  'fee_pence',
  'net_amount_pence',
  'state',
  'created_date',
  'captured_date',
  'settled_date',
  'card_brand',
  'refunded_amount_pence',
  'total_amount_pence',
];

/** What each CSV cell must say, from the simulator's own view of the payment. */
function expectedRow(p: Payment): string[] {
  const text = (v: string): string => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);
  const num = (v: number | undefined): string => (v === undefined ? '' : String(v));
  return [
    p.payment_id,
    text(p.reference),
    text(p.description),
    String(p.amount),
    num(p.fee),
    num(p.net_amount),
    p.state.status,
    p.created_date,
    p.settlement_summary?.captured_date ?? '',
    p.settlement_summary?.settled_date ?? '',
    p.card_details?.card_brand ?? p.card_brand ?? '',
    num(p.refund_summary?.amount_submitted),
    String(p.total_amount ?? p.amount),
  ];
}

function simulatorRowsInRange(): string[][] {
  const ids = new Set(inRange.map((p) => p.payment_id));
  // Newest first, as GOV.UK Pay sorts search results.
  return simulator.payments
    .list()
    .filter((p) => ids.has(p.payment_id))
    .map(expectedRow);
}

describe('govuk-pay-express report (payments)', () => {
  it('streams a CSV over several pages, checked field by field against the simulator', async () => {
    const { code, stdout, stderr } = await report([...RANGE, '--page-size', '5']);
    expect(stderr).toBe('');
    expect(code).toBe(EXIT_OK);
    const rows = parseCsv(stdout);
    expect(rows[0]).toEqual(PAYMENT_HEADER);
    expect(rows.slice(1)).toEqual(simulatorRowsInRange());
    expect(rows).toHaveLength(24);
    // The awkward cells survived quoting and were neutralised.
    const descriptions = rows.slice(1).map((r) => r[2]);
    expect(descriptions).toEqual(
      expect.arrayContaining([
        'Permit, with a comma',
        'The "quoted" permit',
        `'=HYPERLINK("http://evil.example")`,
        `'-1+1 permit`,
        `'@SUM(A1) permit`,
        'Trwydded barcio – ŵ',
      ]),
    );
    // Refunded amounts and card brands came through.
    const refunded = rows.slice(1).filter((r) => r[11] === '250');
    expect(refunded).toHaveLength(3);
    expect(rows.slice(1).filter((r) => r[10] === 'Visa').length).toBeGreaterThan(0);
    // The surcharged payment reports what was paid: its amount plus the surcharge.
    const surcharged = rows.slice(1).find((r) => r[0] === (inRange[12] as Payment).payment_id);
    expect([surcharged?.[3], surcharged?.[12]]).toEqual([String(1012), String(1012 + 150)]);
  });

  it('filters by --state and --reference', async () => {
    const successes = await report([...RANGE, '--state', 'success', '--page-size', '2']);
    const rows = parseCsv(successes.stdout).slice(1);
    expect(rows.length).toBe(inRange.filter((_, i) => i % 3 === 0).length);
    expect(rows.every((r) => r[6] === 'success')).toBe(true);

    const one = await report([...RANGE, '--reference', 'permit-7']);
    const oneRows = parseCsv(one.stdout).slice(1);
    expect(oneRows.map((r) => r[1])).toEqual(['PERMIT-7']);
  });

  it('writes JSON as one array, streamed, with the same fields', async () => {
    const { code, stdout } = await report([...RANGE, '--format', 'json', '--page-size', '7']);
    expect(code).toBe(EXIT_OK);
    const items = JSON.parse(stdout) as Array<Record<string, unknown>>;
    expect(items).toHaveLength(23);
    const first = items[0] as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(PAYMENT_HEADER);
    const newest = simulator.payments.get((inRange[22] as Payment).payment_id) as Payment;
    expect(first).toMatchObject({
      payment_id: newest.payment_id,
      amount_pence: newest.amount,
      fee_pence: null,
      description: newest.description,
    });
    // JSON is not a spreadsheet: no formula prefix.
    expect(items.map((i) => i.description)).toContain('=HYPERLINK("http://evil.example")');
  });

  it('writes NDJSON as one object per line, the same objects as JSON', async () => {
    const json = JSON.parse((await report([...RANGE, '--format', 'json'])).stdout) as unknown[];
    const { code, stdout } = await report([...RANGE, '--format', 'ndjson', '--page-size', '7']);
    expect(code).toBe(EXIT_OK);
    expect(stdout.endsWith('}\n')).toBe(true);
    const lines = stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(json);
    expect(lines).toHaveLength(23);
  });

  it('starts the CSV with a UTF-8 byte order mark for --bom, and only then', async () => {
    const plain = (await report(RANGE)).stdout;
    const withBom = (await report([...RANGE, '--bom'])).stdout;
    expect(plain.charCodeAt(0)).not.toBe(0xfeff);
    expect(withBom.charCodeAt(0)).toBe(0xfeff);
    expect(withBom.slice(1)).toBe(plain);
    expect(Buffer.from(withBom).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });

  it('writes an empty report as a header only, or []', async () => {
    const empty = ['--from', '2023-01-01', '--to', '2023-01-31'];
    expect(parseCsv((await report(empty)).stdout)).toEqual([PAYMENT_HEADER]);
    expect(JSON.parse((await report([...empty, '--format', 'json'])).stdout)).toEqual([]);
  });

  it('survives 429s that outlast the client retries: waits Retry-After, resumes at the same page', async () => {
    const stdout = new Capture();
    let injected = false;
    stdout.onWrite = (capture) => {
      // After the header and the first page of 5 rows, the next page is rate-limited 3 times:
      // once and then twice more on the client's own retries, which it then gives up.
      if (!injected && capture.writes === 6) {
        injected = true;
        simulator.faults.inject({
          route: 'searchPayments',
          times: 3,
          fault: { kind: 'status', status: 429, code: 'P0900', retryAfterSeconds: 3 },
        });
      }
    };
    const { code, stderr } = await report([...RANGE, '--page-size', '5'], { stdout });
    expect(stderr).toBe('');
    expect(code).toBe(EXIT_OK);
    expect(injected).toBe(true);
    const rows = parseCsv(stdout.text);
    expect(rows.slice(1)).toEqual(simulatorRowsInRange());
    // The client waited twice (its retries), then the command once more, each as long as asked.
    expect(sleeps).toEqual([3000, 3000, 3000]);
  });

  it('gives up with exit 1 when GOV.UK Pay keeps failing, saying the output is incomplete', async () => {
    const stdout = new Capture();
    stdout.onWrite = (capture) => {
      if (capture.writes === 6) {
        simulator.faults.inject({
          route: 'searchPayments',
          fault: { kind: 'status', status: 500 },
        });
      }
    };
    const { code, stderr } = await report([...RANGE, '--page-size', '5'], { stdout });
    expect(code).toBe(EXIT_FAILED);
    expect(stderr).toMatch(/HTTP 500.*after 5 rows; the output is incomplete/);
  });

  it('respects backpressure on a slow stdout', async () => {
    const stdout = new Capture(true);
    const { code } = await report([...RANGE, '--page-size', '10'], { stdout });
    expect(code).toBe(EXIT_OK);
    expect(parseCsv(stdout.text)).toHaveLength(24);
  });

  it('stops quietly when stdout is closed (a pipe into head)', async () => {
    const stdout = new Capture();
    stdout._write = (_chunk, _enc, done) =>
      done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    const { code, stderr } = await report(RANGE, { stdout });
    expect(code).toBe(EXIT_OK);
    expect(stderr).toBe('');
  });

  it('shows progress on stderr only when it is a terminal', async () => {
    const tty = await report(RANGE, { isTTY: true });
    expect(tty.stderr).toContain('23 rows');
    const piped = await report(RANGE, { isTTY: false });
    expect(piped.stderr).toBe('');
  });
});

describe('govuk-pay-express report --refunds', () => {
  it('streams every refund in the range with its payment', async () => {
    const { code, stdout } = await report([...RANGE, '--refunds', '--page-size', '2']);
    expect(code).toBe(EXIT_OK);
    const rows = parseCsv(stdout);
    expect(rows[0]).toEqual([
      'refund_id',
      'payment_id',
      'amount_pence',
      'status',
      'created_date',
      'settled_date',
    ]);
    const refundedIds = [0, 3, 9].map((i) => (inRange[i] as Payment).payment_id);
    expect(
      rows
        .slice(1)
        .map((r) => r[1])
        .sort(),
    ).toEqual([...refundedIds].sort());
    for (const row of rows.slice(1)) {
      const refunds = await client.getRefunds(row[1] as string);
      const refund = refunds._embedded.refunds.find((r) => r.refund_id === row[0]);
      expect(refund).toBeDefined();
      expect(row).toEqual([
        refund?.refund_id,
        row[1],
        '250',
        refund?.status,
        refund?.created_date,
        refund?.settlement_summary?.settled_date ?? '',
      ]);
    }
  });
});

describe('govuk-pay-express report --disputes', () => {
  const DISPUTE_HEADER = [
    'dispute_id',
    'payment_id',
    'amount_pence',
    'fee_pence',
    'net_amount_pence',
    'status',
    'reason',
    'created_date',
    'evidence_due_date',
    'settled_date',
  ];

  it('streams every dispute in the range, over pages, with the lost one’s fee', async () => {
    const { code, stdout, stderr } = await report([...RANGE, '--disputes', '--page-size', '1']);
    expect([code, stderr]).toEqual([EXIT_OK, '']);
    const rows = parseCsv(stdout);
    expect(rows[0]).toEqual(DISPUTE_HEADER);
    expect(rows.slice(1).map((r) => r[0])).toEqual([...disputeIds].reverse());
    const lost = rows.find((r) => r[0] === disputeIds[1]);
    const paid = inRange[15] as Payment;
    expect(lost?.slice(1, 7)).toEqual([
      paid.payment_id,
      String(paid.amount),
      '1500',
      String(-(paid.amount + 1500)),
      'lost',
      'fraudulent',
    ]);
  });

  it('filters by --state, and writes JSON too', async () => {
    const { stdout } = await report([
      ...RANGE,
      '--disputes',
      '--state',
      'needs_response',
      '--format',
      'json',
    ]);
    const items = JSON.parse(stdout) as Array<Record<string, unknown>>;
    expect(items.map((i) => i.dispute_id)).toEqual([disputeIds[0]]);
    expect(Object.keys(items[0] ?? {})).toEqual(DISPUTE_HEADER);
  });

  it('reports none outside the range', async () => {
    const { stdout } = await report(['--from', '2023-01-01', '--to', '2023-01-31', '--disputes']);
    expect(parseCsv(stdout)).toEqual([DISPUTE_HEADER]);
  });
});

describe('usage and configuration errors', () => {
  it('prints the usage for --help', async () => {
    const { code, stdout } = await report(['--help']);
    expect(code).toBe(EXIT_OK);
    expect(stdout).toBe(REPORT_USAGE);
  });

  it.each([
    [['--from', '2024-03-05', '--to', '2024-03-01'], /must be before --to/],
    [['--from', '2024-02-30', '--to', '2024-03-01'], /not a real calendar date/],
    [[...RANGE, '--state', 'capturable'], /capturable/],
  ])('exits 2 for %j with a clear error', async (argv, message) => {
    const { code, stdout, stderr } = await report(argv);
    expect(code).toBe(EXIT_USAGE);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr).toContain('--help');
  });

  it('exits 2 when GOVUK_PAY_API_KEY is missing or empty', async () => {
    for (const env of [{ GOVUK_PAY_API_BASE_URL: running.url }, { GOVUK_PAY_API_KEY: ' ' }]) {
      const { code, stderr } = await report(RANGE, { env });
      expect(code).toBe(EXIT_USAGE);
      expect(stderr).toMatch(/GOVUK_PAY_API_KEY is not set/);
    }
  });

  it('never prints the API key, even when it is malformed or refused', async () => {
    const malformed = 'api_test_has space';
    const bad = await report(RANGE, {
      env: { GOVUK_PAY_API_KEY: malformed, GOVUK_PAY_API_BASE_URL: running.url },
    });
    expect(bad.code).toBe(EXIT_USAGE);
    expect(bad.stderr).not.toContain('has space');

    // Well formed, so the client sends it, but not one of the simulator's accounts' keys.
    const refusedKey = generateTestApiKey();
    const refused = await report(RANGE, {
      env: { GOVUK_PAY_API_KEY: refusedKey, GOVUK_PAY_API_BASE_URL: running.url },
    });
    expect(refused.code).toBe(EXIT_FAILED);
    expect(refused.stderr).toMatch(/refused the API key in GOVUK_PAY_API_KEY \(HTTP 401\)/);
    expect(refused.stderr + refused.stdout).not.toContain(refusedKey);
  });

  it('refuses a base URL with a path', async () => {
    const { code, stderr } = await report(RANGE, {
      env: { GOVUK_PAY_API_KEY: apiKey, GOVUK_PAY_API_BASE_URL: `${running.url}/v1` },
    });
    expect(code).toBe(EXIT_USAGE);
    expect(stderr).toMatch(/apiBaseUrl must be an origin/);
    expect(stderr).not.toContain(apiKey);
    // PayConfigError's own "govuk-pay-express: " is not printed after the command's prefix.
    expect(stderr).toMatch(/^govuk-pay-express report: [^:]*apiBaseUrl/);
    expect(stderr).not.toContain('govuk-pay-express: ');
  });
});
