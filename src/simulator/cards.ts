/**
 * Card numbers of GOV.UK Pay's `sandbox` payment provider (FACTS.md §15, from pay-connector's
 * SandboxCardNumbers). Anything else is refused on the card details page.
 */
export const TEST_CARDS: {
  readonly authorised: readonly string[];
  readonly declined: readonly string[];
  readonly error: readonly string[];
} = Object.freeze({
  authorised: Object.freeze([
    '4444333322221111',
    '4917610000000000003',
    '4000056655665556',
    '371449635398431',
    '3566002020360505',
    '6011000990139424',
    '36148900647913',
    '4242424242424242',
    '5105105105105100',
    '222100000000000',
    '4000000000000010',
    '4000160000000004',
    '4000020000000000',
    // corporate
    '4988080000000000',
    '4111111111111111',
    '4293189100000008',
    '5101180000000007',
    // corporate prepaid debit
    '4131840000000003',
    '4000180000000002',
    '5200828282828210',
  ]),
  // declined, expired card, invalid CVC: all `failed` P0010
  declined: Object.freeze(['4000000000000002', '4000000000000069', '4000000000000127']),
  // "This transaction could be not be processed.": `error` P0050
  error: Object.freeze(['4000000000000119']),
});

export type CardOutcome = 'authorised' | 'declined' | 'error' | 'unknown';

const outcomes = new Map<string, CardOutcome>([
  ...TEST_CARDS.authorised.map((n) => [n, 'authorised'] as const),
  ...TEST_CARDS.declined.map((n) => [n, 'declined'] as const),
  ...TEST_CARDS.error.map((n) => [n, 'error'] as const),
]);

// Cards the fact sheet names as debit; the other sandbox cards report credit.
const DEBIT_CARDS = new Set([
  '4000056655665556',
  '4917610000000000003',
  '5105105105105100',
  '4000160000000004',
  '4988080000000000',
  '4131840000000003',
  '4000180000000002',
  '5200828282828210',
]);

const CORPORATE_CARDS = new Set([
  '4988080000000000',
  '4111111111111111',
  '4293189100000008',
  '5101180000000007',
  '4131840000000003',
  '4000180000000002',
  '5200828282828210',
]);

/** The sandbox's corporate cards, which carry a surcharge where the account sets one. */
export function isCorporateCard(digits: string): boolean {
  return CORPORATE_CARDS.has(digits);
}

/** Digits only: people type card numbers with spaces or dashes. */
export function normaliseCardNumber(input: string): string {
  return input.replace(/[\s-]/g, '');
}

export function classifyCard(cardNumber: string): CardOutcome {
  return outcomes.get(normaliseCardNumber(cardNumber)) ?? 'unknown';
}

/** GOV.UK Pay's display names for card brands (FACTS.md §4). */
export function cardBrand(digits: string): string | null {
  const two = Number(digits.slice(0, 2));
  const four = Number(digits.slice(0, 4));
  if (digits.startsWith('4')) return 'Visa';
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return 'Mastercard';
  if (two === 34 || two === 37) return 'American Express';
  if (two === 35) return 'Jcb';
  if (digits.startsWith('6011') || two === 65 || (four >= 6440 && four <= 6499)) return 'Discover';
  if (two === 36 || two === 38 || (four >= 3000 && four <= 3059)) return 'Diners Club';
  if (two === 62) return 'Union Pay';
  if (two === 50 || (two >= 56 && two <= 58) || two === 67) return 'Maestro';
  return null;
}

export function cardType(digits: string): 'debit' | 'credit' {
  return DEBIT_CARDS.has(digits) ? 'debit' : 'credit';
}

/** American Express has a 4-digit security code on the front; the others 3 on the back. */
export function cvcLength(digits: string): number {
  return cardBrand(digits) === 'American Express' ? 4 : 3;
}

export function passesLuhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}
