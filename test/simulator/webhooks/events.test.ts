import type { PaymentStateCode, PaymentStatus } from '../../../src/client/types';
import {
  MAX_ATTEMPTS,
  RETRY_DELAYS_MS,
  eventTypesForStateChange,
} from '../../../src/simulator/webhooks/events';

describe('eventTypesForStateChange', () => {
  it.each<[PaymentStatus, PaymentStateCode | undefined, string[]]>([
    ['created', undefined, []],
    ['started', undefined, []],
    // Authorised, but the citizen has not confirmed: GOV.UK Pay sends nothing yet.
    ['submitted', undefined, []],
    ['capturable', undefined, ['card_payment_succeeded']],
    ['success', undefined, ['card_payment_succeeded', 'card_payment_captured']],
    ['failed', 'P0010', ['card_payment_failed']],
    ['failed', 'P0020', ['card_payment_expired']],
    ['failed', 'P0030', ['card_payment_failed']],
    ['cancelled', 'P0040', ['card_payment_failed']],
    ['error', 'P0050', ['card_payment_failed']],
  ])('%s %s sends %j', (status, code, expected) => {
    expect(eventTypesForStateChange({ status, code, at: 0 })).toEqual(expected);
  });

  it('fails closed on a status it does not know', () => {
    expect(() =>
      eventTypesForStateChange({ status: 'paid' as PaymentStatus, code: undefined, at: 0 }),
    ).toThrow(/unknown payment status/);
  });
});

describe('the retry schedule', () => {
  it('is 60 s, 5 min, 1 h, 1 day, 2 days: 6 attempts in all', () => {
    expect(RETRY_DELAYS_MS).toEqual([60e3, 300e3, 3600e3, 86400e3, 172800e3]);
    expect(MAX_ATTEMPTS).toBe(6);
  });
});
