// The payJourney app under test, configured as a service would, with outcome handlers that only
// redirect (as the baseline does) so that both sides do the same work after the status is read.
import { createRequire } from 'node:module';
import { announceFailure, announceReady, serveParent } from './serve-child.mjs';
import { API_KEY, COOKIE_NAME, COOKIE_SECRET, PAYMENT, PUBLIC_URL } from './bench-config.mjs';

const require = createRequire(import.meta.url);
const express = require('express');

try {
  const upstreamUrl = process.argv[2];
  const { payJourney } = require('../../dist/cjs/index.js');
  const settled = { count: 0 };
  const journey = payJourney({
    apiKey: API_KEY,
    apiBaseUrl: upstreamUrl,
    publicUrl: PUBLIC_URL,
    cookie: { secrets: [COOKIE_SECRET], name: COOKIE_NAME },
    // The simulator serves its pages on localhost, cross-site to the API host, as GOV.UK Pay does.
    nextUrlHosts: [new URL(upstreamUrl).host, `localhost:${new URL(upstreamUrl).port}`],
    mountPath: '/payment',
    createPayment: () => ({ ...PAYMENT }),
    outcomes: {
      success: (req, res) => res.redirect(303, '/done'),
      failed: (req, res) => res.redirect(303, '/failed'),
    },
    onSettled: () => {
      settled.count += 1;
    },
  });

  const app = express();
  app.disable('x-powered-by');
  app.use('/payment', journey);

  const server = app.listen(0, '127.0.0.1', () => {
    announceReady(`http://127.0.0.1:${server.address().port}`);
  });
  serveParent({ settled: () => settled.count }, async () => {
    await journey.close();
    await new Promise((resolve) => server.close(resolve));
  });
} catch (err) {
  announceFailure(err);
}
