import { parseReportArgs, REPORT_USAGE, ReportUsageError } from '../../src/report';

const RANGE = ['--from', '2024-03-01', '--to', '2024-03-31'];

function args(argv: string[]) {
  const parsed = parseReportArgs(argv);
  if (parsed.help) throw new Error('help');
  return parsed.args;
}

describe('parseReportArgs', () => {
  it('fills in defaults and converts dates to GOV.UK Pay format, --to inclusive of its day', () => {
    expect(args(RANGE)).toEqual({
      fromDate: '2024-03-01T00:00:00Z',
      toDate: '2024-04-01T00:00:00Z',
      format: 'csv',
      refunds: false,
      disputes: false,
      pageSize: 500,
      bom: false,
    });
  });

  it('takes every option, in --flag value and --flag=value forms', () => {
    expect(
      args([
        '--from=2024-03-01T10:00:00Z',
        '--to',
        '2024-03-01T12:00:00+01:00',
        '--state',
        'success',
        '--reference=LIC-9',
        '--format',
        'json',
        '--page-size',
        '20',
      ]),
    ).toEqual({
      fromDate: '2024-03-01T10:00:00Z',
      toDate: '2024-03-01T11:00:00Z',
      state: 'success',
      reference: 'LIC-9',
      format: 'json',
      refunds: false,
      disputes: false,
      pageSize: 20,
      bom: false,
    });
    expect(args([...RANGE, '--refunds'])).toMatchObject({ refunds: true });
    expect(args([...RANGE, '--disputes', '--state', 'lost'])).toMatchObject({
      disputes: true,
      disputeStatus: 'lost',
    });
    expect(args([...RANGE, '--disputes'])).not.toHaveProperty('state');
    expect(args([...RANGE, '--format', 'ndjson'])).toMatchObject({ format: 'ndjson' });
    expect(args([...RANGE, '--bom'])).toMatchObject({ format: 'csv', bom: true });
  });

  it('answers --help and -h with help', () => {
    expect(parseReportArgs(['--help'])).toEqual({ help: true });
    expect(parseReportArgs(['-h'])).toEqual({ help: true });
    expect(REPORT_USAGE).toContain('--from DATE');
  });

  it.each([
    [[], /--from and --to are required/],
    [['--from', '2024-03-01'], /--from and --to are required/],
    [['--from', '2024-03-10', '--to', '2024-03-01'], /--from .* must be before --to/],
    [['--from', '2024-03-01T10:00:00Z', '--to', '2024-03-01T10:00:00Z'], /must be before/],
    [
      ['--from', '2024-03-32', '--to', '2024-04-01'],
      /--from "2024-03-32" is not a real calendar date/,
    ],
    [['--from', '1/3/2024', '--to', '2024-04-01'], /--from "1\/3\/2024" is not a date/],
    [[...RANGE, '--state', 'capturable'], /capturable/],
    [
      [...RANGE, '--state', 'paid'],
      /--state must be one of created, started, submitted, success, failed, cancelled, error/,
    ],
    [[...RANGE, '--format', 'xlsx'], /--format must be csv, json or ndjson/],
    [[...RANGE, '--format', 'json', '--bom'], /--bom is for CSV only/],
    [[...RANGE, '--bom=1'], /--bom takes no value/],
    [[...RANGE, '--page-size', '501'], /--page-size/],
    [[...RANGE, '--page-size', '0'], /--page-size/],
    [[...RANGE, '--page-size', '2.5'], /--page-size/],
    [[...RANGE, '--refunds', '--state', 'success'], /cannot search refunds by --state/],
    [[...RANGE, '--reference', 'x'.repeat(256)], /--reference must be 1 to 255/],
    [[...RANGE, '--from', '2024-01-01'], /--from is given twice/],
    [[...RANGE, '--verbose'], /unknown option --verbose/],
    [[...RANGE, 'extra'], /unexpected argument "extra"/],
    [['--from', '--to', '2024-03-01'], /--from needs a value/],
    [[...RANGE, '--refunds=yes'], /--refunds takes no value/],
    [[...RANGE, '--refunds', '--disputes'], /separate reports/],
    [[...RANGE, '--disputes', '--reference', 'R'], /cannot search disputes by --reference/],
    [[...RANGE, '--disputes', '--state', 'success'], /with --disputes, --state must be one of/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseReportArgs(argv)).toThrow(ReportUsageError);
    expect(() => parseReportArgs(argv)).toThrow(message);
  });
});
