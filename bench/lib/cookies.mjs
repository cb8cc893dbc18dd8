// Getting a real, valid cookie from each server: a same-origin POST /start, then the payment it
// created is finished at the simulator so that GET /return renders success.
import { createRequire } from 'node:module';
import { COOKIE_NAME, COOKIE_SECRET, PUBLIC_URL } from './bench-config.mjs';
import { baselineKey, unsealBaseline } from './baseline-seal.mjs';

const require = createRequire(import.meta.url);

/** The headers a same-origin browser sends when the service's own form posts to /start. */
export const SAME_ORIGIN_POST_HEADERS = {
  'sec-fetch-site': 'same-origin',
  'sec-fetch-mode': 'navigate',
  'sec-fetch-dest': 'document',
  origin: PUBLIC_URL,
  'content-type': 'application/x-www-form-urlencoded',
};

export function loadSealer() {
  for (const path of ['../../dist/cjs/index.js', '../../dist/cjs/cookie/index.js']) {
    try {
      const mod = require(path);
      if (typeof mod.createPaymentCookieSealer === 'function') {
        return mod.createPaymentCookieSealer({ secrets: [COOKIE_SECRET], cookieName: COOKIE_NAME });
      }
    } catch {
      // try the next entry point
    }
  }
  throw new Error('createPaymentCookieSealer is not built (dist/cjs/cookie)');
}

async function startPayment(serverUrl, cookieName) {
  const res = await fetch(`${serverUrl}/payment/start`, {
    method: 'POST',
    headers: SAME_ORIGIN_POST_HEADERS,
    body: '',
    redirect: 'manual',
  });
  if (res.status !== 303) {
    throw new Error(
      `POST /payment/start answered ${res.status}: ${(await res.text()).slice(0, 200)}`,
    );
  }
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith(`${cookieName}=`));
  if (!setCookie) throw new Error(`POST /payment/start set no ${cookieName} cookie`);
  return {
    pair: setCookie.split(';')[0],
    value: decodeURIComponent(setCookie.split(';')[0].slice(cookieName.length + 1)),
    setCookie,
  };
}

async function checkReturn(serverUrl, pair) {
  const res = await fetch(`${serverUrl}/payment/return`, {
    headers: { cookie: pair },
    redirect: 'manual',
  });
  const location = res.headers.get('location');
  if (res.status !== 303 || location !== '/done') {
    throw new Error(`GET /payment/return answered ${res.status} ${location ?? ''}, not 303 /done`);
  }
}

/** A cookie for the journey whose payment succeeded at the simulator. */
export async function journeyCookie(serverUrl, upstream, cookieName = COOKIE_NAME) {
  const sealer = loadSealer();
  const { pair, value, setCookie } = await startPayment(serverUrl, cookieName);
  // The cookie is bound to its journey: the public origin and the mount path.
  const { journeyId } = require('../../dist/cjs/index.js');
  const record = sealer.unseal(value, journeyId(new URL(PUBLIC_URL).origin, '/payment'));
  if (!record) throw new Error('the journey cookie does not unseal with the configured secret');
  await upstream.request('complete', { paymentId: record.paymentId });
  await checkReturn(serverUrl, pair);
  return { pair, setCookie };
}

/** A cookie for the baseline whose payment succeeded at the simulator. */
export async function baselineCookie(serverUrl, upstream, cookieName) {
  const { pair, value } = await startPayment(serverUrl, cookieName);
  const record = unsealBaseline(baselineKey(COOKIE_SECRET), value);
  if (!record) throw new Error('the baseline cookie does not unseal');
  await upstream.request('complete', { paymentId: record.paymentId });
  await checkReturn(serverUrl, pair);
  return { pair };
}
