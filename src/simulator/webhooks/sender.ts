import type { Payment } from '../../client/index.js';
import type { WebhookEventType, WebhookMessage } from '../../webhooks/index.js';
import { WEBHOOK_EVENT_TYPES, buildWebhookMessage } from '../../webhooks/index.js';
import { signWebhookBody } from '../../webhooks/index.js';
import { UnknownPaymentError } from '../admin.js';
import { isoMillis } from '../clock.js';
import type { SimulatorEngine } from '../engine.js';
import { newExternalId } from '../ids.js';
import type { SimEvent, SimPayment, SimRefund } from '../model.js';
import { isFinished } from '../model.js';
import { renderSearchPayment } from '../render.js';
import { expireIfDue } from '../transitions.js';
import type { AttemptOutcome, DeliveryAgents, DeliveryErrorKind } from './deliver.js';
import { createDeliveryAgents, isDelivered, postWebhook } from './deliver.js';
import { MAX_ATTEMPTS, RETRY_DELAYS_MS, eventTypesForStateChange } from './events.js';
import type { WebhookFaultControls } from './faults.js';
import { DEFAULT_REORDER_HOLD_MS, WebhookFaultRegistry } from './faults.js';
import type { SimulatorChangeListener } from './hooks.js';
import { listenToSimulatorChanges } from './hooks.js';
import type { ResolvedWebhookEndpoint } from './options.js';

/** One HTTP attempt to deliver a message, and its answer. Times are on the simulator clock. */
export interface WebhookDelivery {
  /** Increasing within the simulator, from 1. */
  readonly id: number;
  readonly messageId: string;
  readonly eventType: WebhookEventType;
  readonly url: string;
  /** Which scheduled attempt this is, 1 to 6 (a redelivery repeats the latest number). */
  readonly attempt: number;
  /** `scheduled` by the retry schedule, an extra copy from a `duplicate` fault, or a `redelivery`. */
  readonly kind: 'scheduled' | 'duplicate' | 'redelivery';
  /** When it was sent, ISO 8601 with milliseconds. */
  readonly at: string;
  /** `in-flight` until answered; `delivered` only for a 2xx answer. */
  readonly result: 'in-flight' | 'delivered' | 'failed';
  /** The HTTP status of the answer, if there was one. */
  readonly status?: number;
  /** Why there was no answer. */
  readonly error?: DeliveryErrorKind;
  /** When this failure makes the message due again; absent once it is delivered or given up. */
  readonly nextAttemptAt?: string;
}

/** A message the simulator has made, and where it stands. */
export interface WebhookMessageRecord {
  readonly messageId: string;
  readonly eventType: WebhookEventType;
  readonly url: string;
  /** The message as sent; its body is exactly `JSON.stringify(message)`. */
  readonly message: WebhookMessage;
  /**
   * `pending` (due or waiting for a retry), `held` (by a `reorder` fault), `sending`,
   * `delivered`, or `failed` (every attempt failed; only a redelivery sends it again).
   */
  readonly state: 'pending' | 'held' | 'sending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly nextAttemptAt?: string;
}

/** `sim.webhooks`: the webhooks the simulator sends, as GOV.UK Pay would. */
export interface SimulatorWebhooks {
  /** Every attempt, oldest first (the latest 10,000). */
  deliveries(): WebhookDelivery[];
  /** Every message, oldest first (pending ones, and the latest 10,000 finished). */
  messages(): WebhookMessageRecord[];
  /**
   * Sends one message again now, outside its retry schedule, and resolves with that attempt's
   * answer. A 2xx ends its retries. Throws `UnknownWebhookMessageError` for an unknown id.
   */
  redeliver(messageId: string): Promise<WebhookDelivery>;
  /**
   * Sends `eventType` for a payment as it is now, to every endpoint subscribed to it, as if it
   * had just happened; returns the new message ids (none when no endpoint takes that event).
   * Throws `UnknownPaymentError` for an unknown payment.
   */
  trigger(eventType: WebhookEventType, paymentId: string): string[];
  /** Duplicate delivery, reordering and delay. */
  readonly faults: WebhookFaultControls;
  /**
   * Resolves once every message that is due now (after any clock advance) has been attempted
   * and answered. Messages waiting for a later retry, or a delay fault, are not waited for.
   */
  idle(): Promise<void>;
}

export class UnknownWebhookMessageError extends Error {
  override readonly name = 'UnknownWebhookMessageError';
}

/** How often due messages and expiries are looked for, in real milliseconds. */
const POLL_MS = 100;
/** Unfinished payments are checked for expiry this often, in real time, or after a clock jump. */
const EXPIRY_SWEEP_MS = 2000;
const MAX_KEPT = 10_000;

/**
 * Keeps each sender alive exactly as long as its engine. The change registry and the poll hold
 * senders weakly, and a service may keep only `sim.app` (the routers hold the engine): without
 * this, its webhooks would stop whenever the collector ran.
 */
const sendersByEngine = new WeakMap<SimulatorEngine, WebhookSender>();

class Outgoing {
  state: WebhookMessageRecord['state'] = 'pending';
  attempts = 0;
  /** Simulator time when it is next due (pending) or released (held). */
  dueAt: number;
  /** Extra copies of the first attempt, from a duplicate fault. */
  duplicates = 0;

  constructor(
    readonly seq: number,
    readonly id: string,
    readonly endpoint: ResolvedWebhookEndpoint,
    readonly message: WebhookMessage,
    readonly body: string,
    readonly signature: string,
    now: number,
  ) {
    this.dueAt = now;
  }
}

class DeliveryEntry {
  result: WebhookDelivery['result'] = 'in-flight';
  outcome: AttemptOutcome | undefined;
  nextAttemptAt: number | undefined;

  constructor(
    readonly id: number,
    readonly item: Outgoing,
    readonly attempt: number,
    readonly kind: WebhookDelivery['kind'],
    readonly at: number,
  ) {}

  view(): WebhookDelivery {
    return {
      id: this.id,
      messageId: this.item.id,
      eventType: this.item.message.event_type,
      url: this.item.endpoint.url.href,
      attempt: this.attempt,
      kind: this.kind,
      at: isoMillis(this.at),
      result: this.result,
      ...(this.outcome?.status === undefined ? {} : { status: this.outcome.status }),
      ...(this.outcome?.error === undefined ? {} : { error: this.outcome.error }),
      ...(this.nextAttemptAt === undefined ? {} : { nextAttemptAt: isoMillis(this.nextAttemptAt) }),
    };
  }
}

/**
 * Turns a simulator's payment changes into signed messages and delivers them over HTTP with
 * GOV.UK Pay's timeout and retry schedule, on the simulator clock.
 */
export class WebhookSender implements SimulatorChangeListener {
  readonly faults: WebhookFaultRegistry;
  private readonly items = new Map<string, Outgoing>();
  /** Pending and held messages, in the order they were made. */
  private readonly waiting = new Set<Outgoing>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly deliveryLog: DeliveryEntry[] = [];
  private readonly agents: DeliveryAgents;
  private nextSeq = 1;
  private nextDeliveryId = 1;
  private pumpQueued = false;
  private lastClockOffset: number;
  private lastSweep = 0;

  constructor(
    private readonly endpoints: readonly ResolvedWebhookEndpoint[],
    private readonly engine: SimulatorEngine,
    random: () => number,
  ) {
    this.faults = new WebhookFaultRegistry(random);
    this.agents = createDeliveryAgents();
    this.lastClockOffset = engine.clock.now() - Date.now();
    if (endpoints.length > 0) {
      sendersByEngine.set(engine, this);
      listenToSimulatorChanges(this);
      // The poll holds only a weak reference, so a dropped simulator stops polling.
      const self = new WeakRef(this);
      const poll = setInterval(() => {
        const sender = self.deref();
        if (sender === undefined) clearInterval(poll);
        else sender.tick();
      }, POLL_MS);
      poll.unref();
    }
  }

  /** The JS API, `sim.webhooks`. */
  get controls(): SimulatorWebhooks {
    return {
      deliveries: () => this.deliveryLog.map((entry) => entry.view()),
      messages: () => [...this.items.values()].map((item) => this.record(item)),
      redeliver: (messageId) => this.redeliver(messageId),
      trigger: (eventType, paymentId) => this.trigger(eventType, paymentId),
      faults: this.faults,
      idle: () => this.idle(),
    };
  }

  stateChanged(payment: SimPayment, event: SimEvent): void {
    if (!this.owns(payment)) return;
    const eventTypes = eventTypesForStateChange(event);
    if (eventTypes.length === 0) return;
    const view = this.render(payment);
    for (const eventType of eventTypes) this.enqueue(eventType, view, event.at);
  }

  refundAdded(payment: SimPayment, refund: SimRefund): void {
    if (!this.owns(payment) || refund.status !== 'success') return;
    this.enqueue('card_payment_refunded', this.render(payment), refund.createdAt);
  }

  trigger(eventType: WebhookEventType, paymentId: string): string[] {
    if (!WEBHOOK_EVENT_TYPES.includes(eventType)) {
      throw new TypeError(
        `simulator webhooks.trigger: event type must be one of ${WEBHOOK_EVENT_TYPES.join(', ')}`,
      );
    }
    const payment = this.engine.getPayment(paymentId);
    if (payment === undefined) {
      throw new UnknownPaymentError(`simulator: no payment with id ${JSON.stringify(paymentId)}`);
    }
    return this.enqueue(eventType, this.render(payment), this.engine.clock.now());
  }

  async redeliver(messageId: string): Promise<WebhookDelivery> {
    const item = this.items.get(messageId);
    if (item === undefined) {
      throw new UnknownWebhookMessageError(
        `simulator: no webhook message with id ${JSON.stringify(messageId)}`,
      );
    }
    const entry = this.logAttempt(item, Math.max(item.attempts, 1), 'redelivery');
    const outcome = await this.track(this.send(item, entry));
    if (isDelivered(outcome)) {
      this.waiting.delete(item);
      item.state = 'delivered';
    }
    return entry.view();
  }

  async idle(): Promise<void> {
    this.sweepExpiries();
    for (;;) {
      this.pump();
      if (this.inFlight.size === 0) return;
      await Promise.allSettled([...this.inFlight]);
    }
  }

  /** Forgets every message, delivery and fault; answers still in flight are ignored. */
  reset(): void {
    this.items.clear();
    this.waiting.clear();
    this.deliveryLog.length = 0;
    this.faults.clear();
  }

  private owns(payment: SimPayment): boolean {
    return this.engine.store.getPayment(payment.id) === payment;
  }

  private render(payment: SimPayment): Payment {
    return renderSearchPayment(
      payment,
      this.engine.fallbackOrigin,
      this.engine.config.paymentProvider,
    ) as Payment;
  }

  private enqueue(eventType: WebhookEventType, payment: Payment, occurredAt: number): string[] {
    const now = this.engine.clock.now();
    const ids: string[] = [];
    for (const endpoint of this.endpoints) {
      if (!endpoint.events.has(eventType)) continue;
      const id = newExternalId();
      const message = buildWebhookMessage({ webhookMessageId: id, eventType, occurredAt, payment });
      const body = JSON.stringify(message);
      const item = new Outgoing(
        this.nextSeq++,
        id,
        endpoint,
        message,
        body,
        signWebhookBody(body, endpoint.secret),
        now,
      );
      const fault = this.faults.take(eventType);
      switch (fault?.kind) {
        case undefined:
          break;
        case 'duplicate':
          item.duplicates = fault.copies ?? 1;
          break;
        case 'delay':
          item.dueAt = now + fault.ms;
          break;
        case 'reorder':
          item.state = 'held';
          item.dueAt = now + (fault.maxHoldMs ?? DEFAULT_REORDER_HOLD_MS);
          break;
        default: {
          const unknown: never = fault;
          throw new Error(`unknown webhook fault ${String(unknown)}`);
        }
      }
      this.items.set(id, item);
      this.waiting.add(item);
      ids.push(id);
    }
    this.forgetOldMessages();
    if (ids.length > 0) this.queuePump();
    return ids;
  }

  /** State changes happen inside request handlers: send after the current work is done. */
  private queuePump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      this.pump();
    });
  }

  private tick(): void {
    const offset = this.engine.clock.now() - Date.now();
    const realNow = Date.now();
    if (offset !== this.lastClockOffset || realNow - this.lastSweep >= EXPIRY_SWEEP_MS) {
      this.lastClockOffset = offset;
      this.sweepExpiries();
    }
    this.pump();
  }

  /**
   * GOV.UK Pay expires payments with a sweep and then sends `card_payment_expired`; the
   * simulator applies expiry lazily on reads, so the sender sweeps to send it unprompted.
   */
  private sweepExpiries(): void {
    this.lastSweep = Date.now();
    const now = this.engine.clock.now();
    for (const payment of this.engine.store.allPayments()) {
      if (!isFinished(payment.status)) expireIfDue(payment, now);
    }
  }

  private pump(): void {
    if (this.waiting.size === 0) return;
    const now = this.engine.clock.now();
    for (const item of this.waiting) {
      if (item.dueAt > now) continue;
      if (item.state === 'held') {
        item.state = 'pending';
        item.dueAt = now;
      }
      this.waiting.delete(item);
      void this.track(this.attempt(item));
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = (): void => {
      this.inFlight.delete(work);
    };
    work.then(done, done);
    return work;
  }

  private async attempt(item: Outgoing): Promise<void> {
    item.state = 'sending';
    item.attempts++;
    const entries = [this.logAttempt(item, item.attempts, 'scheduled')];
    if (item.attempts === 1) {
      for (let i = 0; i < item.duplicates; i++) {
        entries.push(this.logAttempt(item, 1, 'duplicate'));
      }
    }
    const outcomes = await Promise.all(entries.map((entry) => this.send(item, entry)));
    if (this.items.get(item.id) !== item) return; // reset while in flight
    // Read afresh: a redelivery may have got through while this attempt was in flight.
    const stateNow = item.state as WebhookMessageRecord['state'];
    if (stateNow === 'delivered') {
      this.releaseHeldBehind(item);
      return;
    }
    if (outcomes.some(isDelivered)) {
      item.state = 'delivered';
    } else if (item.attempts < MAX_ATTEMPTS) {
      const delay = RETRY_DELAYS_MS[item.attempts - 1] as number;
      item.state = 'pending';
      item.dueAt = this.engine.clock.now() + delay;
      for (const entry of entries) entry.nextAttemptAt = item.dueAt;
      this.waiting.add(item);
    } else {
      item.state = 'failed';
    }
    this.releaseHeldBehind(item);
  }

  /** A reordered message goes once the next message to its endpoint has been answered. */
  private releaseHeldBehind(answered: Outgoing): void {
    let released = false;
    for (const item of this.waiting) {
      if (item.state === 'held' && item.endpoint === answered.endpoint && item.seq < answered.seq) {
        item.state = 'pending';
        item.dueAt = this.engine.clock.now();
        released = true;
      }
    }
    if (released) this.queuePump();
  }

  private logAttempt(
    item: Outgoing,
    attempt: number,
    kind: WebhookDelivery['kind'],
  ): DeliveryEntry {
    const entry = new DeliveryEntry(
      this.nextDeliveryId++,
      item,
      attempt,
      kind,
      this.engine.clock.now(),
    );
    this.deliveryLog.push(entry);
    if (this.deliveryLog.length > MAX_KEPT)
      this.deliveryLog.splice(0, this.deliveryLog.length - MAX_KEPT);
    return entry;
  }

  private async send(item: Outgoing, entry: DeliveryEntry): Promise<AttemptOutcome> {
    const outcome = await postWebhook(
      item.endpoint.url,
      item.body,
      item.signature,
      item.endpoint.timeoutMs,
      this.agents,
    );
    entry.outcome = outcome;
    entry.result = isDelivered(outcome) ? 'delivered' : 'failed';
    return outcome;
  }

  private record(item: Outgoing): WebhookMessageRecord {
    return {
      messageId: item.id,
      eventType: item.message.event_type,
      url: item.endpoint.url.href,
      message: structuredClone(item.message),
      state: item.state,
      attempts: item.attempts,
      ...(item.state === 'pending' || item.state === 'held'
        ? { nextAttemptAt: isoMillis(item.dueAt) }
        : {}),
    };
  }

  private forgetOldMessages(): void {
    if (this.items.size <= MAX_KEPT) return;
    for (const [id, item] of this.items) {
      if (this.items.size <= MAX_KEPT) return;
      if (item.state === 'delivered' || item.state === 'failed') this.items.delete(id);
    }
  }
}
