import fc from 'fast-check';
import { csvCell, csvRow } from '../../src/report';
import { parseCsv } from './parse-csv';

describe('csvCell', () => {
  it('leaves plain text and numbers alone; empty for null and undefined', () => {
    expect(csvCell('PERMIT-123')).toBe('PERMIT-123');
    expect(csvCell(4250)).toBe('4250');
    expect(csvCell(0)).toBe('0');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
  });

  it('quotes commas, quotes and line breaks, doubling quotes', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
    expect(csvCell('cr\rlf')).toBe('"cr\rlf"');
  });

  it.each(['=HYPERLINK("http://evil")', '+1+1', '-2+3', '@SUM(A1)', '\tTAB', '\r=1'])(
    'neutralises the formula %p with a leading quote',
    (value) => {
      const cell = csvCell(value);
      const [[read]] = parseCsv(`${cell}\r\n`) as [[string]];
      expect(read).toBe(`'${value}`);
    },
  );

  it('round-trips any text through a strict parser (formula starts aside)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 6 }),
        (cells) => {
          const parsed = parseCsv(csvRow(cells));
          expect(parsed).toHaveLength(1);
          expect(parsed[0]).toEqual(cells.map((c) => (/^[=+\-@\t\r]/.test(c) ? `'${c}` : c)));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
