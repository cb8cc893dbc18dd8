import fc from 'fast-check';
import { classifyPayment } from '../../src/settlement';
import type { PaymentState } from '../../src/client/types';

const KNOWN_STATUSES = [
  'created',
  'started',
  'submitted',
  'capturable',
  'success',
  'failed',
  'cancelled',
  'error',
] as const;
const KNOWN_CODES = ['P0010', 'P0020', 'P0030', 'P0040', 'P0050'] as const;
const OUTCOMES = new Set(['success', 'failed', 'cancelled', 'error', 'pending']);

// Strings that look nearly right are the dangerous ones: a case change, padding, a prefix.
const nearMiss = fc
  .constantFrom(...KNOWN_STATUSES, ...KNOWN_CODES)
  .chain((s) =>
    fc.constantFrom(
      s.toUpperCase(),
      ` ${s}`,
      `${s} `,
      `${s}\0`,
      `${s}d`,
      s.slice(1),
      s.slice(0, -1),
    ),
  );
const anyStatus = fc.oneof(
  fc.constantFrom(...KNOWN_STATUSES),
  nearMiss,
  fc.string(),
  fc.string({ unit: 'grapheme' }),
);
const anyCode = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom(...KNOWN_CODES),
  nearMiss,
  fc.string(),
);

function classify(status: string, code: string | undefined) {
  // The wire can carry any string: the cast is what an unchecked JSON body does.
  return classifyPayment({ status, ...(code === undefined ? {} : { code }) } as Pick<
    PaymentState,
    'status' | 'code'
  >);
}

describe('classifyPayment is total and fails closed', () => {
  it('answers every known status with every known code (and none) without throwing', () => {
    for (const status of KNOWN_STATUSES) {
      for (const code of [undefined, ...KNOWN_CODES, 'P9999']) {
        const c = classify(status, code);
        expect(OUTCOMES.has(c.outcome)).toBe(true);
        expect(c.outcome === 'success').toBe(status === 'success' || status === 'capturable');
      }
    }
  });

  it('never gives success except for status success or capturable, over random and near-miss input', () => {
    fc.assert(
      fc.property(anyStatus, anyCode, (status, code) => {
        const c = classify(status, code);
        expect(OUTCOMES.has(c.outcome)).toBe(true);
        if (c.outcome === 'success') expect(['success', 'capturable']).toContain(status);
        if (c.capturable) expect(status).toBe('capturable');
        if (!(KNOWN_STATUSES as readonly string[]).includes(status)) {
          // Unknown: an error page, and never settled, since the payment may still change.
          expect(c).toEqual({ outcome: 'error', reason: 'unknown_state', final: false });
        }
        if (status === 'failed') {
          expect(['failed', 'error']).toContain(c.outcome);
          expect(c.final).toBe(true);
        }
        if (c.outcome === 'pending') expect(c.final).toBe(false);
      }),
      { numRuns: 20_000 },
    );
  });

  it('maps a failed payment with an unknown code to error, never to success or a known reason', () => {
    fc.assert(
      fc.property(
        anyCode.filter((c) => !['P0010', 'P0020', 'P0030'].includes(c ?? '')),
        (code) => {
          expect(classify('failed', code)).toEqual({
            outcome: 'error',
            reason: 'unknown_state',
            final: true,
          });
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
