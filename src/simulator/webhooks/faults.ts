import { PayConfigError } from '../../config-error.js';
import { rejectUnknownKeys } from '../../options/index.js';
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

const WEBHOOK_FAULT_RULE_KEYS = [
  'events',
  'times',
  'probability',
  'fault',
] as const satisfies readonly (keyof WebhookFaultRule)[];

/** Rules are named after the call that takes them; the admin route's JSON body is the same rule. */
const WHERE = 'webhooks.faults.inject';

const isWhole = (n: unknown, min: number): n is number =>
  Number.isInteger(n) && (n as number) >= min;

export function validateWebhookFaultRule(input: unknown): WebhookFaultRule {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    invalid('must be an object { events?, times?, probability?, fault }');
  }
  const rule = input as Record<string, unknown>;
  rejectUnknownKeys(rule, WEBHOOK_FAULT_RULE_KEYS, WHERE);
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
  if (rule.times !== undefined && !isWhole(rule.times, 1))
    invalid('times must be a whole number >= 1');
  const p = rule.probability;
  if (p !== undefined && !(typeof p === 'number' && p >= 0 && p <= 1)) {
    invalid('probability must be a number from 0 to 1');
  }
  return {
    ...(rule.events === undefined ? {} : { events: [...(rule.events as WebhookEventType[])] }),
    ...(rule.times === undefined ? {} : { times: rule.times as number }),
    ...(p === undefined ? {} : { probability: p as number }),
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

interface ActiveRule {
  readonly rule: WebhookFaultRule;
  remaining: number;
}

/** The injected webhook fault rules, consulted once per new message. */
export class WebhookFaultRegistry implements WebhookFaultControls {
  private rules: ActiveRule[] = [];
  private nextId = 1;
  private readonly ids = new Map<number, ActiveRule>();

  constructor(private readonly random: () => number) {}

  inject(rule: WebhookFaultRule): () => void {
    return this.add(rule).remove;
  }

  /** As `inject`, with an id for the admin route. */
  add(rule: unknown): { id: number; remove: () => void } {
    const valid = validateWebhookFaultRule(rule);
    const active: ActiveRule = { rule: valid, remaining: valid.times ?? Infinity };
    this.rules.push(active);
    const id = this.nextId++;
    this.ids.set(id, active);
    return { id, remove: () => this.removeById(id) };
  }

  removeById(id: number): boolean {
    const active = this.ids.get(id);
    if (active === undefined) return false;
    this.rules = this.rules.filter((r) => r !== active);
    this.ids.delete(id);
    return true;
  }

  clear(): void {
    this.rules = [];
    this.ids.clear();
  }

  /** The fault for a new message of this event type, if any; counts down `times`. */
  take(eventType: WebhookEventType): WebhookFault | undefined {
    for (const active of this.rules) {
      const { rule } = active;
      if (rule.events !== undefined && !rule.events.includes(eventType)) continue;
      if (active.remaining <= 0) continue;
      if (rule.probability !== undefined && !(this.random() < rule.probability)) continue;
      active.remaining--;
      if (active.remaining <= 0) this.rules = this.rules.filter((r) => r !== active);
      return rule.fault;
    }
    return undefined;
  }
}
