import { parseReportDate, ReportDateError, toPayDate } from '../../src/report';

describe('parseReportDate', () => {
  it('reads YYYY-MM-DD as UTC midnight for --from, and the next midnight for --to (inclusive day)', () => {
    expect(parseReportDate('2024-03-01', 'from')).toBe(Date.UTC(2024, 2, 1));
    expect(parseReportDate('2024-03-01', 'to')).toBe(Date.UTC(2024, 2, 2));
    expect(parseReportDate('2024-12-31', 'to')).toBe(Date.UTC(2025, 0, 1));
    expect(parseReportDate('2024-02-29', 'from')).toBe(Date.UTC(2024, 1, 29));
  });

  it('reads ISO timestamps with a zone, exactly, for both ends', () => {
    expect(parseReportDate('2024-03-01T09:30:00Z', 'from')).toBe(Date.UTC(2024, 2, 1, 9, 30));
    expect(parseReportDate('2024-03-01T09:30:00Z', 'to')).toBe(Date.UTC(2024, 2, 1, 9, 30));
    expect(parseReportDate('2024-03-01T09:30Z', 'from')).toBe(Date.UTC(2024, 2, 1, 9, 30));
    expect(parseReportDate('2024-03-01T09:30:00.250Z', 'from')).toBe(
      Date.UTC(2024, 2, 1, 9, 30, 0, 250),
    );
    expect(parseReportDate('2024-03-01T09:30:00+01:00', 'from')).toBe(Date.UTC(2024, 2, 1, 8, 30));
    expect(parseReportDate('2024-03-01T00:30:00-05:30', 'from')).toBe(Date.UTC(2024, 2, 1, 6, 0));
  });

  it.each([
    ['01/03/2024', /is not a date/],
    ['2024-3-1', /is not a date/],
    ['2024-03-01T09:30:00', /is not a date/], // no zone: would depend on the machine
    ['2024-03-01 09:30:00Z', /is not a date/],
    ['2023-02-29', /not a real calendar date/],
    ['2024-04-31', /not a real calendar date/],
    ['2024-13-01', /not a real calendar date/],
    ['2024-03-01T24:00:00Z', /impossible time of day/],
    ['2024-03-01T10:60:00Z', /impossible time of day/],
    ['2024-03-01T10:00:00+15:00', /impossible time zone/],
    ['', /is not a date/],
    ['yesterday', /is not a date/],
  ])('refuses %p', (value, message) => {
    expect(() => parseReportDate(value, 'from')).toThrow(ReportDateError);
    expect(() => parseReportDate(value, 'from')).toThrow(message);
  });
});

describe('toPayDate', () => {
  it("writes GOV.UK Pay's YYYY-MM-DDThh:mm:ssZ", () => {
    expect(toPayDate(Date.UTC(2024, 2, 1, 9, 5, 7), 'from')).toBe('2024-03-01T09:05:07Z');
  });

  it('rounds a fraction of a second outwards, so nothing asked for is left out', () => {
    const ms = Date.UTC(2024, 2, 1, 9, 5, 7, 1);
    expect(toPayDate(ms, 'from')).toBe('2024-03-01T09:05:07Z');
    expect(toPayDate(ms, 'to')).toBe('2024-03-01T09:05:08Z');
  });
});
