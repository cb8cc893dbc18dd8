import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  constantTimeEqual,
  signWebhookBody,
  verifyWebhookSignature,
} from '../../src/webhooks/signature';

const FACTS = readFileSync(join(__dirname, '../../../shared/govuk-pay/FACTS.md'), 'utf8');

/** The pay-webhooks test vector, as FACTS §14 quotes it. */
function factsTestVector(): { body: string; secret: string; signature: string } {
  const match = /body `([^`]+)`, secret\s+`([^`]+)` → `([0-9a-f]{64})`/.exec(FACTS);
  if (match === null) throw new Error('FACTS §14 test vector not found');
  return { body: match[1] as string, secret: match[2] as string, signature: match[3] as string };
}

describe('signWebhookBody', () => {
  it('reproduces the FACTS §14 test vector', () => {
    const vector = factsTestVector();
    expect(vector.body).toBe('We captured a £10 payment! 💷');
    expect(vector.secret).toBe('This is my secret key! 🔑');
    expect(signWebhookBody(vector.body, vector.secret)).toBe(
      'a678c8326237dc08acabed4ec3948ee82f94c4b35cdc44b68f26fa8ef595efff',
    );
    expect(signWebhookBody(vector.body, vector.secret)).toBe(vector.signature);
  });

  it('signs the exact bytes: a string and its UTF-8 Buffer agree, one changed byte does not', () => {
    const { body, secret } = factsTestVector();
    const bytes = Buffer.from(body, 'utf8');
    expect(signWebhookBody(bytes, secret)).toBe(signWebhookBody(body, secret));
    const changed = Buffer.from(bytes);
    changed[0] = (changed[0] as number) ^ 1;
    expect(signWebhookBody(changed, secret)).not.toBe(signWebhookBody(body, secret));
  });
});

describe('verifyWebhookSignature', () => {
  const body = Buffer.from('{"webhook_message_id":"abc","event_type":"card_payment_captured"}');
  const current = 'webhook_live_current0000000000000000000000';
  const previous = 'webhook_live_previous000000000000000000000';
  const removed = 'webhook_live_removed0000000000000000000000';

  it('accepts the signature of the current secret', () => {
    expect(verifyWebhookSignature(body, signWebhookBody(body, current), [current])).toBe(true);
  });

  it('rotation: a previous secret still verifies; a removed one does not', () => {
    const secrets = [current, previous];
    expect(verifyWebhookSignature(body, signWebhookBody(body, previous), secrets)).toBe(true);
    expect(verifyWebhookSignature(body, signWebhookBody(body, current), secrets)).toBe(true);
    expect(verifyWebhookSignature(body, signWebhookBody(body, removed), secrets)).toBe(false);
    expect(verifyWebhookSignature(body, signWebhookBody(body, previous), [current])).toBe(false);
  });

  it('rejects a signature over other bytes', () => {
    const other = Buffer.from(body.toString().replace('captured', 'refunded'));
    expect(verifyWebhookSignature(other, signWebhookBody(body, current), [current])).toBe(false);
  });

  it('accepts upper-case hex, which names the same bytes', () => {
    const upper = signWebhookBody(body, current).toUpperCase();
    expect(verifyWebhookSignature(body, upper, [current])).toBe(true);
  });

  it('rejects a missing, empty or malformed header', () => {
    const good = signWebhookBody(body, current);
    for (const header of [
      undefined,
      '',
      ' ',
      `sha256=${good}`,
      `${good} `,
      `${good}00`,
      good.slice(0, 62),
      `${good.slice(0, 63)}g`,
      'z'.repeat(64),
    ]) {
      expect(verifyWebhookSignature(body, header, [current])).toBe(false);
    }
  });

  it('rejects every proper prefix of the correct signature', () => {
    const good = signWebhookBody(body, current);
    for (let length = 0; length < good.length; length++) {
      expect(verifyWebhookSignature(body, good.slice(0, length), [current])).toBe(false);
    }
  });

  it('rejects a signature that differs only in its last byte', () => {
    const good = signWebhookBody(body, current);
    const last = good.slice(-2) === '00' ? '01' : '00';
    expect(verifyWebhookSignature(body, good.slice(0, -2) + last, [current])).toBe(false);
  });

  it('is false with no secrets at all', () => {
    expect(verifyWebhookSignature(body, signWebhookBody(body, current), [])).toBe(false);
  });
});

describe('constantTimeEqual', () => {
  it('compares bytes of equal length', () => {
    const a = randomBytes(32);
    expect(constantTimeEqual(a, Buffer.from(a))).toBe(true);
    for (const index of [0, 15, 31]) {
      const b = Buffer.from(a);
      b[index] = (b[index] as number) ^ 0x80;
      expect(constantTimeEqual(a, b)).toBe(false);
    }
  });

  it('is false, never a throw, for different lengths, including a prefix', () => {
    const a = randomBytes(32);
    expect(constantTimeEqual(a, a.subarray(0, 31))).toBe(false);
    expect(constantTimeEqual(a.subarray(0, 1), a)).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), a)).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});
