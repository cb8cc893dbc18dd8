'use strict';

const express = require('express');
const {
  PRICES,
  PERMIT_LENGTHS,
  newApplicationReference,
  checkVehicleRegistration,
  checkPermitLength,
} = require('./permits.js');
const { formatPence, translate } = require('./i18n.js');

function isComplete(application) {
  return Boolean(application && application.vehicleRegistration && application.months);
}

function noStore(_req, res, next) {
  // Pages with the citizen's answers or payment must not be kept by the browser or a proxy.
  res.set('Cache-Control', 'no-store');
  next();
}

/**
 * The citizen's side of the service: start, questions, check answers and the confirmation page.
 * The application lives in the citizen's session; the permit office's records in `orders`.
 */
function citizenRoutes({ orders, payStartUrl }) {
  const router = express.Router();
  const isPaid = (application) =>
    Boolean(application && orders.get(application.reference)?.permitNumber);

  function ensureApplication(req) {
    if (!req.session.application) {
      req.session.application = { reference: newApplicationReference() };
    }
    return req.session.application;
  }

  router.use(noStore);

  router.get('/', (req, res) => {
    res.render('start.njk', {
      priceList: PERMIT_LENGTHS.map((months) =>
        res.locals.t('length.option', { months, price: formatPence(PRICES[months]) }),
      ),
    });
  });

  router.get('/vehicle-registration', (req, res) => {
    const application = ensureApplication(req);
    if (isPaid(application)) return res.redirect(303, '/confirmation');
    return res.render('vehicle-registration.njk', {
      value: application.vehicleRegistration,
      backUrl: '/',
    });
  });

  router.post('/vehicle-registration', (req, res) => {
    const application = ensureApplication(req);
    if (isPaid(application)) return res.redirect(303, '/confirmation');
    const checked = checkVehicleRegistration((req.body ?? {}).vehicleRegistration);
    if (checked.error) {
      const error = res.locals.t(checked.error);
      return res.status(400).render('vehicle-registration.njk', {
        value: (req.body ?? {}).vehicleRegistration,
        backUrl: '/',
        error,
        errorList: [{ text: error, href: '#vehicle-registration' }],
      });
    }
    application.vehicleRegistration = checked.value;
    return res.redirect(303, application.months ? '/check-answers' : '/permit-length');
  });

  function lengthItems(res, selected) {
    return PERMIT_LENGTHS.map((months) => ({
      value: String(months),
      text: res.locals.t('length.option', { months, price: formatPence(PRICES[months]) }),
      checked: selected === months,
    }));
  }

  router.get('/permit-length', (req, res) => {
    const application = ensureApplication(req);
    if (isPaid(application)) return res.redirect(303, '/confirmation');
    if (!application.vehicleRegistration) return res.redirect(303, '/vehicle-registration');
    return res.render('permit-length.njk', { items: lengthItems(res, application.months) });
  });

  router.post('/permit-length', (req, res) => {
    const application = ensureApplication(req);
    if (isPaid(application)) return res.redirect(303, '/confirmation');
    const checked = checkPermitLength((req.body ?? {}).months);
    if (checked.error) {
      const error = res.locals.t(checked.error);
      return res.status(400).render('permit-length.njk', {
        items: lengthItems(res, undefined),
        error,
        errorList: [{ text: error, href: '#permit-length' }],
      });
    }
    application.months = checked.value;
    return res.redirect(303, '/check-answers');
  });

  router.get('/check-answers', (req, res) => {
    const application = req.session.application;
    if (!isComplete(application)) return res.redirect(303, '/vehicle-registration');
    if (isPaid(application)) return res.redirect(303, '/confirmation');
    return res.render('check-answers.njk', {
      application,
      price: formatPence(PRICES[application.months]),
      payStartUrl,
    });
  });

  router.get('/confirmation', (req, res) => {
    const application = req.session.application;
    const order = application && orders.get(application.reference);
    if (!order || !order.permitNumber) return res.redirect(303, '/check-answers');
    return res.render('confirmation.njk', {
      reference: order.reference,
      amount: formatPence(order.amountPaid),
      order,
    });
  });

  router.post('/new-application', (req, res) => {
    delete req.session.application;
    res.redirect(303, '/vehicle-registration');
  });

  return router;
}

/**
 * Runs before the journey's own `POST /start`: only a complete, unpaid application may be paid
 * for. "Try again" on a failure page comes through here too.
 */
function payStartGuard({ orders }) {
  return (req, res, next) => {
    const application = req.session.application;
    if (!isComplete(application)) return res.redirect(303, '/vehicle-registration');
    if (orders.get(application.reference)?.permitNumber) return res.redirect(303, '/confirmation');
    return next();
  };
}

/**
 * The journey's `createPayment`: amount, reference and description come from the session and the
 * price list on the server, never from the request body.
 */
function createPaymentDetails({ orders }) {
  return (req) => {
    const application = req.session.application;
    if (!isComplete(application)) throw new Error('demo-app: no complete application to pay for');
    const lang = req.session.lang === 'cy' ? 'cy' : 'en';
    const amount = PRICES[application.months];
    orders.open(application, amount);
    return {
      amount,
      reference: application.reference,
      description: translate(lang, 'payment.description', { months: application.months }),
      language: lang,
      // What the payment buys travels with it: onSettled issues the permit from these, not
      // from the session, which the citizen can change after paying.
      metadata: {
        permit_months: application.months,
        vehicle_registration: application.vehicleRegistration,
      },
    };
  };
}

const FAILED_REASONS = new Set(['declined', 'expired', 'cancelled_by_user']);

/** The pages the citizen sees on coming back from GOV.UK Pay. They only render; `onSettled` fulfils. */
function outcomePages({ orders }) {
  const render = (res, status, view, locals) => {
    res.set('Cache-Control', 'no-store');
    res.status(status).render(view, { payStartUrl: '/payment/start', ...locals });
  };
  const errorPage = (req, res, result) => {
    const t = res.locals.t;
    if (result.reason === 'start_failed') {
      return render(res, 503, 'error.njk', {
        title: t('error.startFailed.title'),
        text: t('error.startFailed.text'),
        linkHref: '/check-answers',
        linkText: t('missing.checkAnswers'),
      });
    }
    return render(res, 200, 'error.njk', {
      title: t('error.provider.title'),
      text: t('error.provider.text'),
      retry: true,
    });
  };

  return {
    success(req, res, result) {
      const { payment } = result;
      render(res, 200, 'confirmation.njk', {
        reference: payment.reference,
        amount: formatPence(payment.amount),
        order: orders.get(payment.reference),
      });
    },
    failed(req, res, result) {
      if (!FAILED_REASONS.has(result.reason)) return errorPage(req, res, result);
      const t = res.locals.t;
      return render(res, 200, 'payment-failed.njk', {
        title: t(`failed.${result.reason}.title`),
        text: t(`failed.${result.reason}.text`),
      });
    },
    cancelled(req, res) {
      render(res, 200, 'service-cancelled.njk', {});
    },
    error: errorPage,
    unconfirmed(req, res) {
      // The citizen may have paid: this page must never read as a failure or offer to pay again.
      render(res, 503, 'unconfirmed.njk', {
        returnUrl: req.method === 'GET' ? req.originalUrl : '/check-answers',
      });
    },
    missing(req, res) {
      render(res, 400, 'missing.njk', {});
    },
  };
}

module.exports = { citizenRoutes, payStartGuard, createPaymentDetails, outcomePages };
