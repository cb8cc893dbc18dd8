import { newExternalId } from '../ids.js';

/** A signing secret of GOV.UK Pay's form, `webhook_test_` or `webhook_live_` then base32. */
export function generateWebhookSecret(kind: 'test' | 'live' = 'test'): string {
  if (kind !== 'test' && kind !== 'live') {
    throw new TypeError(
      `generateWebhookSecret: kind must be 'test' or 'live', not ${String(kind)}`,
    );
  }
  return `webhook_${kind}_${newExternalId()}`;
}
