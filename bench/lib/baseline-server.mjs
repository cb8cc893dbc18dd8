// The hand-written minimal baseline the journey is compared with: Express, cookie-parser, an
// AES-256-GCM cookie, one keep-alive axios call to the same simulator, and a redirect. It has
// none of the journey's checks (origin, next_url host, store, settlement), which is the point:
// the ratio shows what those cost.
import { createRequire } from 'node:module';
import http from 'node:http';
import { announceFailure, announceReady, serveParent } from './serve-child.mjs';
import { baselineKey, sealBaseline, unsealBaseline } from './baseline-seal.mjs';
import { API_KEY, BASELINE_COOKIE, COOKIE_SECRET, PAYMENT, PUBLIC_URL } from './bench-config.mjs';

const require = createRequire(import.meta.url);
const express = require('express');
const cookieParser = require('cookie-parser');
const axios = require('axios');

const TTL_MS = 120 * 60 * 1000;

try {
  const upstreamUrl = process.argv[2];
  const key = baselineKey(COOKIE_SECRET);
  const api = axios.create({
    baseURL: upstreamUrl,
    timeout: 10_000,
    headers: { Authorization: `Bearer ${API_KEY}` },
    httpAgent: new http.Agent({ keepAlive: true }),
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(cookieParser());

  app.post('/payment/start', async (req, res, next) => {
    try {
      const { data } = await api.post('/v1/payments', {
        ...PAYMENT,
        return_url: `${PUBLIC_URL}/payment/return`,
      });
      const sealed = sealBaseline(
        key,
        { paymentId: data.payment_id, selfHref: data._links.self.href },
        TTL_MS,
      );
      res.cookie(BASELINE_COOKIE, sealed, {
        httpOnly: true,
        secure: true,
        sameSite: 'lax',
        path: '/payment',
        maxAge: TTL_MS,
      });
      res.redirect(303, data._links.next_url.href);
    } catch (err) {
      next(err);
    }
  });

  app.get('/payment/return', async (req, res, next) => {
    try {
      const record = unsealBaseline(key, req.cookies[BASELINE_COOKIE]);
      if (!record) {
        res.status(400).send('missing');
        return;
      }
      const { data } = await api.get(`/v1/payments/${encodeURIComponent(record.paymentId)}`);
      res.redirect(303, data.state.status === 'success' ? '/done' : '/failed');
    } catch (err) {
      next(err);
    }
  });

  const server = app.listen(0, '127.0.0.1', () => {
    announceReady(`http://127.0.0.1:${server.address().port}`);
  });
  serveParent({}, () => new Promise((resolve) => server.close(resolve)));
} catch (err) {
  announceFailure(err);
}
