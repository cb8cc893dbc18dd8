'use strict';

const { URLSearchParams } = require('node:url');
const express = require('express');
const { PayError, PayNotFoundError, refundable } = require('govuk-pay-express');
const { formatPence, translate } = require('./i18n.js');
const { basicAuth, checkCsrf, csrfToken } = require('./security.js');

const PAGE_SIZE = 20;
const STATES = ['created', 'started', 'submitted', 'success', 'failed', 'cancelled', 'error'];
// GOV.UK Pay payment ids are 26 lower-case letters and digits; allow a little more, refuse the rest.
const PAYMENT_ID = /^[A-Za-z0-9]{1,64}$/;

/** `YYYY-MM-DDT00:00:00Z`, the only date form GOV.UK Pay's search accepts. */
function utcMidnight(date) {
  return `${date.toISOString().slice(0, 10)}T00:00:00Z`;
}

/** Reads one day/month/year group of the search form. */
function readDate(query, prefix, label, errors) {
  const parts = ['day', 'month', 'year'].map((part) =>
    String(query[`${prefix}-${part}`] ?? '').trim(),
  );
  const [day, month, year] = parts;
  const given = { day, month, year };
  if (parts.every((part) => part === '')) return { given };
  if (parts.some((part) => part === '')) {
    errors.push({ text: `${label} must include a day, month and year`, href: `#${prefix}-day` });
    return { given, invalid: true };
  }
  const numbers = parts.map(Number);
  const date = new Date(Date.UTC(numbers[2], numbers[1] - 1, numbers[0]));
  const real =
    parts.every((part) => /^\d+$/.test(part)) &&
    year.length === 4 &&
    date.getUTCFullYear() === numbers[2] &&
    date.getUTCMonth() === numbers[1] - 1 &&
    date.getUTCDate() === numbers[0];
  if (!real) {
    errors.push({ text: `${label} must be a real date`, href: `#${prefix}-day` });
    return { given, invalid: true };
  }
  return { given, date };
}

/** Turns the search form into a GOV.UK Pay query, or a list of errors to show. */
function readFilters(query) {
  const errors = [];
  const from = readDate(query, 'from', 'Date from', errors);
  const to = readDate(query, 'to', 'Date to', errors);
  const state = STATES.includes(query.state) ? query.state : '';
  const page = /^[1-9]\d{0,5}$/.test(String(query.page ?? '')) ? Number(query.page) : 1;
  if (from.date && to.date && from.date > to.date) {
    errors.push({ text: 'Date to must be the same as or after date from', href: '#to-day' });
  }
  const search = {
    ...(from.date ? { from_date: utcMidnight(from.date) } : {}),
    // `to_date` is exclusive: searching up to a day means up to the start of the next one.
    ...(to.date ? { to_date: utcMidnight(new Date(to.date.getTime() + 86_400_000)) } : {}),
    ...(state ? { state } : {}),
  };
  const params = new URLSearchParams();
  for (const prefix of ['from', 'to']) {
    const given = prefix === 'from' ? from.given : to.given;
    for (const part of ['day', 'month', 'year']) {
      if (given[part]) params.set(`${prefix}-${part}`, given[part]);
    }
  }
  if (state) params.set('state', state);
  return { errors, search, page, state, from: from.given, to: to.given, params };
}

function formatDate(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString('en-GB', {
    timeZone: 'Europe/London',
    dateStyle: 'medium',
    timeStyle: 'short',
  });
}

function stateTag(state) {
  const colours = {
    success: 'govuk-tag--green',
    failed: 'govuk-tag--red',
    error: 'govuk-tag--red',
    cancelled: 'govuk-tag--grey',
    capturable: 'govuk-tag--yellow',
  };
  return { text: state.status, classes: colours[state.status] ?? 'govuk-tag--blue' };
}

// Cells that a spreadsheet would run as a formula are prefixed, so an export cannot attack its reader.
function csvCell(value) {
  let text = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const CSV_COLUMNS = [
  ['payment_id', (p) => p.payment_id],
  ['created_date', (p) => p.created_date],
  ['reference', (p) => p.reference],
  ['description', (p) => p.description],
  ['amount_gbp', (p) => (p.amount / 100).toFixed(2)],
  ['status', (p) => p.state.status],
  ['code', (p) => p.state.code],
  ['language', (p) => p.language],
  ['card_brand', (p) => p.card_details?.card_brand],
  ['last_digits', (p) => p.card_details?.last_digits_card_number],
  ['refund_status', (p) => p.refund_summary?.status],
  [
    'refunded_gbp',
    (p) => (p.refund_summary ? (p.refund_summary.amount_submitted / 100).toFixed(2) : ''),
  ],
];

/** What GOV.UK Pay said, in words for the member of staff using this page. */
function describePayError(err, action) {
  if (err.code === 'P0604') {
    return 'The amount available to refund has changed since this page was loaded. Check the refunds below and try again.';
  }
  const detail = err.description || err.message;
  return `Could not ${action}: ${detail}${err.code ? ` (${err.code})` : ''}`;
}

/** Pounds as typed (e.g. "5" or "5.50") to pence, or undefined. */
function poundsToPence(input) {
  const text = String(input ?? '')
    .trim()
    .replace(/^£/, '');
  if (!/^\d{1,6}(\.\d{1,2})?$/.test(text)) return undefined;
  const [pounds, pence = ''] = text.split('.');
  return Number(pounds) * 100 + Number(pence.padEnd(2, '0'));
}

/**
 * The payments admin: search with pagination, CSV export, refunds and cancelling an unfinished
 * payment, all through the journey's `PayClient`. Behind HTTP Basic authentication; its forms
 * carry a per-session CSRF token, since a browser replays Basic credentials on any request.
 */
function adminRoutes({ password, client, publicOrigin, logger }) {
  const router = express.Router();

  router.use(basicAuth(password, 'Payments admin'));
  router.use((req, res, next) => {
    res.set('Cache-Control', 'no-store');
    res.locals.lang = 'en';
    res.locals.t = (key, params) => translate('en', key, params);
    res.locals.languageLinks = undefined;
    res.locals.serviceName = 'Parking permits: payments admin';
    res.locals.serviceUrl = '/admin/payments';
    res.locals.wide = true;
    res.locals.csrfToken = csrfToken(req.session);
    next();
  });

  router.get('/', (req, res) => res.redirect(303, '/admin/payments'));

  router.get('/payments', async (req, res) => {
    const filters = readFilters(req.query);
    const locals = {
      filters,
      states: STATES,
      errorList: filters.errors,
      csvUrl: `/admin/payments.csv?${filters.params}`,
    };
    if (filters.errors.length > 0) return res.status(400).render('admin/payments.njk', locals);

    const found = await client.searchPayments({
      ...filters.search,
      page: filters.page,
      display_size: PAGE_SIZE,
    });
    const pages = Math.max(1, Math.ceil(found.total / PAGE_SIZE));
    const pageUrl = (page) => {
      const params = new URLSearchParams(filters.params);
      params.set('page', String(page));
      return `/admin/payments?${params}`;
    };
    return res.render('admin/payments.njk', {
      ...locals,
      total: found.total,
      page: filters.page,
      pages,
      rows: found.results.map((payment) => [
        { text: formatDate(payment.created_date) },
        { text: payment.reference },
        { text: formatPence(payment.amount), format: 'numeric' },
        {
          html: `<strong class="govuk-tag ${stateTag(payment.state).classes}">${escapeHtml(payment.state.status)}</strong>`,
        },
        {
          html: `<a class="govuk-link" href="/admin/payments/${encodeURIComponent(payment.payment_id)}">View<span class="govuk-visually-hidden"> payment ${escapeHtml(payment.reference)}</span></a>`,
        },
      ]),
      pagination: {
        ...(filters.page > 1 ? { previous: { href: pageUrl(filters.page - 1) } } : {}),
        ...(filters.page < pages ? { next: { href: pageUrl(filters.page + 1) } } : {}),
      },
    });
  });

  router.get('/payments.csv', async (req, res) => {
    const filters = readFilters(req.query);
    if (filters.errors.length > 0) {
      return res
        .status(400)
        .type('text/plain')
        .send(filters.errors.map((e) => e.text).join('\n'));
    }
    res.type('text/csv; charset=utf-8');
    res.attachment('payments.csv');
    res.write(`${CSV_COLUMNS.map(([name]) => name).join(',')}\r\n`);
    try {
      for await (const payment of client.allPayments(filters.search)) {
        res.write(`${CSV_COLUMNS.map(([, read]) => csvCell(read(payment))).join(',')}\r\n`);
      }
    } catch (err) {
      // Headers are gone; cut the connection so a partial export can never pass for a whole one.
      logger.error(
        { err: err instanceof PayError ? err.toJSON() : String(err) },
        'CSV export failed',
      );
      return res.destroy();
    }
    return res.end();
  });

  async function renderPayment(req, res, extra = {}) {
    const paymentId = req.params.paymentId;
    let payment;
    try {
      payment = await client.getPayment(paymentId);
    } catch (err) {
      if (err instanceof PayNotFoundError) return res.status(404).render('not-found.njk');
      throw err;
    }
    const refunds = payment._links.refunds
      ? (await client.getRefunds(paymentId))._embedded.refunds
      : [];
    const available = refundable(payment);
    const notice = req.session.adminNotice;
    delete req.session.adminNotice;
    return res.status(extra.status ?? 200).render('admin/payment.njk', {
      payment,
      amount: formatPence(payment.amount),
      created: formatDate(payment.created_date),
      tag: stateTag(payment.state),
      refunds: refunds.map((refund) => [
        { text: formatDate(refund.created_date) },
        { text: formatPence(refund.amount), format: 'numeric' },
        { text: refund.status },
      ]),
      available,
      availableText: formatPence(available),
      refundSummary: payment.refund_summary,
      canCancel: !payment.state.finished,
      notice,
      errorList: extra.errors ?? [],
      values: extra.values ?? {},
      refundError: extra.refundError,
    });
  }

  router.param('paymentId', (req, res, next, paymentId) => {
    if (!PAYMENT_ID.test(paymentId)) return res.status(404).render('not-found.njk');
    return next();
  });

  router.get('/payments/:paymentId', (req, res) => renderPayment(req, res));

  function refuseForgery(req, res) {
    if (checkCsrf(req, publicOrigin)) return false;
    res
      .status(403)
      .type('text/plain')
      .send('This form has expired. Go back, reload the page and try again.');
    return true;
  }

  router.post('/payments/:paymentId/refund', async (req, res) => {
    if (refuseForgery(req, res)) return undefined;
    const body = req.body ?? {};
    const available = Number(body.refundAmountAvailable);
    const values = { type: body.refundType, amount: body.amount };
    // The message goes by the field that was in play, which is where the page shows it.
    const href = values.type === 'partial' ? '#refund-amount' : '#refund-type';
    const fail = (text) =>
      renderPayment(req, res, { status: 400, values, refundError: text, errors: [{ text, href }] });

    if (!Number.isSafeInteger(available) || available <= 0) {
      return fail('This payment cannot be refunded');
    }
    let amount;
    if (body.refundType === 'full') amount = available;
    else if (body.refundType === 'partial') {
      amount = poundsToPence(body.amount);
      if (amount === undefined || amount <= 0) {
        return fail('Enter the amount to refund in pounds, for example 5.00');
      }
      if (amount > available) {
        return fail(`The refund must be ${formatPence(available)} or less`);
      }
    } else {
      return fail('Select a full or partial refund');
    }

    try {
      const refund = await client.refundPayment(req.params.paymentId, {
        amount,
        refund_amount_available: available,
      });
      req.session.adminNotice = `Refund of ${formatPence(refund.amount)} ${refund.status === 'success' ? 'made' : 'submitted'}`;
    } catch (err) {
      if (!(err instanceof PayError)) throw err;
      return fail(describePayError(err, 'refund'));
    }
    return res.redirect(303, `/admin/payments/${encodeURIComponent(req.params.paymentId)}`);
  });

  router.post('/payments/:paymentId/cancel', async (req, res) => {
    if (refuseForgery(req, res)) return undefined;
    try {
      await client.cancelPayment(req.params.paymentId);
      req.session.adminNotice = 'Payment cancelled';
    } catch (err) {
      if (!(err instanceof PayError)) throw err;
      const text = describePayError(err, 'cancel the payment');
      return renderPayment(req, res, { status: 400, errors: [{ text, href: '#cancel-payment' }] });
    }
    return res.redirect(303, `/admin/payments/${encodeURIComponent(req.params.paymentId)}`);
  });

  return router;
}

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

module.exports = { adminRoutes, readFilters, csvCell, poundsToPence };
