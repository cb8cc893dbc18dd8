import { SEARCHABLE_PAYMENT_STATES } from '../client/index.js';
import type { DisputeStatus, SearchablePaymentState } from '../client/index.js';
import { parseReportDate, ReportDateError, toPayDate } from './dates.js';

export const SEARCHABLE_STATES = SEARCHABLE_PAYMENT_STATES;

export type ReportFormat = 'csv' | 'json' | 'ndjson';

export interface ReportArgs {
  /** GOV.UK Pay `from_date`, inclusive. */
  fromDate: string;
  /** GOV.UK Pay `to_date`, exclusive. */
  toDate: string;
  state?: SearchablePaymentState;
  /** With `disputes`: only disputes in this status. */
  disputeStatus?: DisputeStatus;
  reference?: string;
  format: ReportFormat;
  refunds: boolean;
  /** Report disputes instead of payments. */
  disputes: boolean;
  pageSize: number;
  /** With CSV: start with a UTF-8 byte order mark, so Excel reads the file as UTF-8. */
  bom: boolean;
}

export type ParsedArgs = { help: true } | { help: false; args: ReportArgs };

export const REPORT_USAGE = `Usage: govuk-pay-express report --from DATE --to DATE [options]

Streams every GOV.UK Pay payment (or refund, or dispute) created in a date range to stdout,
across all pages.

Options:
  --from DATE          start of the range, inclusive: YYYY-MM-DD (UTC midnight)
                       or an ISO timestamp with a zone, e.g. 2024-03-01T09:30:00Z
  --to DATE            end of the range: YYYY-MM-DD includes that whole UTC day;
                       a timestamp is exclusive
  --state STATE        payments in one state: created, started, submitted, success,
                       failed, cancelled or error; with --disputes: needs_response,
                       under_review, won or lost (not with --refunds)
  --reference REF      payments with this reference, case-insensitive (payments only)
  --refunds            report refunds instead of payments
  --disputes           report disputes (chargebacks) instead of payments
  --format FORMAT      csv (default); json: one JSON array, written as it streams;
                       or ndjson: one JSON object per line
  --bom                start the CSV with a UTF-8 byte order mark, so Excel shows
                       characters such as £ and accented names correctly
  --page-size N        results per GOV.UK Pay page, 1 to 500 (default 500)
  -h, --help           show this help

Environment:
  GOVUK_PAY_API_KEY       the API key (required; never printed)
  GOVUK_PAY_API_BASE_URL  the API origin (default https://publicapi.payments.service.gov.uk);
                          point it at the simulator to try the command offline

Payment columns: payment_id, reference, description, amount_pence, fee_pence,
  net_amount_pence, state, created_date, captured_date, settled_date, card_brand,
  refunded_amount_pence, total_amount_pence (amount plus any corporate card surcharge)
Refund columns: refund_id, payment_id, amount_pence, status, created_date, settled_date
Dispute columns: dispute_id, payment_id, amount_pence, fee_pence, net_amount_pence, status,
  reason, created_date, evidence_due_date, settled_date
Amounts are whole pence. CSV cells that a spreadsheet would run as a formula are prefixed with '.

Exit status: 0 done, 1 GOV.UK Pay failed or refused, 2 wrong usage.
`;

export class ReportUsageError extends Error {
  override readonly name = 'ReportUsageError';
}

const VALUE_FLAGS = new Set([
  '--from',
  '--to',
  '--state',
  '--reference',
  '--format',
  '--page-size',
]);
const BOOLEAN_FLAGS = new Set(['--refunds', '--disputes', '--bom', '--help', '-h']);
const DISPUTE_STATES = ['needs_response', 'under_review', 'won', 'lost'];

/** Parses the arguments after `report`. Throws `ReportUsageError` with a message for the user. */
export function parseReportArgs(argv: readonly string[]): ParsedArgs {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (BOOLEAN_FLAGS.has(flag)) {
      if (eq !== -1) throw new ReportUsageError(`${flag} takes no value`);
      switches.add(flag === '-h' ? '--help' : flag);
      continue;
    }
    if (!VALUE_FLAGS.has(flag)) {
      throw new ReportUsageError(
        flag.startsWith('-') ? `unknown option ${flag}` : `unexpected argument "${arg}"`,
      );
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i += 1;
    }
    if (value === undefined || (eq === -1 && value.startsWith('--'))) {
      throw new ReportUsageError(`${flag} needs a value`);
    }
    if (values.has(flag)) throw new ReportUsageError(`${flag} is given twice`);
    values.set(flag, value);
  }
  if (switches.has('--help')) return { help: true };

  const from = values.get('--from');
  const to = values.get('--to');
  if (from === undefined || to === undefined) {
    throw new ReportUsageError(
      '--from and --to are required, e.g. --from 2024-03-01 --to 2024-03-31',
    );
  }
  let fromMs: number;
  let toMs: number;
  try {
    fromMs = parseReportDate(from, 'from');
    toMs = parseReportDate(to, 'to');
  } catch (err) {
    if (err instanceof ReportDateError) throw new ReportUsageError(err.message);
    throw err;
  }
  if (fromMs >= toMs) {
    throw new ReportUsageError(
      `--from (${new Date(fromMs).toISOString()}) must be before --to (${new Date(toMs).toISOString()}, exclusive)`,
    );
  }

  const refunds = switches.has('--refunds');
  const disputes = switches.has('--disputes');
  const state = values.get('--state');
  const reference = values.get('--reference');
  if (refunds && disputes) {
    throw new ReportUsageError('--refunds and --disputes are separate reports; give one of them');
  }
  if (refunds && (state !== undefined || reference !== undefined)) {
    throw new ReportUsageError(
      'GOV.UK Pay cannot search refunds by --state or --reference; drop them or the --refunds flag',
    );
  }
  if (disputes && reference !== undefined) {
    throw new ReportUsageError(
      'GOV.UK Pay cannot search disputes by --reference; drop it or the --disputes flag',
    );
  }
  if (disputes && state !== undefined && !DISPUTE_STATES.includes(state)) {
    throw new ReportUsageError(
      `with --disputes, --state must be one of ${DISPUTE_STATES.join(', ')}`,
    );
  }
  if (
    !disputes &&
    state !== undefined &&
    !(SEARCHABLE_STATES as readonly string[]).includes(state)
  ) {
    throw new ReportUsageError(
      `--state must be one of ${SEARCHABLE_STATES.join(', ')}` +
        (state === 'capturable' ? ' (GOV.UK Pay refuses to search for capturable)' : ''),
    );
  }
  if (reference !== undefined && (reference === '' || reference.length > 255)) {
    throw new ReportUsageError('--reference must be 1 to 255 characters');
  }

  const format = values.get('--format') ?? 'csv';
  if (format !== 'csv' && format !== 'json' && format !== 'ndjson') {
    throw new ReportUsageError('--format must be csv, json or ndjson');
  }
  const bom = switches.has('--bom');
  if (bom && format !== 'csv') {
    throw new ReportUsageError('--bom is for CSV only; JSON is read as UTF-8 without one');
  }
  const pageSizeText = values.get('--page-size') ?? '500';
  const pageSize = Number(pageSizeText);
  if (!/^\d+$/.test(pageSizeText) || pageSize < 1 || pageSize > 500) {
    throw new ReportUsageError('--page-size must be a whole number from 1 to 500');
  }

  return {
    help: false,
    args: {
      fromDate: toPayDate(fromMs, 'from'),
      toDate: toPayDate(toMs, 'to'),
      ...(state === undefined || disputes ? {} : { state: state as SearchablePaymentState }),
      ...(state === undefined || !disputes ? {} : { disputeStatus: state as DisputeStatus }),
      ...(reference === undefined ? {} : { reference }),
      format,
      refunds,
      disputes,
      pageSize,
      bom,
    },
  };
}
