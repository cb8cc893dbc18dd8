import {
  cardBrand,
  cardType,
  classifyCard,
  cvcLength,
  passesLuhn,
} from '../../src/simulator/cards';
import { TEST_CARDS } from '../../src/simulator';

describe('sandbox cards', () => {
  it('classifies every listed card, with or without spaces', () => {
    for (const card of TEST_CARDS.authorised) expect(classifyCard(card)).toBe('authorised');
    for (const card of TEST_CARDS.declined) expect(classifyCard(card)).toBe('declined');
    expect(classifyCard('4000 0000 0000 0119')).toBe('error');
    expect(classifyCard('4000-0000-0000-0002')).toBe('declined');
    expect(classifyCard('4012888888881881')).toBe('unknown');
  });

  it('gives every test card one of GOV.UK Pay’s display brands', () => {
    const brands = new Set([
      'American Express',
      'Diners Club',
      'Discover',
      'Jcb',
      'Maestro',
      'Mastercard',
      'Union Pay',
      'Visa',
    ]);
    for (const card of [...TEST_CARDS.authorised, ...TEST_CARDS.declined, ...TEST_CARDS.error]) {
      expect(brands.has(cardBrand(card) as string)).toBe(true);
    }
    expect(cardBrand('371449635398431')).toBe('American Express');
    expect(cardBrand('5105105105105100')).toBe('Mastercard');
    expect(cardBrand('222100000000000')).toBe('Mastercard');
    expect(cardBrand('3566002020360505')).toBe('Jcb');
    expect(cardBrand('6011000990139424')).toBe('Discover');
    expect(cardBrand('36148900647913')).toBe('Diners Club');
    expect(cardBrand('9999')).toBeNull();
  });

  it('knows debit from credit and the Amex 4-digit security code', () => {
    expect(cardType('4000056655665556')).toBe('debit');
    expect(cardType('4242424242424242')).toBe('credit');
    expect(cvcLength('371449635398431')).toBe(4);
    expect(cvcLength('4444333322221111')).toBe(3);
  });

  it('checks Luhn', () => {
    expect(passesLuhn('4444333322221111')).toBe(true);
    expect(passesLuhn('4444333322221112')).toBe(false);
  });

  it('is frozen, so a test cannot change the lists for the next one', () => {
    expect(Object.isFrozen(TEST_CARDS)).toBe(true);
    expect(Object.isFrozen(TEST_CARDS.authorised)).toBe(true);
  });
});
