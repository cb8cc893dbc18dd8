import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { PayClient } from '../client/index.js';
import type {
  Dispute,
  PaymentSearchResult,
  RefundSearchResult,
  SearchDisputesQuery,
  SearchPaymentsQuery,
  SearchRefundsQuery,
} from '../client/index.js';
import { PayConfigError } from '../config-error.js';
import { rateLimitPauseMs } from '../govuk-pay/index.js';
import { parseReportArgs, REPORT_USAGE, ReportUsageError } from './args.js';
import type { ReportArgs, ReportFormat } from './args.js';
import { withoutLibraryPrefix } from '../cli-message.js';
import { csvRow } from './csv.js';
import { DISPUTE_COLUMNS, PAYMENT_COLUMNS, REFUND_COLUMNS } from './rows.js';
import type { ReportColumns, ReportValue } from './rows.js';

export interface ReportIO {
  /** Where the report goes. Backpressure is respected, so a slow pipe is never buffered whole. */
  stdout: Writable;
  /** Errors, and progress when `isTTY`. */
  stderr: Writable;
  /** Reads `GOVUK_PAY_API_KEY` and `GOVUK_PAY_API_BASE_URL`. */
  env: Record<string, string | undefined>;
  /** True when stderr is a terminal: only then is progress shown. */
  isTTY: boolean;
  /** Waits after a 429. Inject a fake in tests. @default a setTimeout-based sleep */
  sleep?: (ms: number) => Promise<void>;
}

/** Exit status of the command. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Consecutive 429s (each after the client's own retries) before the command gives up. */
const MAX_RATE_LIMIT_WAITS = 10;
const PROGRESS_EVERY = 100;
/** Excel opens a CSV as the machine's legacy code page unless the file starts with this. */
const UTF8_BOM = '\uFEFF';

const realSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * `govuk-pay-express report …`: streams matching payments, refunds or disputes to `io.stdout` as CSV, a JSON
 * array or NDJSON, page by page, never holding more than one page. Returns the exit status.
 */
export async function runReportCommand(argv: readonly string[], io: ReportIO): Promise<number> {
  let args: ReportArgs;
  try {
    const parsed = parseReportArgs(argv);
    if (parsed.help) {
      io.stdout.write(REPORT_USAGE);
      return EXIT_OK;
    }
    args = parsed.args;
  } catch (err) {
    if (!(err instanceof ReportUsageError)) throw err;
    io.stderr.write(
      `govuk-pay-express report: ${err.message}\nRun "govuk-pay-express report --help" for usage.\n`,
    );
    return EXIT_USAGE;
  }

  const apiKey = io.env.GOVUK_PAY_API_KEY;
  if (apiKey === undefined || apiKey.trim() === '') {
    io.stderr.write(
      'govuk-pay-express report: GOVUK_PAY_API_KEY is not set; export the API key from the ' +
        'GOV.UK Pay admin tool (or any api_test_ key for the simulator)\n',
    );
    return EXIT_USAGE;
  }
  const sleep = io.sleep ?? realSleep;
  let client: PayClient;
  try {
    const baseUrl = io.env.GOVUK_PAY_API_BASE_URL;
    client = new PayClient({
      apiKey,
      sleep,
      ...(baseUrl === undefined || baseUrl === '' ? {} : { apiBaseUrl: baseUrl }),
    });
  } catch (err) {
    if (!(err instanceof PayConfigError)) throw err;
    // PayClient's messages name the option, never the key's value.
    io.stderr.write(`govuk-pay-express report: ${withoutLibraryPrefix(err.message)}\n`);
    return EXIT_USAGE;
  }

  const writer = new ReportWriter(io, args.format, args.bom);
  try {
    if (args.disputes) {
      const query: SearchDisputesQuery = {
        from_date: args.fromDate,
        to_date: args.toDate,
        ...(args.disputeStatus === undefined ? {} : { status: args.disputeStatus }),
      };
      await writer.write(
        DISPUTE_COLUMNS,
        resumable<Dispute>(
          (page) => disputesFrom(client, { ...query, display_size: args.pageSize }, page),
          args.pageSize,
          io,
          sleep,
        ),
      );
    } else if (args.refunds) {
      const query: SearchRefundsQuery = { from_date: args.fromDate, to_date: args.toDate };
      await writer.write(
        REFUND_COLUMNS,
        resumable<RefundSearchResult>(
          (page) => client.allRefunds({ ...query, page, display_size: args.pageSize }),
          args.pageSize,
          io,
          sleep,
        ),
      );
    } else {
      const query: SearchPaymentsQuery = {
        from_date: args.fromDate,
        to_date: args.toDate,
        ...(args.state === undefined ? {} : { state: args.state }),
        ...(args.reference === undefined ? {} : { reference: args.reference }),
      };
      await writer.write(
        PAYMENT_COLUMNS,
        resumable<PaymentSearchResult>(
          (page) => client.allPayments({ ...query, page, display_size: args.pageSize }),
          args.pageSize,
          io,
          sleep,
        ),
      );
    }
  } catch (err) {
    writer.endProgress();
    if (isBrokenPipe(err)) return EXIT_OK;
    io.stderr.write(`govuk-pay-express report: ${describeFailure(err, writer.rows)}\n`);
    return EXIT_FAILED;
  }
  writer.endProgress();
  return EXIT_OK;
}

/**
 * Every dispute from `page` on. The client pages payments and refunds itself; disputes page
 * under `links`, so this follows their total instead.
 */
async function* disputesFrom(
  client: PayClient,
  query: SearchDisputesQuery & { display_size: number },
  page: number,
): AsyncGenerator<Dispute> {
  for (let current = page; ; current += 1) {
    const result = await client.searchDisputes({ ...query, page: current });
    yield* result.results;
    if (result.results.length === 0 || current * query.display_size >= result.total) return;
  }
}

/**
 * Iterates every result, surviving 429s that outlast the client's own retries: it waits as long
 * as GOV.UK Pay asks, then starts again at the page it had reached, skipping what it already
 * yielded. (GOV.UK Pay lists newest first, so payments created meanwhile inside the range can
 * shift pages; give a `--to` in the past for an exact report.)
 */
async function* resumable<T>(
  open: (page: number) => AsyncIterable<T>,
  pageSize: number,
  io: ReportIO,
  sleep: (ms: number) => Promise<void>,
): AsyncGenerator<T> {
  let yielded = 0;
  let waits = 0;
  for (;;) {
    const page = Math.floor(yielded / pageSize) + 1;
    let skip = yielded - (page - 1) * pageSize;
    try {
      for await (const item of open(page)) {
        if (skip > 0) {
          skip -= 1;
          continue;
        }
        waits = 0;
        yielded += 1;
        yield item;
      }
      return;
    } catch (err) {
      if (statusOf(err) !== 429 || waits >= MAX_RATE_LIMIT_WAITS) throw err;
      waits += 1;
      const waitMs = rateLimitPauseMs((err as { retryAfterMs?: unknown }).retryAfterMs);
      if (io.isTTY) {
        io.stderr.write(`\nrate-limited by GOV.UK Pay; waiting ${Math.ceil(waitMs / 1000)}s\n`);
      }
      await sleep(waitMs);
    }
  }
}

class ReportWriter {
  rows = 0;
  private progressShown = false;
  private pipeError: unknown;

  constructor(
    private readonly io: ReportIO,
    private readonly format: ReportFormat,
    private readonly bom: boolean,
  ) {}

  async write<T>(columns: ReportColumns<T>, items: AsyncIterable<T>): Promise<void> {
    const { stdout } = this.io;
    const onError = (err: unknown): void => {
      this.pipeError = err;
    };
    stdout.on('error', onError);
    try {
      if (this.format === 'csv')
        await this.emit(`${this.bom ? UTF8_BOM : ''}${csvRow(columns.header)}`);
      if (this.format === 'json') await this.emit('[');
      for await (const item of items) {
        const values = columns.row(item);
        await this.emit(this.line(columns.header, values));
        this.rows += 1;
        if (this.io.isTTY && this.rows % PROGRESS_EVERY === 0) this.progress();
      }
      if (this.format === 'json') await this.emit(this.rows === 0 ? ']\n' : '\n]\n');
    } finally {
      stdout.off('error', onError);
    }
  }

  private line(header: readonly string[], values: readonly ReportValue[]): string {
    if (this.format === 'csv') return csvRow(values);
    const json = JSON.stringify(toObject(header, values));
    if (this.format === 'ndjson') return `${json}\n`;
    return `${this.rows === 0 ? '\n' : ',\n'}${json}`;
  }

  private async emit(text: string): Promise<void> {
    if (this.pipeError !== undefined) throw this.pipeError;
    const { stdout } = this.io;
    if (!stdout.write(text)) {
      // Whichever event comes first, the other's listener is removed, or a long report on a
      // slow pipe would pile up one listener per wait.
      const waiting = new AbortController();
      const { signal } = waiting;
      try {
        await Promise.race([once(stdout, 'drain', { signal }), once(stdout, 'close', { signal })]);
      } finally {
        waiting.abort();
      }
    }
    if (this.pipeError !== undefined) throw this.pipeError;
  }

  private progress(): void {
    this.progressShown = true;
    this.io.stderr.write(`\r${this.rows} rows`);
  }

  endProgress(): void {
    if (!this.io.isTTY) return;
    if (this.progressShown || this.rows > 0) this.io.stderr.write(`\r${this.rows} rows\n`);
  }
}

function toObject(
  header: readonly string[],
  values: readonly ReportValue[],
): Record<string, ReportValue> {
  return Object.fromEntries(header.map((name, i) => [name, values[i] ?? null]));
}

function statusOf(err: unknown): number | undefined {
  const status = (err as { status?: unknown } | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function isBrokenPipe(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'EPIPE';
}

/** PayError messages carry no key and no ids, only what GOV.UK Pay said and a path template. */
function describeFailure(err: unknown, rows: number): string {
  const status = statusOf(err);
  const after = rows > 0 ? ` after ${rows} rows; the output is incomplete` : '';
  if (status === 401 || status === 403) {
    return `GOV.UK Pay refused the API key in GOVUK_PAY_API_KEY (HTTP ${status})${after}`;
  }
  const message = withoutLibraryPrefix(err instanceof Error ? err.message : String(err));
  return `${message}${status === undefined ? '' : ` (HTTP ${status})`}${after}`;
}
