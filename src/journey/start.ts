import { randomBytes } from 'node:crypto';
import type { Request } from 'express';
import {
  PayConnectionError,
  PayRateLimitError,
  PayResponseError,
  PayServerError,
} from '../client/index.js';
import type { PayClient, PayError } from '../client/index.js';
import type { CreatePaymentRequest, Payment } from '../client/types.js';
import type { PaymentRecord } from '../store/types.js';
import { cancelIfUnfinished } from './cancel.js';
import { classifyPayment } from './classify.js';
import { PENDING_TTL_MS, RETURN_ID_TTL_MS } from './context.js';
import type { JourneyContext } from './context.js';
import { describePayError, readPayment, settleAndShow } from './observe.js';
import type { PaymentDetails } from './options.js';
import type { PaymentResult } from './result.js';

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
 * Starts a payment, or resumes the one already in the citizen's cookie. A GOV.UK Pay failure
 * gives the `error` outcome with reason `start_failed`, and a payment is never created twice:
 * the create is not retried, and an unfinished payment for the same thing is resumed.
 */
export async function planStart(
  ctx: JourneyContext,
  req: Request,
  details: PaymentDetails,
  existing: PaymentRecord | undefined,
  mountPath: string,
): Promise<StartPlan> {
  const { client, accountId } = ctx.clients.forRequest(req);

  if (existing !== undefined && (existing.accountId ?? accountId) === accountId) {
    const earlier = await planForExisting(ctx, client, existing, details);
    if (earlier !== undefined) return earlier;
  }

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
  };
  // Recorded before anything else can fail, so reconciliation always knows of the payment.
  await ctx.store.savePending(record, PENDING_TTL_MS);
  if (returnId !== undefined) await ctx.store.saveReturnId(returnId, record, RETURN_ID_TTL_MS);
  ctx.logger.info(
    { payment: ctx.fingerprint(record.paymentId) },
    'govuk-pay-express: payment created',
  );

  return { kind: 'redirect', location: await checkedNextUrl(ctx, client, payment), record };
}

/**
 * Decides what an earlier payment in the cookie means for a new start: resume it, show its
 * outcome, or clear the way (cancelling it if unfinished) for a new one. Undefined means create.
 */
async function planForExisting(
  ctx: JourneyContext,
  client: PayClient,
  existing: PaymentRecord,
  details: PaymentDetails,
): Promise<StartPlan | undefined> {
  const read = await readPayment(ctx, client, existing);
  if (!read.ok) {
    // A cookie from elsewhere (another environment, a purged payment) does not block a new start.
    if (read.error.status === 404) return undefined;
    // Unreadable, it may still be paid: creating another could charge the citizen twice.
    return startFailed();
  }
  const { payment } = read;
  const classification = classifyPayment(payment.state);
  const sameThing = existing.reference === details.reference && existing.amount === details.amount;

  if (classification.outcome === 'pending') {
    const nextUrl = payment._links.next_url?.href;
    if (sameThing && nextUrl !== undefined && ctx.config.isAllowedNextUrl(nextUrl)) {
      ctx.logger.info(
        { payment: ctx.fingerprint(existing.paymentId) },
        'govuk-pay-express: resuming the unfinished payment',
      );
      return { kind: 'redirect', location: nextUrl, record: existing };
    }
    // Another amount or reference: the old payment must not stay payable alongside the new one.
    return (await cancelIfUnfinished(ctx, client, existing)) ? undefined : startFailed();
  }
  if (!classification.settles) return startFailed();
  if (sameThing && classification.outcome === 'success') {
    // Already paid for this very thing: show that, rather than take the money again.
    return { kind: 'outcome', result: await settleAndShow(ctx, payment, classification) };
  }
  return undefined;
}

async function checkedNextUrl(
  ctx: JourneyContext,
  client: PayClient,
  payment: Payment,
): Promise<string> {
  const nextUrl = payment._links.next_url?.href;
  if (nextUrl !== undefined && ctx.config.isAllowedNextUrl(nextUrl)) return nextUrl;
  // Nobody can pay it now, so it must not linger as payable.
  await cancelIfUnfinished(ctx, client, {
    paymentId: payment.payment_id,
    selfHref: payment._links.self.href,
    reference: payment.reference,
    amount: payment.amount,
    createdAt: 0,
  });
  throw new Error(
    `govuk-pay-express: GOV.UK Pay's next_url ${nextUrl === undefined ? 'is missing' : `is on ${hostOf(nextUrl)}, which is not in nextUrlHosts; add it there if it is a GOV.UK Pay (or simulator) host`}`,
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
  return {
    kind: 'outcome',
    result: { outcome: 'error', reason: 'start_failed', firstVisit: true, source: 'return' },
  };
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
