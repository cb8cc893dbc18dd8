import { AsyncResource } from 'node:async_hooks';
import type { Request, Response } from 'express';
import type { PayClient } from '../client/index.js';
import { errorForLog } from '../logger.js';
import type { Logger } from '../logger.js';
import {
  noteWebhookDone,
  noteWebhookVerification,
  observeWebhookRequest,
} from '../observability/index.js';
import { classifyPayment, readPayment } from '../settlement/index.js';
import type { Settler } from '../settlement/index.js';
import type { PaymentRecord, PaymentStore } from '../store/index.js';
import { parseWebhookMessage } from './events.js';
import type { UnknownWebhookMessage, WebhookMessage } from './events.js';
import type { ResolvedWebhooksConfig, WebhookEvent, WebhookHandler } from './options.js';
import { planWebhook } from './plan.js';
import { readRawBody } from './raw-body.js';
import { createSettleQueue } from './settle-queue.js';
import { verifyWebhookSignature } from './signature.js';

/**
 * How long a message id is remembered: longer than GOV.UK Pay's retries of one message, which
 * stop about 3 days after the first attempt (FACTS §14).
 */
export const WEBHOOK_DEDUP_TTL_MS = 4 * 24 * 60 * 60 * 1000;

/**
 * Payments waiting to be read after their webhooks, beyond those being read; more are left to
 * reconciliation (they are marked due already). A few MB of records at most.
 */
const MAX_WAITING_SETTLES = 10_000;

/** Only the probe's answer matters; it is released at once. */
const SETTLED_PROBE_LEASE_MS = 1000;

export interface WebhookReceiver {
  /** The `POST {mount}/webhooks` handler. It answers every request itself and never rejects. */
  handle(req: Request, res: Response): void;
  /**
   * Refuses new messages (503, so GOV.UK Pay retries) and waits for the payments being settled
   * off the request; those still waiting keep their due marks, for reconciliation.
   */
  close(): Promise<void>;
  /** What this receiver has seen since it was made, for `journey.health()`. */
  stats(): WebhookDeliveryStats;
}

/** Counts of webhook requests, by whether their signature held. Times are epoch milliseconds. */
export interface WebhookDeliveryStats {
  /** Requests whose Pay-Signature matched a secret, duplicates included. */
  verified: number;
  lastVerifiedAt: number | null;
  /** Requests refused for a missing or wrong Pay-Signature. */
  verificationFailures: number;
  lastVerificationFailureAt: number | null;
}

/**
 * The parts of a journey the receiver uses. Declared here, not imported from journey/, which
 * mounts the receiver: webhooks sit below the journey, with no import cycle.
 */
export interface WebhookJourneyParts {
  store: PaymentStore;
  settler: Settler;
  logger: Logger;
  /** Names a payment in logs without revealing its id. */
  fingerprint: (paymentId: string) => string;
  /** The client of the GOV.UK Pay account that made a payment. */
  clients: { forRecord(record: PaymentRecord): PayClient };
}

export interface WebhookReceiverDeps {
  ctx: WebhookJourneyParts;
  config: ResolvedWebhooksConfig;
  onWebhook: WebhookHandler | undefined;
  /** The journey's clock, for the times in `stats()`. @default Date.now */
  now?: () => number;
}

type Message = WebhookMessage | UnknownWebhookMessage;

/** A failure of the store, kept apart so the answer (500) and the log can say so. */
class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(readonly step: string) {
    super(`govuk-pay-express: the store failed while ${step}`);
  }
}

class WebhookHandlerError extends Error {
  override readonly name = 'WebhookHandlerError';
  constructor(
    readonly handlerError: string,
    /** What onWebhook threw, for the log's `err`. */
    readonly thrown: unknown,
  ) {
    super('govuk-pay-express: onWebhook threw');
  }
}

/**
 * GOV.UK Pay's webhooks, received: size-limited raw body, signature before parsing, shape,
 * de-duplication, then either a due mark and an off-request settle (a payment of this journey)
 * or `onWebhook` (anything else). No step trusts the body's payment state.
 */
export function createWebhookReceiver(deps: WebhookReceiverDeps): WebhookReceiver {
  const { ctx, config, onWebhook } = deps;
  const { store, settler, logger, fingerprint } = ctx;
  let closed = false;
  const now = deps.now ?? Date.now;
  const deliveries: WebhookDeliveryStats = {
    verified: 0,
    lastVerifiedAt: null,
    verificationFailures: 0,
    lastVerificationFailureAt: null,
  };

  async function storeStep<T>(step: string, run: () => T | Promise<T>): Promise<T> {
    try {
      return await run();
    } catch {
      throw new StoreUnavailableError(step);
    }
  }

  /** Reads the truth and settles it. The due mark stays until settled, for reconciliation. */
  async function settleFromTruth(record: PaymentRecord): Promise<void> {
    const payment = fingerprint(record.paymentId);
    try {
      const read = await readPayment(ctx, ctx.clients.forRecord(record), record);
      if (!read.ok) return; // readPayment logged it; reconciliation takes the due payment.
      const classification = classifyPayment(read.payment.state);
      if (!classification.final) {
        logger.info(
          { payment, status: read.payment.state.status },
          'govuk-pay-express: a webhook named a payment that is not finished yet; reconciliation will look again',
        );
        return;
      }
      await settler.settle(read.payment, classification, 'webhook');
    } catch (err) {
      logger.error(
        { payment, error: errorName(err) },
        'govuk-pay-express: could not settle a payment after its webhook; it is marked due, so the next reconciliation settles it',
      );
    }
  }

  const settleQueue = createSettleQueue<() => Promise<void>>({
    concurrency: config.concurrency,
    maxWaiting: MAX_WAITING_SETTLES,
    work: (settle) => settle(),
  });

  /** Queues the read once the answer is on its way, so it never delays the 200. */
  function settleAfterResponse(res: Response, record: PaymentRecord): void {
    // Bound to this webhook's request, so its lines and trace are this request's, not those of
    // the earlier webhook whose finished settle starts the queue's next one.
    const settle = AsyncResource.bind(() => settleFromTruth(record));
    let queued = false;
    const queue = (): void => {
      if (queued) return;
      queued = true;
      if (!settleQueue.add(record.paymentId, settle) && !closed) {
        logger.warn(
          { payment: fingerprint(record.paymentId), waiting: settleQueue.waiting },
          'govuk-pay-express: too many webhooks waiting to be settled; this payment is left to the next reconciliation, which takes due payments first',
        );
      }
    };
    if (res.writableFinished || res.destroyed) {
      queue();
      return;
    }
    res.once('finish', queue);
    res.once('close', queue);
  }

  async function markDue(record: PaymentRecord, res: Response): Promise<void> {
    await storeStep('marking the payment due', () => store.markDue(record.paymentId));
    settleAfterResponse(res, record);
  }

  async function handOver(message: Message): Promise<'delivered' | 'no_handler'> {
    if (onWebhook === undefined) return 'no_handler';
    try {
      await onWebhook(message as WebhookEvent);
    } catch (err) {
      throw new WebhookHandlerError(errorName(err), err);
    }
    return 'delivered';
  }

  /** A payment event about a payment not pending here: settled by this journey already? */
  async function settledHere(paymentId: string): Promise<boolean> {
    const key = settler.keys.settlement(paymentId);
    const readState = store.settlementState?.bind(store);
    if (readState !== undefined) {
      // Leased means this journey is settling it right now: as good as settled.
      const state = await storeStep('checking the settlement', () => readState(key));
      return state !== 'unsettled';
    }
    // A store without the read asks by a lease: taken and given back at once, it writes a record
    // for a payment that is not this journey's, and counts an attempt on it.
    const begun = await storeStep('checking the settlement', () =>
      store.beginSettlement(key, SETTLED_PROBE_LEASE_MS),
    );
    if (begun.status === 'acquired') {
      await storeStep('checking the settlement', () =>
        store.releaseSettlement(key, begun.lease.token),
      );
      return false;
    }
    // Leased means this journey is settling it right now: as good as settled.
    return true;
  }

  /** Acts on a message this instance won; resolves with what it did, for the log. */
  async function act(kind: 'event' | 'unknown', message: Message, res: Response): Promise<string> {
    const paymentId = message.resource_id;
    const isPayment = message.resource_type.toLowerCase() === 'payment';
    const record = isPayment
      ? await storeStep('reading the pending payment', () => store.getPending(paymentId))
      : undefined;
    const mine =
      record !== undefined && (record.journey === undefined || record.journey === settler.journey)
        ? record
        : undefined;
    const plan = planWebhook({
      kind,
      eventType: message.event_type,
      resourceType: message.resource_type,
      pendingHere: mine !== undefined,
    });
    switch (plan.action) {
      case 'settle':
        await markDue(mine as PaymentRecord, res);
        return 'marked_due';
      case 'hand_over':
        if (plan.markDue) await markDue(mine as PaymentRecord, res);
        return handOver(message);
      case 'check_settled':
        if (await settledHere(paymentId)) return 'already_settled';
        return handOver(message);
      case 'acknowledge':
        return plan.reason;
      default: {
        const unknown: never = plan;
        throw new Error(`unexpected webhook plan ${JSON.stringify(unknown)}`);
      }
    }
  }

  async function receive(req: Request, res: Response): Promise<void> {
    if (closed) {
      answer(res, 503);
      return;
    }
    const read = await readRawBody(req, config.maxBodyBytes);
    switch (read.kind) {
      case 'consumed':
        logger.error(
          {},
          "govuk-pay-express: the webhook body was already read by a body parser, so its signature cannot be checked; mount the journey before express.json() and other body parsers (app.use('/payment', journey) first)",
        );
        answer(res, 500);
        return;
      case 'too_large':
        logger.warn(
          { limit: config.maxBodyBytes },
          'govuk-pay-express: refused an oversized webhook body',
        );
        // Closing stops Node reading the rest of the body just to keep the connection alive.
        res.setHeader('Connection', 'close');
        answer(res, 413);
        return;
      case 'aborted':
        answer(res, 400);
        return;
      case 'read':
        break;
      default: {
        const unknown: never = read;
        throw new Error(`unexpected body read ${JSON.stringify(unknown)}`);
      }
    }

    const header = req.headers['pay-signature'];
    const verified = verifyWebhookSignature(
      read.body,
      typeof header === 'string' ? header : undefined,
      config.secrets,
    );
    noteWebhookVerification(verified ? 'verified' : header === undefined ? 'missing' : 'mismatch');
    if (verified) {
      deliveries.verified += 1;
      deliveries.lastVerifiedAt = now();
    } else {
      deliveries.verificationFailures += 1;
      deliveries.lastVerificationFailureAt = now();
    }
    if (!verified) {
      // Never the body: a forged message is someone else's words.
      logger.warn(
        { signature: header === undefined ? 'missing' : 'mismatch' },
        'govuk-pay-express: refused a webhook whose Pay-Signature does not match any webhooks.secrets',
      );
      answer(res, 401);
      return;
    }

    let json: unknown;
    try {
      json = JSON.parse(read.body.toString('utf8'));
    } catch {
      logger.warn({}, 'govuk-pay-express: refused a signed webhook whose body is not JSON');
      answer(res, 400);
      return;
    }
    const parsed = parseWebhookMessage(json);
    if (!parsed.ok) {
      // The reason names a field, never a value.
      logger.warn(
        { reason: parsed.reason },
        'govuk-pay-express: refused a signed webhook of an unexpected shape',
      );
      answer(res, 400);
      return;
    }
    const message: Message = parsed.message;
    const log = {
      event: safeEventType(message.event_type),
      ...(message.resource_type.toLowerCase() === 'payment'
        ? { payment: fingerprint(message.resource_id) }
        : {}),
    };

    const dedupKey = settler.keys.webhookMessage(message.webhook_message_id);
    let won: boolean;
    try {
      won = await store.claim(dedupKey, WEBHOOK_DEDUP_TTL_MS);
    } catch (err) {
      logger.error(
        { ...log, error: errorName(err) },
        'govuk-pay-express: the store failed while de-duplicating a webhook; answered 500 so GOV.UK Pay sends it again',
      );
      answer(res, 500);
      return;
    }
    if (!won) {
      noteWebhookDone('duplicate');
      logger.debug(log, 'govuk-pay-express: a webhook message seen before; acknowledged');
      answer(res, 200);
      return;
    }

    let done: string;
    try {
      done = await act(parsed.kind, message, res);
    } catch (err) {
      // The message must come back: forget that it was seen, so the retry is processed.
      try {
        await store.release(dedupKey);
      } catch {
        logger.error(
          log,
          'govuk-pay-express: could not release a failed webhook message; its retries within 4 days will be taken as duplicates',
        );
      }
      if (err instanceof WebhookHandlerError) {
        logger.error(
          {
            ...log,
            error: err.handlerError,
            err: errorForLog(err.thrown, { resourceId: message.resource_id }),
          },
          'govuk-pay-express: onWebhook threw; answered 500 so GOV.UK Pay sends the message again',
        );
      } else {
        logger.error(
          {
            ...log,
            error:
              err instanceof StoreUnavailableError ? `store failed ${err.step}` : errorName(err),
          },
          'govuk-pay-express: could not act on a webhook; answered 500 so GOV.UK Pay sends it again',
        );
      }
      answer(res, 500);
      return;
    }
    noteWebhookDone(done);
    logger.info({ ...log, done }, 'govuk-pay-express: webhook received');
    answer(res, 200);
  }

  return {
    handle(req, res) {
      observeWebhookRequest(req, () => receive(req, res)).catch((err: unknown) => {
        // A bug: still an answer, never a crash, and GOV.UK Pay tries again.
        logger.error(
          { error: errorName(err) },
          'govuk-pay-express: the webhook receiver failed unexpectedly',
        );
        if (!res.headersSent) answer(res, 500);
        else res.destroy();
      });
    },
    async close() {
      closed = true;
      // Payments still waiting keep their due marks: reconciliation takes them.
      await settleQueue.close();
    },
    stats: () => ({ ...deliveries }),
  };
}

const KNOWN_EVENT_TYPE_FORMAT = /^[a-z][a-z0-9_]{0,63}$/;

/** A newer event type may be logged by name; anything odd-looking is not echoed. */
function safeEventType(eventType: string): string {
  return KNOWN_EVENT_TYPE_FORMAT.test(eventType) ? eventType : 'unrecognised';
}

function answer(res: Response, status: number): void {
  res.status(status);
  res.setHeader('Cache-Control', 'no-store');
  res.end();
}

/** Only the class name: messages may quote ids or URLs, which must not reach logs. */
function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
