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
 * The permit office's records, in memory: one order per application reference. A real service
 * would use its database. Fulfilment happens in `settle`, called from the journey's `onSettled`,
 * which the library runs exactly once per finished payment.
 */
function createOrderBook({ logger }) {
  const orders = new Map();
  /** Every onSettled call, in order: what the browser tests count. */
  const settlements = [];

  function open(application, amount) {
    const existing = orders.get(application.reference);
    const order = existing ?? {
      reference: application.reference,
      attempts: [],
      duplicatePayments: [],
    };
    order.vehicleRegistration = application.vehicleRegistration;
    order.months = application.months;
    order.amount = amount;
    orders.set(application.reference, order);
    return order;
  }

  function settle(result) {
    const { payment } = result;
    settlements.push({
      reference: payment.reference,
      paymentId: payment.payment_id,
      outcome: result.outcome,
      reason: result.reason,
      source: result.source,
    });
    const order = orders.get(payment.reference) ?? {
      reference: payment.reference,
      attempts: [],
      duplicatePayments: [],
    };
    orders.set(payment.reference, order);
    order.attempts.push({ outcome: result.outcome, reason: result.reason });
    if (result.outcome !== 'success') return;

    if (order.permitNumber !== undefined) {
      // The citizen paid twice for one application (two tabs). Issue nothing new: flag a refund.
      order.duplicatePayments.push(payment.payment_id);
      logger.warn({ reference: payment.reference }, 'second payment for one permit: refund it');
      return;
    }
    order.permitNumber = newPermitNumber();
    order.amountPaid = payment.amount;
    order.paidAt = new Date().toISOString();
    logger.info({ reference: payment.reference }, 'permit issued');
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
  createOrderBook,
};
