import { PayConfigError } from '../../config-error.js';
import { rejectUnknownKeys } from '../../options/index.js';
import { FaultRuleRegistry, readRuleCounts } from '../fault-rules.js';
import type { WebhookEventType } from '../../webhooks/index.js';
import { WEBHOOK_EVENT_TYPES } from '../../webhooks/index.js';

/**
 * What goes wrong with a message, as GOV.UK Pay's delivery allows (at least once, in any
 * order): `duplicate` sends its first attempt `copies` extra times at once; `delay` holds its
 * first attempt back `ms` on the simulator clock; `reorder` holds it until the next message to
 * the same endpoint has been answered (or `maxHoldMs` on the simulator clock has passed).
 */
export type WebhookFault =
  | { kind: 'duplicate'; copies?: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'reorder'; maxHoldMs?: number };

export interface WebhookFaultRule {
  /** The event types to spoil. @default every event type */
  events?: readonly WebhookEventType[];
  /** Apply to the next `times` matching messages only. @default every matching message */
  times?: number;
  /** Apply to each matching message with this probability, 0 to 1. @default 1 */
  probability?: number;
  fault: WebhookFault;
}

export interface WebhookFaultControls {
  /** Adds a rule (checked after the ones already there); returns a function that removes it. */
  inject(rule: WebhookFaultRule): () => void;
  /** Removes every rule. */
  clear(): void;
}

/** With no `maxHoldMs`, a reordered message waits at most this long for a next one. */
export const DEFAULT_REORDER_HOLD_MS = 60_000;

function invalid(message: string): never {
  throw new PayConfigError('ERR_PAY_INVALID_OPTION', `simulator webhook fault rule: ${message}`);
}

const RULE_KEYS: readonly (keyof WebhookFaultRule)[] = ['events', 'times', 'probability', 'fault'];

/** Rules are named after the call that takes them; the admin route's JSON body is the same rule. */
const WHERE = 'webhooks.faults.inject';

const isWhole = (n: unknown, min: number): n is number =>
  Number.isInteger(n) && (n as number) >= min;

export function validateWebhookFaultRule(input: unknown): WebhookFaultRule {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    invalid('must be an object { events?, times?, probability?, fault }');
  }
  const rule = input as Record<string, unknown>;
  rejectUnknownKeys(rule, RULE_KEYS, WHERE);
  if (
    rule.events !== undefined &&
    !(
      Array.isArray(rule.events) &&
      rule.events.length > 0 &&
      rule.events.every((e) => WEBHOOK_EVENT_TYPES.includes(e as WebhookEventType))
    )
  ) {
    invalid(`events must be a non-empty array of ${WEBHOOK_EVENT_TYPES.join(', ')}`);
  }
  const counts = readRuleCounts(rule, invalid);
  return {
    ...(rule.events === undefined ? {} : { events: [...(rule.events as WebhookEventType[])] }),
    ...counts,
    fault: validateWebhookFault(rule.fault),
  };
}

function validateWebhookFault(input: unknown): WebhookFault {
  if (typeof input !== 'object' || input === null) invalid('fault must be an object with a kind');
  const fault = input as Record<string, unknown>;
  // Each kind has its own keys: a key of another kind would be silently ignored.
  const allow = (...keys: string[]): void => {
    rejectUnknownKeys(fault, ['kind', ...keys], `${WHERE}.fault`);
  };
  switch (fault.kind) {
    case 'duplicate':
      allow('copies');
      if (fault.copies !== undefined && !(isWhole(fault.copies, 1) && fault.copies <= 1000)) {
        invalid('duplicate copies must be a whole number from 1 to 1000');
      }
      return fault.copies === undefined
        ? { kind: 'duplicate' }
        : { kind: 'duplicate', copies: fault.copies };
    case 'delay':
      allow('ms');
      if (!(typeof fault.ms === 'number' && Number.isFinite(fault.ms) && fault.ms >= 0)) {
        invalid('delay needs ms, a number of milliseconds >= 0');
      }
      return { kind: 'delay', ms: fault.ms };
    case 'reorder':
      allow('maxHoldMs');
      if (fault.maxHoldMs !== undefined && !isWhole(fault.maxHoldMs, 0)) {
        invalid('reorder maxHoldMs must be a whole number of milliseconds >= 0');
      }
      return fault.maxHoldMs === undefined
        ? { kind: 'reorder' }
        : { kind: 'reorder', maxHoldMs: fault.maxHoldMs };
    default:
      return invalid('fault.kind must be duplicate, delay or reorder');
  }
}

/** The injected webhook fault rules, consulted once per new message. */
export class WebhookFaultRegistry
  extends FaultRuleRegistry<WebhookFaultRule, WebhookEventType>
  implements WebhookFaultControls
{
  constructor(random: () => number) {
    super(
      validateWebhookFaultRule,
      (rule, eventType) => rule.events === undefined || rule.events.includes(eventType),
      random,
    );
  }
}
