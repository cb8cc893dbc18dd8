import type { PaymentState } from '../../src/client/types';
import {
  WEBHOOK_EVENT_TYPES,
  parseWebhookMessage,
  webhookPaymentStatus,
} from '../../src/webhooks/events';

function message(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    webhook_message_id: '3c7b6bd3-b0e7-4bd6-9ae0-8d6f7c2b6a10',
    api_version: 1,
    created_date: '2026-12-01T10:15:30.123Z',
    resource_id: 'hu20sqlact5260q2nanm0q8u93',
    resource_type: 'PAYMENT',
    event_type: 'card_payment_captured',
    resource: {
      payment_id: 'hu20sqlact5260q2nanm0q8u93',
      amount: 5000,
      description: 'Pay your council tax',
      reference: 'ABC123',
      created_date: '2026-12-01T10:14:00.000Z',
      state: { status: 'success', finished: true },
    },
    ...overrides,
  };
}

describe('parseWebhookMessage', () => {
  it('accepts a well-formed message of every known event type', () => {
    for (const eventType of WEBHOOK_EVENT_TYPES) {
      const result = parseWebhookMessage(message({ event_type: eventType }));
      expect(result).toMatchObject({ ok: true, kind: 'event' });
      if (result.ok && result.kind === 'event') expect(result.message.event_type).toBe(eventType);
    }
  });

  it('compares resource_type without case', () => {
    for (const resourceType of ['PAYMENT', 'payment', 'Payment']) {
      expect(parseWebhookMessage(message({ resource_type: resourceType }))).toMatchObject({
        ok: true,
        kind: 'event',
      });
    }
    expect(parseWebhookMessage(message({ resource_type: 'DISPUTE' }))).toMatchObject({
      ok: false,
      reason: expect.stringContaining('resource_type'),
    });
  });

  it('keeps an unknown event type as kind unknown, without checking its resource', () => {
    const result = parseWebhookMessage(
      message({ event_type: 'card_payment_disputed', resource_type: 'DISPUTE', resource: {} }),
    );
    expect(result).toMatchObject({ ok: true, kind: 'unknown' });
    if (result.ok) expect(result.message.event_type).toBe('card_payment_disputed');
  });

  it('accepts every status version 2 name, and failed in case the wire uses version 1', () => {
    for (const status of [
      'created',
      'started',
      'submitted',
      'capturable',
      'success',
      'declined',
      'timedout',
      'cancelled',
      'error',
      'failed',
    ]) {
      const resource = { ...(message().resource as object), state: { status, finished: false } };
      expect(parseWebhookMessage(message({ resource })).ok).toBe(true);
    }
  });

  it.each<[string, unknown, string]>([
    ['an array', [], 'not a JSON object'],
    ['null', null, 'not a JSON object'],
    ['a string', 'card_payment_captured', 'not a JSON object'],
    ['no message id', message({ webhook_message_id: undefined }), 'webhook_message_id'],
    ['an empty message id', message({ webhook_message_id: '' }), 'webhook_message_id'],
    ['a numeric message id', message({ webhook_message_id: 7 }), 'webhook_message_id'],
    ['api_version as a string', message({ api_version: '1' }), 'api_version'],
    ['a date that is not ISO', message({ created_date: 'yesterday' }), 'created_date'],
    ['an impossible date', message({ created_date: '2026-13-45T99:00:00.000Z' }), 'created_date'],
    ['no resource_id', message({ resource_id: undefined }), 'resource_id'],
    ['no resource_type', message({ resource_type: undefined }), 'resource_type'],
    ['no event_type', message({ event_type: undefined }), 'event_type'],
    ['a resource that is an array', message({ resource: [] }), 'resource must be an object'],
    [
      'a resource for another payment',
      message({ resource: { ...(message().resource as object), payment_id: 'other' } }),
      'resource.payment_id',
    ],
    [
      'a fractional amount',
      message({ resource: { ...(message().resource as object), amount: 1.5 } }),
      'resource.amount',
    ],
    [
      'no state',
      message({ resource: { ...(message().resource as object), state: undefined } }),
      'resource.state',
    ],
    [
      'an unknown status',
      message({
        resource: { ...(message().resource as object), state: { status: 'paid', finished: true } },
      }),
      'resource.state.status',
    ],
    [
      'finished as a string',
      message({
        resource: {
          ...(message().resource as object),
          state: { status: 'success', finished: 'true' },
        },
      }),
      'resource.state.finished',
    ],
  ])('rejects %s with a reason naming the field', (_name, input, reason) => {
    const result = parseWebhookMessage(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });

  it('never puts a value from the body into its reason', () => {
    const result = parseWebhookMessage(
      message({ resource: { ...(message().resource as object), payment_id: 'secretpaymentid' } }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).not.toContain('secretpaymentid');
  });
});

describe('webhookPaymentStatus', () => {
  it.each<[Pick<PaymentState, 'status' | 'code'>, string]>([
    [{ status: 'created' }, 'created'],
    [{ status: 'started' }, 'started'],
    [{ status: 'submitted' }, 'submitted'],
    [{ status: 'capturable' }, 'capturable'],
    [{ status: 'success' }, 'success'],
    [{ status: 'failed', code: 'P0010' }, 'declined'],
    [{ status: 'failed', code: 'P0020' }, 'timedout'],
    [{ status: 'failed', code: 'P0030' }, 'cancelled'],
    [{ status: 'cancelled', code: 'P0040' }, 'cancelled'],
    [{ status: 'error', code: 'P0050' }, 'error'],
    [{ status: 'failed', code: 'P9999' }, 'error'],
  ])('maps %j to %s', (state, expected) => {
    expect(webhookPaymentStatus(state)).toBe(expected);
  });
});
