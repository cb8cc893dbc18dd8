import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import {
  PayConnectionError,
  PayRateLimitError,
  PayResponseError,
  PayServerError,
} from '../client/index.js';
import type { PayClient, PayError } from '../client/index.js';
import type { CreatePaymentRequest, Payment } from '../client/index.js';
import { classifyPayment, describePayError } from '../settlement/index.js';
import type { Classification, PaymentResult } from '../settlement/index.js';
import type { PaymentRecord } from '../store/index.js';
import { cancelAtGovukPay } from './cancel.js';
import { PENDING_TTL_MS, RETURN_ID_TTL_MS } from './context.js';
import type { JourneyContext } from './context.js';
import { decideStart } from './decisions.js';
import type { EarlierPayment } from './decisions.js';
import { serialiseNextUrl } from './next-url.js';
import { readJourneyPayment, settleAndShow, startFailedResult } from './observe.js';
import type { PaymentDetails } from './options.js';

/** What the router does next: send the citizen to GOV.UK Pay, or show them an outcome. */
export type StartPlan =
  | { kind: 'redirect'; location: string; record: PaymentRecord }
  | { kind: 'outcome'; result: PaymentResult };

const DETAIL_KEYS: ReadonlySet<string> = new Set<keyof PaymentDetails>([
  'amount',
  'reference',
  'description',
  'language',
  'email',
  'prefilled_cardholder_details',
  'metadata',
  'delayed_capture',
  'moto',
  'set_up_agreement',
]);

/** 256 random bits, base64url: far past guessing, and safe in a URL path. */
const RETURN_ID_BYTES = 32;
export const RETURN_ID_FORMAT = /^[A-Za-z0-9_-]{43}$/;

export function newReturnId(): string {
  return randomBytes(RETURN_ID_BYTES).toString('base64url');
}

/**
 * Checks what `createPayment` returned. Unknown fields are refused rather than passed on: a
 * `return_url` in particular must come from `publicUrl`, never from the service's request data.
 */
export function normalisePaymentDetails(value: unknown): PaymentDetails {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(
      'govuk-pay-express: createPayment(req) must return (or resolve to) an object { amount, reference, description, ... }',
    );
  }
  const details: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    if (field === undefined) continue;
    if (!DETAIL_KEYS.has(key)) {
      throw new TypeError(
        `govuk-pay-express: createPayment(req) returned an unknown field "${key}"${key === 'return_url' ? '; the return URL is built from publicUrl' : ''}. The fields are ${[...DETAIL_KEYS].join(', ')}`,
      );
    }
    details[key] = field;
  }
  return details as unknown as PaymentDetails;
}

/**
 * Starts a payment, or resumes the one already in the citizen's cookie. A finished earlier
 * payment is settled first, before `createPayment` is asked for the new one, so the service sees
 * its own fulfilled state. A GOV.UK Pay failure gives the `error` outcome with reason
 * `start_failed`, and a payment is never created twice: the create is not retried, a reference
 * already paid is shown rather than paid again, and an unfinished payment for the same thing is
 * resumed.
 */
export async function planStart(
  ctx: JourneyContext,
  req: Request,
  getDetails: () => Promise<PaymentDetails>,
  existing: PaymentRecord | undefined,
  mountPath: string,
): Promise<StartPlan> {
  const { client, accountId } = ctx.clients.forRequest(req);
  const sameAccount = existing !== undefined && (existing.accountId ?? accountId) === accountId;
  let earlierRead = sameAccount ? await readEarlier(ctx, client, existing) : undefined;
  const details = await getDetails();

  // At most two rounds: a cancel that finds the payment finished reads it once more.
  for (let round = 0; round < 2; round += 1) {
    const decision = decideStart(earlierFacts(ctx, earlierRead, details));
    switch (decision.action) {
      case 'create':
        return createNew(ctx, client, accountId, details, mountPath);
      case 'refuse':
        return startFailed();
      case 'resume': {
        const payment = (earlierRead as { payment: Payment }).payment;
        ctx.logger.info(
          { payment: ctx.fingerprint(payment.payment_id) },
          'govuk-pay-express: resuming the unfinished payment',
        );
        const location = serialiseNextUrl(
          payment._links.next_url?.href,
          ctx.config.isAllowedNextUrl,
        ) as string;
        return { kind: 'redirect', location, record: existing as PaymentRecord };
      }
      case 'show': {
        const payment = (earlierRead as { payment: Payment }).payment;
        // Already paid for this reference: show that, rather than take the money again.
        return {
          kind: 'outcome',
          result: await settleAndShow(ctx, payment, decision.classification, 'start'),
        };
      }
      case 'cancel_then_create': {
        const earlier = existing as PaymentRecord;
        const attempt = await cancelAtGovukPay(ctx, client, earlier.paymentId);
        if (attempt === 'unreachable') return startFailed();
        if (attempt === 'cancelled') return createNew(ctx, client, accountId, details, mountPath);
        // It finished in the moment before the cancel (perhaps paid): settle it and decide again.
        earlierRead = await readEarlier(ctx, client, earlier);
        break;
      }
      default: {
        const unknown: never = decision;
        throw new Error(`govuk-pay-express: unexpected start decision ${JSON.stringify(unknown)}`);
      }
    }
  }
  return startFailed();
}

type EarlierRead = { payment: Payment; classification: Classification } | { status: 404 | 'other' };

/** Reads the earlier payment and, if it has finished, settles it at once. */
async function readEarlier(
  ctx: JourneyContext,
  client: PayClient,
  existing: PaymentRecord,
): Promise<EarlierRead> {
  const read = await readJourneyPayment(ctx, client, existing);
  if (!read.ok) return { status: read.error.status === 404 ? 404 : 'other' };
  const classification = classifyPayment(read.payment.state);
  if (classification.final) await ctx.settler.settle(read.payment, classification, 'start');
  return { payment: read.payment, classification };
}

function earlierFacts(
  ctx: JourneyContext,
  earlier: EarlierRead | undefined,
  details: PaymentDetails,
): EarlierPayment {
  if (earlier === undefined) return { kind: 'none' };
  if ('status' in earlier) return { kind: earlier.status === 404 ? 'not_found' : 'unreadable' };
  const { payment, classification } = earlier;
  const sameReference = payment.reference === details.reference;
  return {
    kind: 'read',
    classification,
    sameReference,
    sameThing: sameReference && payment.amount === details.amount,
    resumable:
      serialiseNextUrl(payment._links.next_url?.href, ctx.config.isAllowedNextUrl) !== undefined,
  };
}

async function createNew(
  ctx: JourneyContext,
  client: PayClient,
  accountId: string,
  details: PaymentDetails,
  mountPath: string,
): Promise<StartPlan> {
  const returnId = ctx.config.match === 'return-id' ? newReturnId() : undefined;
  const request: CreatePaymentRequest = {
    ...details,
    return_url: `${ctx.config.publicOrigin}${mountPath}/return${returnId === undefined ? '' : `/${returnId}`}`,
  };

  let payment: Payment;
  try {
    payment = await client.createPayment(request);
  } catch (err) {
    if (!isUnavailable(err)) throw err;
    ctx.logger.error(describePayError(err), 'govuk-pay-express: could not create the payment');
    return startFailed();
  }

  const record: PaymentRecord = {
    paymentId: payment.payment_id,
    selfHref: payment._links.self.href,
    reference: payment.reference,
    amount: payment.amount,
    createdAt: parseCreatedDate(payment.created_date) ?? ctx.config.now(),
    accountId,
    journey: ctx.settler.journey,
  };
  try {
    // Recorded before the citizen can pay, so reconciliation always knows of the payment.
    await ctx.store.savePending(record, PENDING_TTL_MS);
    if (returnId !== undefined) await ctx.store.saveReturnId(returnId, record, RETURN_ID_TTL_MS);
  } catch (err) {
    // Unrecorded, a payment paid later would never be settled: it must not stay payable.
    ctx.logger.error(
      { payment: ctx.fingerprint(record.paymentId), error: errorName(err) },
      'govuk-pay-express: the store could not record the new payment; cancelling it',
    );
    await cancelAtGovukPay(ctx, client, record.paymentId);
    return startFailed();
  }
  ctx.logger.info(
    { payment: ctx.fingerprint(record.paymentId) },
    'govuk-pay-express: payment created',
  );

  const location = serialiseNextUrl(payment._links.next_url?.href, ctx.config.isAllowedNextUrl);
  if (location !== undefined) return { kind: 'redirect', location, record };
  // Nobody can pay it now, so it must not linger as payable.
  await cancelAtGovukPay(ctx, client, record.paymentId);
  const nextUrl = payment._links.next_url?.href;
  throw new Error(
    `govuk-pay-express: GOV.UK Pay's next_url ${nextUrl === undefined ? 'is missing' : `is on ${hostOf(nextUrl)}, which is not in nextUrlHosts, or is not a well-formed URL; add the host to nextUrlHosts if it is a GOV.UK Pay (or simulator) host`}`,
  );
}

/** GOV.UK Pay down, slow, overloaded or garbled: "try again later", not a bug to surface. */
function isUnavailable(err: unknown): err is PayError {
  return (
    err instanceof PayConnectionError ||
    err instanceof PayServerError ||
    err instanceof PayRateLimitError ||
    err instanceof PayResponseError
  );
}

function startFailed(): StartPlan {
  return { kind: 'outcome', result: startFailedResult() };
}

function parseCreatedDate(value: string): number | undefined {
  const time = Date.parse(value);
  return Number.isFinite(time) ? time : undefined;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an unparseable URL';
  }
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
