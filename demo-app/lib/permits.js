'use strict';

const { randomInt } = require('node:crypto');

/** Permit lengths on offer, in months, and their prices in pence. Prices are set here, never by the form. */
const PRICES = Object.freeze({ 3: 2600, 6: 4800, 12: 9000 });
const PERMIT_LENGTHS = Object.freeze(Object.keys(PRICES).map(Number));

// Crockford-style alphabet: no I, L, O or U, so references read back clearly over the phone.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function randomCode(length) {
  let code = '';
  for (let i = 0; i < length; i += 1) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/** A reference unique to one application, kept across every payment attempt for it. */
function newApplicationReference() {
  return `RPP-${randomCode(10)}`;
}

function newPermitNumber() {
  return `PERMIT-${randomCode(8)}`;
}

/**
 * Checks a vehicle registration number as typed. Returns the normalised number, or the i18n key
 * of the error to show.
 */
function checkVehicleRegistration(input) {
  const raw = typeof input === 'string' ? input.trim() : '';
  if (raw === '') return { error: 'vehicle.errorEmpty' };
  if (!/^[A-Za-z0-9 ]+$/.test(raw)) return { error: 'vehicle.errorFormat' };
  const compact = raw.replace(/\s+/g, '').toUpperCase();
  if (compact.length < 2 || compact.length > 8) return { error: 'vehicle.errorLength' };
  return { value: raw.replace(/\s+/g, ' ').toUpperCase() };
}

function checkPermitLength(input) {
  const months = Number(input);
  if (typeof input !== 'string' || !PERMIT_LENGTHS.includes(months)) {
    return { error: 'length.errorEmpty' };
  }
  return { value: months };
}

/**
 * The permit that a payment paid for, read from the payment as GOV.UK Pay reports it: its
 * length from `metadata.permit_months`, checked against the price list. Never from the
 * citizen's session, which may have changed since the payment was made.
 *
 * @returns {{ months: number, vehicleRegistration?: string } | { error: string }}
 */
function permitPaidFor(payment) {
  const metadata = payment.metadata ?? {};
  const months = metadata.permit_months;
  if (typeof months !== 'number' || !PERMIT_LENGTHS.includes(months)) {
    return { error: 'no permit length on offer in the payment metadata' };
  }
  if (payment.amount !== PRICES[months]) {
    return { error: "the amount paid is not that permit's price" };
  }
  const vehicle = metadata.vehicle_registration;
  return {
    months,
    ...(typeof vehicle === 'string' ? { vehicleRegistration: vehicle } : {}),
  };
}

/**
 * The permit office's records, in memory: one order per application reference. A real service
 * would use its database. Fulfilment happens in `settle`, called from the journey's `onSettled`.
 * The library settles each finished payment once, but after an interrupted attempt (a crash, a
 * lost lease) it settles it again with `attempt > 1`, so `settle` is idempotent on the payment id.
 */
function createOrderBook({ logger }) {
  const orders = new Map();
  /** Every onSettled call, in order: what the browser tests count. */
  const settlements = [];
  /** Payment ids already settled: a retried attempt finds its payment here and does nothing. */
  const settledPayments = new Set();

  function orderFor(reference) {
    let order = orders.get(reference);
    if (order === undefined) {
      order = { reference, attempts: [], duplicatePayments: [], mismatchedPayments: [] };
      orders.set(reference, order);
    }
    return order;
  }

  /** Records the citizen's current answers. They say what to charge, never what was paid for. */
  function open(application, amount) {
    const order = orderFor(application.reference);
    order.vehicleRegistration = application.vehicleRegistration;
    order.months = application.months;
    order.amount = amount;
    return order;
  }

  function settle(result) {
    const { payment, attempt } = result;
    const { reference } = payment;
    settlements.push({
      reference,
      paymentId: payment.payment_id,
      outcome: result.outcome,
      reason: result.reason,
      source: result.source,
      attempt,
    });
    if (attempt > 1) {
      logger.warn({ reference, attempt }, 'settling a payment again after an interrupted attempt');
    }
    if (settledPayments.has(payment.payment_id)) return;

    const order = orderFor(reference);
    order.attempts.push({ outcome: result.outcome, reason: result.reason });
    if (result.outcome === 'success') issuePermit(order, payment);
    // Marked last: a throw above leaves the payment unsettled, for the library to try again.
    settledPayments.add(payment.payment_id);
  }

  function issuePermit(order, payment) {
    const paidFor = permitPaidFor(payment);
    if ('error' in paidFor) {
      // Someone must look at it: refund, or issue by hand. Never guess what was bought.
      order.mismatchedPayments.push(payment.payment_id);
      logger.error(
        { reference: order.reference, amount: payment.amount },
        `payment not fulfilled: ${paidFor.error}`,
      );
      return;
    }
    if (order.permitNumber !== undefined) {
      // The citizen paid twice for one application (two tabs). Issue nothing new: flag a refund.
      order.duplicatePayments.push(payment.payment_id);
      logger.warn({ reference: order.reference }, 'second payment for one permit: refund it');
      return;
    }
    order.permitNumber = newPermitNumber();
    order.permitMonths = paidFor.months;
    order.permitVehicleRegistration = paidFor.vehicleRegistration ?? order.vehicleRegistration;
    order.amountPaid = payment.amount;
    order.paidAt = new Date().toISOString();
    logger.info({ reference: order.reference, months: paidFor.months }, 'permit issued');
  }

  return {
    open,
    settle,
    get: (reference) => orders.get(reference),
    orders,
    settlements,
  };
}

module.exports = {
  PRICES,
  PERMIT_LENGTHS,
  newApplicationReference,
  checkVehicleRegistration,
  checkPermitLength,
  permitPaidFor,
  createOrderBook,
};
