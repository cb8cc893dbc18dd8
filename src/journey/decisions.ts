import type { Classification, FinalClassification } from '../settlement/index.js';

/**
 * The journey's decisions as plain functions over plain facts, so every row can be tested
 * without HTTP. The router and the feeds do only the I/O around them.
 */

/** What a start knows about the earlier payment in the citizen's cookie, once it has read it. */
export type EarlierPayment =
  /** No cookie, an invalid one, or one of another GOV.UK Pay account. */
  | { kind: 'none' }
  /** GOV.UK Pay does not know it (another environment, a purged payment). */
  | { kind: 'not_found' }
  /** It could not be read: it may be paid, so no second payment may be created. */
  | { kind: 'unreadable' }
  | {
      kind: 'read';
      classification: Classification;
      /** Same reference as the payment about to be started. */
      sameReference: boolean;
      /** Same reference and amount: the very same thing. */
      sameThing: boolean;
      /** It has a next_url the citizen may be sent back to. */
      resumable: boolean;
    };

export type StartDecision =
  /** Create a new payment. */
  | { action: 'create' }
  /** Send the citizen back to the earlier, unfinished payment of the same thing. */
  | { action: 'resume' }
  /** The same reference is already paid: show that instead of taking the money again. */
  | { action: 'show'; classification: FinalClassification }
  /** The earlier payment is unfinished but for something else: cancel it, then create. */
  | { action: 'cancel_then_create' }
  /** Show "try again later": creating a payment now could charge the citizen twice. */
  | { action: 'refuse' };

/**
 * What a start does with the earlier payment in the cookie. A finished earlier payment has
 * already been settled by the caller, before `createPayment` ran, whatever is decided here.
 */
export function decideStart(earlier: EarlierPayment): StartDecision {
  switch (earlier.kind) {
    case 'none':
    case 'not_found':
      return { action: 'create' };
    case 'unreadable':
      return { action: 'refuse' };
    case 'read':
      return decideWithEarlier(earlier);
    default:
      return unreachable(earlier);
  }
}

function decideWithEarlier(earlier: Extract<EarlierPayment, { kind: 'read' }>): StartDecision {
  const { classification } = earlier;
  if (!classification.final) {
    if (classification.outcome === 'error') return { action: 'refuse' };
    return earlier.sameThing && earlier.resumable
      ? { action: 'resume' }
      : { action: 'cancel_then_create' };
  }
  // One successful payment per reference: a changed answer does not buy a second one.
  if (classification.outcome === 'success' && earlier.sameReference) {
    return { action: 'show', classification };
  }
  return { action: 'create' };
}

/** What the return route knows once it has looked for the payment and read it. */
export type ReturnFacts =
  | { kind: 'missing'; reason: 'no_cookie' | 'invalid_cookie' | 'unknown_return_id' }
  | { kind: 'unreadable' }
  | { kind: 'read'; classification: Classification };

export type ReturnDecision =
  | { show: 'missing'; reason: 'no_cookie' | 'invalid_cookie' | 'unknown_return_id' }
  /** The citizen may have paid: never a failure, never settled. */
  | { show: 'unconfirmed' }
  /** Still open (or unknown): show it, settle nothing, use up no first visit. */
  | { show: 'open'; classification: Exclude<Classification, FinalClassification> }
  /** Finished: settle it first, then show it and mark it shown. */
  | { show: 'finished'; classification: FinalClassification };

export function decideReturn(facts: ReturnFacts): ReturnDecision {
  switch (facts.kind) {
    case 'missing':
      return { show: 'missing', reason: facts.reason };
    case 'unreadable':
      return { show: 'unconfirmed' };
    case 'read':
      return facts.classification.final
        ? { show: 'finished', classification: facts.classification }
        : { show: 'open', classification: facts.classification };
    default:
      return unreachable(facts);
  }
}

/** What a cancel on the citizen's behalf does, given the payment's status as just read. */
export type CancelDecision =
  /** `created`, `started` or `submitted`: cancel it, then show what it became. */
  | { action: 'cancel' }
  /** Finished or authorised: never cancel; show its real outcome. */
  | { action: 'show' };

export function decideCancel(cancellable: boolean): CancelDecision {
  return cancellable ? { action: 'cancel' } : { action: 'show' };
}

function unreachable(value: never): never {
  throw new Error(`govuk-pay-express: unexpected decision input ${JSON.stringify(value)}`);
}
