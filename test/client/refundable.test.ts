import { refundable } from '../../src/client/refundable';
import type { RefundSummary } from '../../src/client/types';

const withSummary = (
  refund_summary: RefundSummary | undefined,
): Parameters<typeof refundable>[0] => (refund_summary === undefined ? {} : { refund_summary });

describe('refundable', () => {
  it('is amount_available while the refund status is available', () => {
    expect(
      refundable(
        withSummary({ status: 'available', amount_available: 3500, amount_submitted: 500 }),
      ),
    ).toBe(3500);
  });

  it.each<[string, RefundSummary | undefined]>([
    ['no summary', undefined],
    ['pending', { status: 'pending', amount_available: 14500, amount_submitted: 0 }],
    ['unavailable', { status: 'unavailable', amount_available: 100, amount_submitted: 0 }],
    ['full', { status: 'full', amount_available: 0, amount_submitted: 14500 }],
    [
      'an unknown status',
      { status: 'disputed' as never, amount_available: 100, amount_submitted: 0 },
    ],
    ['a negative amount', { status: 'available', amount_available: -1, amount_submitted: 0 }],
    ['a fractional amount', { status: 'available', amount_available: 1.5, amount_submitted: 0 }],
    [
      'a string amount',
      { status: 'available', amount_available: '100' as never, amount_submitted: 0 },
    ],
  ])('is 0 with %s', (_label, summary) => {
    expect(refundable(withSummary(summary))).toBe(0);
  });
});
