'use strict';

const { rateLimit, ipKeyGenerator } = require('express-rate-limit');

/**
 * Limits on `POST /payment/start`. Each start may create a GOV.UK Pay payment, and GOV.UK Pay
 * allows an account 15 POSTs a second across all its citizens: a script pressing Pay in a loop
 * would use up the service's budget and fill its reports with abandoned payments. A citizen
 * retrying a declined card a few times stays well inside these.
 */
const DEFAULT_PAY_START_LIMITS = Object.freeze({
  windowMs: 60 * 1000,
  perSession: 10,
  perClient: 30,
});

/** One limit, answering with a GOV.UK-styled page in the citizen's language. */
function limiter({ name, windowMs, limit, keyGenerator }) {
  return rateLimit({
    windowMs,
    limit,
    identifier: name,
    // The IETF draft's RateLimit and RateLimit-Policy headers, one entry per limit, and
    // Retry-After on a 429; not the older X-RateLimit-* ones.
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    requestPropertyName: `rateLimit_${name.replace(/\W/g, '_')}`,
    keyGenerator,
    handler(req, res) {
      const t = res.locals.t;
      res.set('Cache-Control', 'no-store');
      res.status(429).render('error.njk', {
        title: t('error.tooManyStarts.title'),
        text: t('error.tooManyStarts.text'),
        linkHref: '/check-answers',
        linkText: t('missing.checkAnswers'),
      });
    },
  });
}

/**
 * Two limits in a row: per session, so one citizen cannot loop, and per client IP address (a
 * /56 for IPv6, so one household's addresses count together), so a script that drops its
 * session cookie cannot either. Mount after the session middleware.
 *
 * @param {{ windowMs?: number, perSession?: number, perClient?: number }} [limits]
 */
function payStartRateLimits(limits = {}) {
  const { windowMs, perSession, perClient } = { ...DEFAULT_PAY_START_LIMITS, ...limits };
  return [
    limiter({
      name: 'pay-start-client',
      windowMs,
      limit: perClient,
      keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
    }),
    limiter({
      name: 'pay-start-session',
      windowMs,
      limit: perSession,
      // A request with no session yet gets a fresh id, so only the client limit holds it.
      keyGenerator: (req) => req.sessionID,
    }),
  ];
}

module.exports = { payStartRateLimits, DEFAULT_PAY_START_LIMITS };
