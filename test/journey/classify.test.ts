import { PAYMENT_STATUSES } from '../../src/client/types';
import type { PaymentStatus } from '../../src/client/types';
import { classifyPayment } from '../../src/settlement';

describe('classifyPayment', () => {
  it.each([
    [{ status: 'success' }, { outcome: 'success', final: true }],
    [{ status: 'capturable' }, { outcome: 'success', capturable: true, final: true }],
    [{ status: 'created' }, { outcome: 'pending', final: false }],
    [{ status: 'started' }, { outcome: 'pending', final: false }],
    [{ status: 'submitted' }, { outcome: 'pending', final: false }],
    [
      { status: 'failed', code: 'P0010' },
      { outcome: 'failed', reason: 'declined', final: true },
    ],
    [
      { status: 'failed', code: 'P0020' },
      { outcome: 'failed', reason: 'expired', final: true },
    ],
    [
      { status: 'failed', code: 'P0030' },
      { outcome: 'failed', reason: 'cancelled_by_user', final: true },
    ],
    [
      { status: 'cancelled', code: 'P0040' },
      { outcome: 'cancelled', reason: 'cancelled_by_service', final: true },
    ],
    [
      { status: 'error', code: 'P0050' },
      { outcome: 'error', reason: 'provider_error', final: true },
    ],
  ] as const)('maps %j', (state, expected) => {
    expect(classifyPayment(state)).toEqual(expected);
  });

  it('fails closed to error on a failed payment with an unknown code', () => {
    expect(classifyPayment({ status: 'failed', code: 'P0099' })).toEqual({
      outcome: 'error',
      reason: 'unknown_state',
      final: true,
    });
  });

  it('fails closed to an unsettled error on an unknown status', () => {
    const state = { status: 'refunded' as PaymentStatus };
    expect(classifyPayment(state)).toEqual({
      outcome: 'error',
      reason: 'unknown_state',
      final: false,
    });
  });

  it('gives success only for success and capturable', () => {
    const successes = PAYMENT_STATUSES.filter(
      (status) => classifyPayment({ status }).outcome === 'success',
    );
    expect(successes).toEqual(['capturable', 'success']);
  });
});
