import { decideCancel, decideReturn, decideStart } from '../../src/journey/decisions';
import type { EarlierPayment, ReturnFacts } from '../../src/journey/decisions';
import type { Classification } from '../../src/settlement';

const success: Classification = { final: true, outcome: 'success' };
const capturable: Classification = { final: true, outcome: 'success', capturable: true };
const declined: Classification = { final: true, outcome: 'failed', reason: 'declined' };
const cancelled: Classification = {
  final: true,
  outcome: 'cancelled',
  reason: 'cancelled_by_service',
};
const providerError: Classification = { final: true, outcome: 'error', reason: 'provider_error' };
const pending: Classification = { final: false, outcome: 'pending' };
const unknown: Classification = { final: false, outcome: 'error', reason: 'unknown_state' };

function read(
  classification: Classification,
  { sameReference = true, sameAmount = true, resumable = true } = {},
): EarlierPayment {
  return {
    kind: 'read',
    classification,
    sameReference,
    sameThing: sameReference && sameAmount,
    resumable,
  };
}

describe('decideStart', () => {
  it.each<[string, EarlierPayment, string]>([
    ['no earlier payment', { kind: 'none' }, 'create'],
    ['an earlier payment GOV.UK Pay does not know', { kind: 'not_found' }, 'create'],
    ['an earlier payment that cannot be read (it may be paid)', { kind: 'unreadable' }, 'refuse'],
    ['unfinished, the same thing, resumable', read(pending), 'resume'],
    [
      'unfinished, the same thing, no usable next_url',
      read(pending, { resumable: false }),
      'cancel_then_create',
    ],
    ['unfinished, another amount', read(pending, { sameAmount: false }), 'cancel_then_create'],
    [
      'unfinished, another reference',
      read(pending, { sameReference: false }),
      'cancel_then_create',
    ],
    ['in a status this library does not know', read(unknown), 'refuse'],
    ['paid, same reference and amount', read(success), 'show'],
    [
      'paid, same reference, another amount (a changed answer)',
      read(success, { sameAmount: false }),
      'show',
    ],
    ['authorised for capture, same reference', read(capturable, { sameAmount: false }), 'show'],
    ['paid, another reference (another order)', read(success, { sameReference: false }), 'create'],
    ['declined', read(declined), 'create'],
    ['cancelled by the service', read(cancelled), 'create'],
    ['a provider error', read(providerError), 'create'],
  ])('%s: %s', (_name, earlier, action) => {
    expect(decideStart(earlier).action).toBe(action);
  });

  it('shows the earlier payment with its own classification', () => {
    expect(decideStart(read(capturable))).toEqual({ action: 'show', classification: capturable });
  });
});

describe('decideReturn', () => {
  it.each<[string, ReturnFacts, string]>([
    ['no cookie', { kind: 'missing', reason: 'no_cookie' }, 'missing'],
    ['a tampered cookie', { kind: 'missing', reason: 'invalid_cookie' }, 'missing'],
    ['an unknown return id', { kind: 'missing', reason: 'unknown_return_id' }, 'missing'],
    ['GOV.UK Pay unreadable', { kind: 'unreadable' }, 'unconfirmed'],
    ['unfinished', { kind: 'read', classification: pending }, 'open'],
    ['an unknown status', { kind: 'read', classification: unknown }, 'open'],
    ['paid', { kind: 'read', classification: success }, 'finished'],
    ['capturable', { kind: 'read', classification: capturable }, 'finished'],
    ['declined', { kind: 'read', classification: declined }, 'finished'],
    ['cancelled', { kind: 'read', classification: cancelled }, 'finished'],
    ['a provider error', { kind: 'read', classification: providerError }, 'finished'],
  ])('%s: %s', (_name, facts, show) => {
    expect(decideReturn(facts).show).toBe(show);
  });

  it('keeps the missing reason', () => {
    expect(decideReturn({ kind: 'missing', reason: 'invalid_cookie' })).toEqual({
      show: 'missing',
      reason: 'invalid_cookie',
    });
  });
});

describe('decideCancel', () => {
  it.each([
    [true, 'cancel'],
    [false, 'show'],
  ] as const)('cancellable %s: %s', (cancellable, action) => {
    expect(decideCancel(cancellable).action).toBe(action);
  });
});
