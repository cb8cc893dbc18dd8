'use strict';

// "Pay for a resident parking permit": a small GOV.UK service that takes payments through
// govuk-pay-express, used exactly as the README tells a service team to use it.
//
//   npm start                                  offline: the embedded GOV.UK Pay simulator
//   GOVUK_PAY_API_KEY=api_test_... npm start   GOV.UK Pay's real test service
//
// Environment: PORT (3000), SIMULATOR_PORT (a free port), DEMO_PUBLIC_URL, DEMO_COOKIE_SECRET
// (random per run), DEMO_ADMIN_PASSWORD (the /admin payments page is off without it),
// REDIS_URL or DATABASE_URL (the journey's state in RedisStore or PostgresStore; the demo's own
// permit orders stay in memory either way), GOVUK_PAY_WEBHOOK_SECRET (with GOVUK_PAY_API_KEY:
// receive GOV.UK Pay's webhooks at /payment/webhooks; the embedded simulator always sends them).

const http = require('node:http');
const path = require('node:path');
const { hkdfSync, randomBytes } = require('node:crypto');
const express = require('express');
const session = require('express-session');
const nunjucks = require('nunjucks');

const { payJourney } = requireLibrary('govuk-pay-express');
const { createSimulator, generateTestApiKey, generateWebhookSecret, TEST_CARDS } = requireLibrary(
  'govuk-pay-express/simulator',
);

/** The package resolves to its own dist/, which `npm run build` makes (`npm start` runs it). */
function requireLibrary(name) {
  try {
    return require(name);
  } catch (err) {
    if (err && err.code === 'MODULE_NOT_FOUND' && /[\\/]dist[\\/]/.test(err.message)) {
      throw new Error(
        `demo-app: ${name} is not built yet; run \`npm run build\` (npm start does it)`,
        {
          cause: err,
        },
      );
    }
    throw err;
  }
}

const { isLanguage, translate, formatPence } = require('./lib/i18n.js');
const { createOrderBook } = require('./lib/permits.js');
const {
  citizenRoutes,
  payStartGuard,
  createPaymentDetails,
  outcomePages,
} = require('./lib/citizen.js');
const { adminRoutes } = require('./lib/admin.js');
const { securityHeaders } = require('./lib/security.js');
const { payStartRateLimits } = require('./lib/rate-limit.js');
const { createDemoStore } = require('./lib/store.js');
const { footerPages } = require('./lib/footer-pages.js');

const GOVUK_PAY_HOSTS = ['*.payments.service.gov.uk'];
const GOVUK_PAY_FORM_ORIGINS = ['https://*.payments.service.gov.uk'];
const MOUNT_PATH = '/payment';
const SESSION_COOKIE_NAME = 'demo_session';
const PAYMENT_COOKIE_NAME = 'govuk_pay';
const GOVUK_FRONTEND = path.join(
  path.dirname(require.resolve('govuk-frontend/package.json')),
  'dist',
);

const silentLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** One secret in the environment, two independent keys: the payment cookie's and the session's. */
function deriveSecret(secret, purpose) {
  return Buffer.from(
    hkdfSync('sha256', secret, '', `govuk-pay-express demo ${purpose}`, 32),
  ).toString('base64url');
}

/**
 * Where the embedded simulator serves its card pages. Like GOV.UK Pay's, they are cross-site to
 * the service: reached at 127.0.0.1, it hands out `next_url`s on localhost, same port. So a
 * `SameSite=Strict` cookie is lost on the way back here, as it would be in production.
 */
function simulatorPagesOrigin(apiOrigin) {
  const url = new URL(apiOrigin);
  if (url.hostname === '127.0.0.1') url.hostname = 'localhost';
  else if (url.hostname === 'localhost') url.hostname = '127.0.0.1';
  return url.origin;
}

/** A path on this site to go back to after switching language; never a `//host` elsewhere. */
function sameSitePath(pathname) {
  return /^\/(?![/\\])/.test(pathname) ? pathname : '/';
}

function configureViews(app) {
  const env = nunjucks.configure([path.join(__dirname, 'views'), GOVUK_FRONTEND], {
    autoescape: true,
    express: app,
  });
  env.addFilter('pence', formatPence);
  return env;
}

function serveAssets(app) {
  const options = { index: false, fallthrough: false, maxAge: '1h' };
  const govuk = path.join(GOVUK_FRONTEND, 'govuk');
  app.get('/assets/govuk-frontend.min.css', (req, res) =>
    res.sendFile(path.join(govuk, 'govuk-frontend.min.css'), { maxAge: '1h' }),
  );
  app.get('/assets/govuk-frontend.min.js', (req, res) =>
    res.sendFile(path.join(govuk, 'govuk-frontend.min.js'), { maxAge: '1h' }),
  );
  app.use('/assets', express.static(path.join(govuk, 'assets'), options));
  app.use('/public', express.static(path.join(__dirname, 'public'), options));
}

/** Language from the session; `?lang=cy` or `?lang=en` on any page switches it. */
function languageMiddleware(req, res, next) {
  if (req.method === 'GET' && typeof req.query.lang === 'string') {
    if (isLanguage(req.query.lang)) req.session.lang = req.query.lang;
    return res.redirect(303, sameSitePath(req.path));
  }
  const lang = req.session.lang === 'cy' ? 'cy' : 'en';
  const here = sameSitePath(req.path);
  res.locals.lang = lang;
  res.locals.t = (key, params) => translate(lang, key, params);
  res.locals.serviceName = translate(lang, 'service.name');
  res.locals.serviceUrl = '/';
  res.locals.languageLinks = [
    { text: 'English', lang: 'en', href: `${here}?lang=en`, current: lang === 'en' },
    { text: 'Cymraeg', lang: 'cy', href: `${here}?lang=cy`, current: lang === 'cy' },
  ];
  return next();
}

/**
 * Builds the demo service. With no `apiKey` it starts an embedded GOV.UK Pay simulator on
 * 127.0.0.1 and uses a generated test key.
 *
 * @param {object} options
 * @param {string} options.publicUrl The demo's external origin, e.g. `http://127.0.0.1:3000`.
 * @param {string} [options.apiKey] A GOV.UK Pay API key. Absent: the embedded simulator.
 * @param {string} [options.apiBaseUrl] GOV.UK Pay's API origin, with `apiKey`.
 * @param {number} [options.simulatorPort] Port of the embedded simulator. Default: a free one.
 * @param {string} [options.adminPassword] Switches on /admin, behind HTTP Basic authentication.
 * @param {string} [options.cookieSecret] At least 32 characters. Default: random per run.
 * @param {object} [options.logger] pino-compatible. Default: silent.
 * @param {number} [options.maxRetries] GOV.UK Pay read retries. Default: the library's.
 * @param {number} [options.timeoutMs] GOV.UK Pay call timeout. Default: the library's.
 * @param {number} [options.reconcileEveryMinutes] Reconcile abandoned payments on a timer.
 * @param {object} [options.store] The journey's PaymentStore. Default: the library's MemoryStore.
 * @param {string} [options.webhookSecret] GOV.UK Pay's webhook signing secret, with `apiKey`.
 *   With the embedded simulator, one is generated and the simulator sends it webhooks.
 * @param {{ windowMs?: number, perSession?: number, perClient?: number }} [options.payStartLimits]
 *   Rate limits on POST /payment/start. Default: 10 a minute per session, 30 per client IP.
 * @param {number | string | boolean} [options.trustProxy] Express's `trust proxy`, with an https
 *   `publicUrl` (which means a TLS-terminating proxy in front). Default: 1, one proxy hop.
 * @returns {Promise<{ app, simulator, simulatorUrl, simulatorPagesUrl, journey, orders,
 *   close(): Promise<void> }>}
 */
async function createDemoApp(options) {
  const { publicUrl, apiKey, cookieSecret, adminPassword } = options;
  const logger = options.logger ?? silentLogger;
  const publicOrigin = new URL(publicUrl).origin;
  const https = publicOrigin.startsWith('https:');
  if (cookieSecret !== undefined && cookieSecret.length < 32) {
    throw new Error('demo-app: DEMO_COOKIE_SECRET must be at least 32 characters');
  }
  const secret = cookieSecret ?? randomBytes(48).toString('base64url');

  let simulator;
  let simulatorServer;
  let simulatorPagesUrl;
  let payApi = { apiKey, ...(options.apiBaseUrl ? { apiBaseUrl: options.apiBaseUrl } : {}) };
  let nextUrlHosts = GOVUK_PAY_HOSTS;
  let formOrigins = GOVUK_PAY_FORM_ORIGINS;
  let webhookSecret = options.webhookSecret;
  if (apiKey === undefined) {
    // The simulator sends signed webhooks as GOV.UK Pay does, so a citizen who closes the tab
    // after paying gets the permit within seconds, not at the next reconciliation.
    webhookSecret = generateWebhookSecret();
    simulator = createSimulator({
      webhooks: [{ url: `${publicOrigin}${MOUNT_PATH}/webhooks`, secret: webhookSecret }],
    });
    simulatorServer = await simulator.listen(options.simulatorPort ?? 0);
    const apiOrigin = new URL(simulatorServer.url).origin;
    simulatorPagesUrl = simulatorPagesOrigin(apiOrigin);
    payApi = { apiKey: generateTestApiKey(), apiBaseUrl: apiOrigin };
    nextUrlHosts = [...GOVUK_PAY_HOSTS, new URL(simulatorPagesUrl).host];
    // form-action also governs the redirect to next_url that follows the Pay form.
    formOrigins = [...GOVUK_PAY_FORM_ORIGINS, simulatorPagesUrl];
  }

  const orders = createOrderBook({ logger });
  let journey;
  try {
    journey = payJourney({
      ...payApi,
      publicUrl: publicOrigin,
      mountPath: MOUNT_PATH,
      cookie: {
        secrets: [deriveSecret(secret, 'payment cookie')],
        name: PAYMENT_COOKIE_NAME,
        secure: https,
      },
      nextUrlHosts,
      ...(options.store === undefined ? {} : { store: options.store }),
      createPayment: createPaymentDetails({ orders }),
      outcomes: outcomePages({ orders }),
      onSettled: (result) => orders.settle(result),
      ...(webhookSecret === undefined ? {} : { webhooks: { secrets: [webhookSecret] } }),
      startUrl: '/',
      logger,
      ...(options.maxRetries === undefined ? {} : { maxRetries: options.maxRetries }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.reconcileEveryMinutes === undefined
        ? {}
        : { reconcile: { olderThanMinutes: 60, everyMinutes: options.reconcileEveryMinutes } }),
    });
  } catch (err) {
    if (simulatorServer) await simulatorServer.close();
    throw err;
  }

  const app = express();
  app.disable('x-powered-by');
  // An https publicUrl means TLS ends at a proxy in front of us. Trusting it gives req.secure (so
  // express-session sets its Secure cookie at all) and req.ip per client (so the per-IP limit on
  // starts counts citizens, not the proxy). Over http nothing is in front, and nothing is trusted.
  if (https) app.set('trust proxy', options.trustProxy ?? 1);
  configureViews(app);
  app.use(securityHeaders({ publicUrl: publicOrigin, paymentOrigins: formOrigins }));
  serveAssets(app);
  app.use(express.urlencoded({ extended: false, limit: '10kb' }));
  app.use(
    session({
      name: SESSION_COOKIE_NAME,
      secret: deriveSecret(secret, 'session'),
      resave: false,
      saveUninitialized: false,
      rolling: true,
      // Lax, not Strict: the citizen comes back from GOV.UK Pay by a cross-site navigation.
      cookie: { httpOnly: true, sameSite: 'lax', secure: https, maxAge: 4 * 60 * 60 * 1000 },
    }),
  );
  app.use(languageMiddleware);
  app.use(
    footerPages({ sessionCookieName: SESSION_COOKIE_NAME, paymentCookieName: PAYMENT_COOKIE_NAME }),
  );
  app.use(citizenRoutes({ orders, payStartUrl: `${MOUNT_PATH}/start` }));
  app.post(
    `${MOUNT_PATH}/start`,
    ...payStartRateLimits(options.payStartLimits),
    payStartGuard({ orders }),
  );
  app.use(MOUNT_PATH, journey);
  if (adminPassword) {
    app.use(
      '/admin',
      adminRoutes({ password: adminPassword, client: journey.client, publicOrigin, logger }),
    );
  }
  app.use((req, res) => res.status(404).render('not-found.njk'));
  // Express needs all four parameters to see an error handler.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  app.use((err, req, res, next) => {
    if (res.headersSent) return res.destroy();
    const t = res.locals.t ?? ((key) => translate('en', key));
    if (!res.locals.t) Object.assign(res.locals, { lang: 'en', t, serviceName: t('service.name') });
    // Errors with a client status (a missing asset, a body too large) are not server faults.
    const status = Number(err?.status ?? err?.statusCode);
    if (status === 404) return res.status(404).render('not-found.njk');
    const clientError = status >= 400 && status < 500;
    if (!clientError) {
      const detail = typeof err?.toJSON === 'function' ? err.toJSON() : String(err);
      logger.error({ err: detail }, 'request failed');
    }
    return res.status(clientError ? status : 500).render('error.njk', {
      title: t('error.generic.title'),
      text: t('error.generic.text'),
    });
  });

  return {
    app,
    simulator,
    simulatorUrl: simulatorServer?.url,
    simulatorPagesUrl,
    journey,
    orders,
    async close() {
      await journey.close();
      if (simulatorServer) await simulatorServer.close();
    },
  };
}

function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/**
 * Starts the demo on `host:port` (port 0: a free one). The listening socket is opened first, so
 * the public URL, and with it GOV.UK Pay's `return_url`, can name the real port.
 */
async function startDemo(options = {}) {
  const { host = '127.0.0.1', port = 0, publicHostname = host, ...demoOptions } = options;
  const server = http.createServer();
  await listen(server, port, host);
  const url = `http://${publicHostname}:${server.address().port}`;
  let demo;
  try {
    demo = await createDemoApp({ ...demoOptions, publicUrl: demoOptions.publicUrl ?? url });
  } catch (err) {
    server.close();
    throw err;
  }
  server.on('request', demo.app);
  return {
    url: demoOptions.publicUrl ?? url,
    server,
    demo,
    async close() {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
      await demo.close();
    },
  };
}

function parsePort(value, name) {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`demo-app: ${name} must be a port number, not "${value}"`);
  }
  return port;
}

const consoleLogger = {
  debug() {},
  info: (fields, message) => console.log(`[govuk-pay-express] ${message}`, JSON.stringify(fields)),
  warn: (fields, message) => console.warn(`[govuk-pay-express] ${message}`, JSON.stringify(fields)),
  error: (fields, message) =>
    console.error(`[govuk-pay-express] ${message}`, JSON.stringify(fields)),
};

function describeCards() {
  const rows = [
    ...TEST_CARDS.authorised.slice(0, 1).map((card) => [card, 'payment succeeds']),
    ...TEST_CARDS.declined.slice(0, 1).map((card) => [card, 'card declined']),
    ...TEST_CARDS.error.slice(0, 1).map((card) => [card, 'payment provider error']),
  ];
  return rows.map(([card, what]) => `    ${card}  ${what}`).join('\n');
}

async function main() {
  const env = process.env;
  const apiKey = env.GOVUK_PAY_API_KEY || undefined;
  if (apiKey !== undefined && !apiKey.startsWith('api_test_')) {
    throw new Error(
      'demo-app: GOVUK_PAY_API_KEY must be a test key (api_test_...); the demo never takes real money',
    );
  }
  const port = parsePort(env.PORT, 'PORT') ?? 3000;
  // REDIS_URL or DATABASE_URL: the journey's state in a shared store; else in memory.
  const chosenStore = await createDemoStore(env, { logger: consoleLogger });
  let started;
  try {
    started = await startDemo({
      host: '127.0.0.1',
      port,
      // GOV.UK Pay's test service sends the citizen back to a `localhost` return URL.
      ...(apiKey === undefined ? {} : { apiKey, publicHostname: 'localhost' }),
      ...(env.DEMO_PUBLIC_URL ? { publicUrl: env.DEMO_PUBLIC_URL } : {}),
      ...(apiKey === undefined
        ? { simulatorPort: parsePort(env.SIMULATOR_PORT, 'SIMULATOR_PORT') }
        : {}),
      ...(env.DEMO_COOKIE_SECRET ? { cookieSecret: env.DEMO_COOKIE_SECRET } : {}),
      ...(apiKey !== undefined && env.GOVUK_PAY_WEBHOOK_SECRET
        ? { webhookSecret: env.GOVUK_PAY_WEBHOOK_SECRET }
        : {}),
      ...(env.DEMO_ADMIN_PASSWORD ? { adminPassword: env.DEMO_ADMIN_PASSWORD } : {}),
      logger: consoleLogger,
      reconcileEveryMinutes: 15,
      ...(chosenStore.store === undefined ? {} : { store: chosenStore.store }),
    });
  } catch (err) {
    await chosenStore.close();
    throw err;
  }
  const running = {
    ...started,
    async close() {
      await started.close();
      await chosenStore.close();
    },
  };
  const { demo, url } = running;
  const lines = [
    '',
    'Pay for a resident parking permit: the govuk-pay-express demo',
    '',
    `  Open ${url} in your browser.`,
    '',
    demo.simulator
      ? `  GOV.UK Pay: the embedded simulator at ${demo.simulatorUrl} (offline, generated test key;\n` +
        `    its card pages on ${demo.simulatorPagesUrl}, cross-site to the demo as GOV.UK Pay's are)`
      : '  GOV.UK Pay: the real test service, with your api_test_ key',
    `  Payment state: ${chosenStore.description}`,
  ];
  if (demo.simulator) {
    lines.push(
      '  Test cards (any future expiry date, any 3-digit security code):',
      describeCards(),
    );
  } else {
    lines.push('  Test cards: https://docs.payments.service.gov.uk/testing_govuk_pay/');
  }
  lines.push(
    env.DEMO_ADMIN_PASSWORD
      ? `  Payments admin: ${url}/admin (any user name, the password in DEMO_ADMIN_PASSWORD)`
      : '  Payments admin: off; set DEMO_ADMIN_PASSWORD to switch on /admin',
    '',
    'Press Ctrl-C to stop.',
  );
  console.log(lines.join('\n'));

  let stopping = false;
  const stop = (signal) => {
    if (stopping) {
      console.log('Stopping now.');
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping the demo${demo.simulator ? ' and the simulator' : ''}...`);
    running.close().then(
      () => {
        console.log('Stopped.');
        process.exitCode = 0;
      },
      (err) => {
        console.error('demo-app: could not stop cleanly:', err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}

module.exports = { createDemoApp, startDemo };
