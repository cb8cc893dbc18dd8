import { PayConfigError } from '../../src/config-error';
import { payJourney } from '../../src/journey/pay-journey';
import type { PayJourneyOptions } from '../../src/journey/options';
import { generateTestApiKey } from '../../src/simulator';
import {
  DEFAULT_WEBHOOK_CONCURRENCY,
  DEFAULT_WEBHOOK_MAX_BODY_BYTES,
  resolveWebhooksOptions,
} from '../../src/webhooks/options';
import { OLD_WEBHOOK_SECRET, WEBHOOK_SECRET } from '../helpers/webhook-support';

const base = (): PayJourneyOptions => ({
  apiKey: generateTestApiKey(),
  publicUrl: 'https://apply.example.gov.uk',
  cookie: { secrets: ['a-cookie-secret-of-more-than-32-characters-0123'] },
  createPayment: () => ({ amount: 100, reference: 'R', description: 'D' }),
  outcomes: { success: () => undefined, failed: () => undefined },
});

function configError(options: unknown): PayConfigError {
  try {
    const journey = payJourney(options as PayJourneyOptions);
    void journey.close();
  } catch (err) {
    if (err instanceof PayConfigError) return err;
    throw err;
  }
  throw new Error('expected a PayConfigError');
}

describe('payJourney({ webhooks, onWebhook }) options', () => {
  it('takes secrets newest first and a body limit, with a default', () => {
    expect(resolveWebhooksOptions({ secrets: [WEBHOOK_SECRET, OLD_WEBHOOK_SECRET] })).toEqual({
      secrets: [WEBHOOK_SECRET, OLD_WEBHOOK_SECRET],
      maxBodyBytes: DEFAULT_WEBHOOK_MAX_BODY_BYTES,
      concurrency: DEFAULT_WEBHOOK_CONCURRENCY,
    });
    expect(
      resolveWebhooksOptions({ secrets: [WEBHOOK_SECRET], maxBodyBytes: 8192, concurrency: 2 }),
    ).toEqual({ secrets: [WEBHOOK_SECRET], maxBodyBytes: 8192, concurrency: 2 });
    expect(resolveWebhooksOptions(undefined)).toBeUndefined();
    const journey = payJourney({
      ...base(),
      webhooks: { secrets: [WEBHOOK_SECRET] },
      onWebhook: () => undefined,
    });
    void journey.close();
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', 'webhook_test_abc', /webhooks must be an options object/],
    [
      'an unknown key, with a suggestion',
      { secret: [WEBHOOK_SECRET] },
      /webhooks\.secret is not an option\. Did you mean webhooks\.secrets\?/,
    ],
    ['no secrets', {}, /webhooks\.secrets is required: \[process\.env\.PAY_WEBHOOK_SECRET\]/],
    ['an empty list', { secrets: [] }, /webhooks\.secrets must be a non-empty array/],
    ['a string, not a list', { secrets: WEBHOOK_SECRET }, /non-empty array/],
    [
      'an empty secret',
      { secrets: [''] },
      /webhooks\.secrets\[0\] must be a string of at least 16/,
    ],
    ['a short secret', { secrets: [WEBHOOK_SECRET, 'webhook_test_x'] }, /webhooks\.secrets\[1\]/],
    ['a non-string secret', { secrets: [42] }, /webhooks\.secrets\[0\]/],
    ['whitespace around a secret', { secrets: [`${WEBHOOK_SECRET}\n`] }, /whitespace/],
    ['a secret twice', { secrets: [WEBHOOK_SECRET, WEBHOOK_SECRET] }, /the same secret twice/],
    [
      'a tiny body limit',
      { secrets: [WEBHOOK_SECRET], maxBodyBytes: 10 },
      /webhooks\.maxBodyBytes/,
    ],
    ['no concurrency', { secrets: [WEBHOOK_SECRET], concurrency: 0 }, /webhooks\.concurrency/],
    [
      'a fractional body limit',
      { secrets: [WEBHOOK_SECRET], maxBodyBytes: 2048.5 },
      /whole number/,
    ],
  ])('refuses %s', (_name, webhooks, message) => {
    const err = configError({ ...base(), webhooks });
    expect(err.message).toMatch(/^govuk-pay-express: /);
    expect(err.message).toMatch(message);
    expect([
      'ERR_PAY_INVALID_OPTION',
      'ERR_PAY_UNKNOWN_OPTION',
      'ERR_PAY_MISSING_OPTION',
    ]).toContain(err.code);
  });

  it('never quotes a secret in a message', () => {
    const secret = 'webhook_test_x';
    expect(configError({ ...base(), webhooks: { secrets: [secret] } }).message).not.toContain(
      secret,
    );
  });

  it('refuses onWebhook that is not a function, or without webhooks', () => {
    expect(
      configError({ ...base(), webhooks: { secrets: [WEBHOOK_SECRET] }, onWebhook: 'yes' }).message,
    ).toMatch(/onWebhook must be a function/);
    const missing = configError({ ...base(), onWebhook: () => undefined });
    expect(missing.code).toBe('ERR_PAY_MISSING_OPTION');
    expect(missing.message).toMatch(/onWebhook needs webhooks/);
  });

  it('suggests the option for a misspelt webhooks or onWebhook', () => {
    expect(configError({ ...base(), webhook: { secrets: [WEBHOOK_SECRET] } }).message).toMatch(
      /Did you mean webhooks\?/,
    );
    expect(configError({ ...base(), onWebhooks: () => undefined }).message).toMatch(
      /Did you mean onWebhook\?/,
    );
  });
});
