export { runReportCommand, EXIT_OK, EXIT_FAILED, EXIT_USAGE } from './command.js';
export type { ReportIO } from './command.js';
export { parseReportArgs, REPORT_USAGE, ReportUsageError, SEARCHABLE_STATES } from './args.js';
export type { ParsedArgs, ReportArgs, ReportFormat } from './args.js';
export { parseReportDate, toPayDate, ReportDateError } from './dates.js';
export type { RangeEnd } from './dates.js';
export { csvCell, csvRow } from './csv.js';
export { PAYMENT_COLUMNS, REFUND_COLUMNS } from './rows.js';
export type { ReportColumns, ReportValue } from './rows.js';
