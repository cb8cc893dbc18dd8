'use strict';

const { createHash, randomBytes, timingSafeEqual } = require('node:crypto');
const helmet = require('helmet');

/** Compares two strings in time that depends on neither: hashing first evens out the lengths. */
function constantTimeEqual(a, b) {
  const left = createHash('sha256').update(String(a)).digest();
  const right = createHash('sha256').update(String(b)).digest();
  return timingSafeEqual(left, right);
}

/**
 * A fresh nonce for each response, for the one inline script of govuk-frontend's template
 * (`cspNonce` in layout.njk). 128 random bits, so a page cannot guess the next response's.
 */
function assignCspNonce(req, res, next) {
  res.locals.cspNonce = randomBytes(16).toString('base64');
  next();
}

/**
 * helmet with a strict Content Security Policy: scripts and styles only from this origin, and no
 * inline script but the one that carries this response's nonce. `form-action` must also allow
 * GOV.UK Pay, because browsers apply it to the redirect that follows the "Continue to payment"
 * form.
 */
function securityHeaders({ publicUrl, paymentOrigins }) {
  const https = new URL(publicUrl).protocol === 'https:';
  const policy = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'", (req, res) => `'nonce-${res.locals.cspNonce}'`],
        'style-src': ["'self'"],
        'img-src': ["'self'"],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'manifest-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'frame-ancestors': ["'none'"],
        'form-action': ["'self'", ...paymentOrigins],
        ...(https ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    // HSTS means nothing over http and would only confuse a local run.
    strictTransportSecurity: https ? { maxAge: 31536000, includeSubDomains: true } : false,
  });
  return [assignCspNonce, policy];
}

/**
 * True when a state-changing request came from this service's own pages: Fetch Metadata where
 * the browser sends it, else the Origin header.
 */
function isSameOrigin(req, publicOrigin) {
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site === 'same-origin';
  const origin = req.get('origin');
  return origin === undefined || origin === publicOrigin;
}

/** A per-session token for the admin forms. */
function csrfToken(session) {
  if (typeof session.csrfToken !== 'string')
    session.csrfToken = randomBytes(32).toString('base64url');
  return session.csrfToken;
}

function checkCsrf(req, publicOrigin) {
  const expected = req.session && req.session.csrfToken;
  const given = req.body && req.body._csrf;
  return (
    isSameOrigin(req, publicOrigin) &&
    typeof expected === 'string' &&
    typeof given === 'string' &&
    constantTimeEqual(given, expected)
  );
}

/** HTTP Basic authentication against one password. The user name is not checked. */
function basicAuth(password, realm) {
  return (req, res, next) => {
    const header = req.get('authorization') || '';
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
    const decoded = match ? Buffer.from(match[1], 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    const given = colon === -1 ? '' : decoded.slice(colon + 1);
    // Compare even when nothing was given, so a missing header takes as long as a wrong one.
    const ok = constantTimeEqual(given, password) && colon !== -1;
    if (ok) return next();
    res.set('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    res.set('Cache-Control', 'no-store');
    return res.status(401).type('text/plain').send('Sign in to see payments.');
  };
}

module.exports = {
  constantTimeEqual,
  securityHeaders,
  isSameOrigin,
  csrfToken,
  checkCsrf,
  basicAuth,
};
