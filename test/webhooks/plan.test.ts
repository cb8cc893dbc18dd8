import { planWebhook } from '../../src/webhooks/plan';
import type { WebhookFacts, WebhookPlan } from '../../src/webhooks/plan';

describe('planWebhook', () => {
  it.each<[string, WebhookFacts, WebhookPlan]>([
    [
      'a payment event of a payment pending here',
      {
        kind: 'event',
        eventType: 'card_payment_succeeded',
        resourceType: 'PAYMENT',
        pendingHere: true,
      },
      { action: 'settle' },
    ],
    [
      'the same in the docs’ lower case',
      {
        kind: 'event',
        eventType: 'card_payment_captured',
        resourceType: 'payment',
        pendingHere: true,
      },
      { action: 'settle' },
    ],
    [
      'a failed or expired event, which is only a reason to read',
      {
        kind: 'event',
        eventType: 'card_payment_failed',
        resourceType: 'Payment',
        pendingHere: true,
      },
      { action: 'settle' },
    ],
    [
      'a payment event of a payment not pending here',
      {
        kind: 'event',
        eventType: 'card_payment_expired',
        resourceType: 'PAYMENT',
        pendingHere: false,
      },
      { action: 'check_settled' },
    ],
    [
      'a refund of a payment not pending here',
      {
        kind: 'event',
        eventType: 'card_payment_refunded',
        resourceType: 'PAYMENT',
        pendingHere: false,
      },
      { action: 'hand_over', markDue: false },
    ],
    [
      'a refund of a payment still pending here',
      {
        kind: 'event',
        eventType: 'card_payment_refunded',
        resourceType: 'PAYMENT',
        pendingHere: true,
      },
      { action: 'hand_over', markDue: true },
    ],
    [
      'an unknown event type about a payment pending here',
      {
        kind: 'unknown',
        eventType: 'card_payment_disputed',
        resourceType: 'PAYMENT',
        pendingHere: true,
      },
      { action: 'settle' },
    ],
    [
      'an unknown event type about anything else',
      {
        kind: 'unknown',
        eventType: 'dispute_created',
        resourceType: 'DISPUTE',
        pendingHere: false,
      },
      { action: 'acknowledge', reason: 'unknown_event_type' },
    ],
    [
      'an unknown event type about another resource that shares an id',
      { kind: 'unknown', eventType: 'dispute_created', resourceType: 'DISPUTE', pendingHere: true },
      { action: 'acknowledge', reason: 'unknown_event_type' },
    ],
  ])('%s', (_name, facts, plan) => {
    expect(planWebhook(facts)).toEqual(plan);
  });
});
