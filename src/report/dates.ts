/** Which end of the range a date is for: a bare date means the start of its day for `from`, the end for `to`. */
export type RangeEnd = 'from' | 'to';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/i;
const DAY_MS = 86_400_000;

export class ReportDateError extends Error {
  override readonly name = 'ReportDateError';
}

/**
 * Reads a `--from` or `--to` value as epoch milliseconds.
 * - `YYYY-MM-DD` is a UTC day. For `from` it means that day's midnight; for `to` the whole day
 *   is included, so it means the next midnight (GOV.UK Pay's `to_date` is exclusive).
 * - An ISO timestamp must carry its zone (`Z` or `±hh:mm`), so the range never depends on the
 *   machine's time zone. It is used as it is, exclusive for `to`.
 */
export function parseReportDate(value: string, end: RangeEnd): number {
  const flag = `--${end}`;
  const dateOnly = DATE_ONLY.exec(value);
  if (dateOnly) {
    const ms = utc(flag, value, dateOnly[1], dateOnly[2], dateOnly[3], '0', '0', '0');
    return end === 'to' ? ms + DAY_MS : ms;
  }
  const ts = TIMESTAMP.exec(value);
  if (!ts) {
    throw new ReportDateError(
      `${flag} "${value}" is not a date: use YYYY-MM-DD (a UTC day) or an ISO timestamp with a zone, ` +
        'e.g. 2024-03-01 or 2024-03-01T09:30:00Z',
    );
  }
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone = 'Z'] = ts;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw new ReportDateError(`${flag} "${value}" has an impossible time of day`);
  }
  const local = utc(flag, value, y, mo, d, h, mi, s) + Number(`0.${fraction || '0'}`) * 1000;
  return local - zoneOffsetMs(flag, value, zone);
}

/**
 * GOV.UK Pay's search format, `YYYY-MM-DDThh:mm:ssZ`, which has no fraction of a second. Rounds
 * outwards (down for `from`, up for `to`) so the report never misses a payment asked for.
 */
export function toPayDate(ms: number, end: RangeEnd): string {
  const whole = end === 'from' ? Math.floor(ms / 1000) * 1000 : Math.ceil(ms / 1000) * 1000;
  return `${new Date(whole).toISOString().slice(0, 19)}Z`;
}

function utc(
  flag: string,
  value: string,
  y: string | undefined,
  mo: string | undefined,
  d: string | undefined,
  h: string,
  mi: string,
  s: string,
): number {
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const ms = Date.UTC(year, month - 1, day, Number(h), Number(mi), Number(s));
  const check = new Date(ms);
  // Date.UTC rolls 2024-02-30 over to 1 March; a report must not quietly shift its range.
  if (
    year < 1970 ||
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day
  ) {
    throw new ReportDateError(`${flag} "${value}" is not a real calendar date`);
  }
  return ms;
}

function zoneOffsetMs(flag: string, value: string, zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const hours = Number(zone.slice(1, 3));
  const minutes = Number(zone.slice(4, 6));
  if (hours > 14 || minutes > 59) {
    throw new ReportDateError(`${flag} "${value}" has an impossible time zone offset`);
  }
  return sign * (hours * 60 + minutes) * 60_000;
}
