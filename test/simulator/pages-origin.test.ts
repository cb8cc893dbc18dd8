import axios from 'axios';
import { PayConfigError } from '../../src/config-error';
import { createSimulator } from '../../src/simulator';
import {
  Browser,
  RETURN_URL,
  VALID_CARD_FORM,
  openCardPage,
  startSimulator,
} from '../helpers/simulator-harness';

/**
 * SameSite realism: GOV.UK Pay's pages (www.payments.service.gov.uk) are cross-site to the
 * service, so the return is a cross-site navigation and a SameSite=Strict cookie is not sent.
 * The simulator's pages are on the other loopback name by default to keep that true locally.
 */

describe('where next_url points', () => {
  it('reached at 127.0.0.1, the pages are on localhost (same port), and work there', async () => {
    const h = await startSimulator({ rateLimit: false });
    try {
      const { port } = new URL(h.url);
      expect(h.pagesUrl).toBe(`http://localhost:${port}`);
      const p = await h.createPayment();
      expect(new URL(p._links.next_url?.href as string).host).toBe(`localhost:${port}`);
      expect(p._links.next_url_post?.href).toBe(`http://localhost:${port}/secure`);
      // The API's own links stay where the API was reached.
      expect(p._links.self.href.startsWith(`${h.url}/v1/`)).toBe(true);
      // A browser can pay on the pages' host and is sent back to return_url.
      const browser = new Browser(h.pagesUrl);
      const { pageUrl, page } = await openCardPage(browser, p);
      expect(new URL(pageUrl).host).toBe(`localhost:${port}`);
      expect(page.status).toBe(200);
      const submitted = await browser.post(pageUrl, { ...VALID_CARD_FORM });
      expect(await browser.leavesTo(await browser.post(submitted.location as string))).toBe(
        RETURN_URL,
      );
    } finally {
      await h.close();
    }
  });

  it('reached at localhost, the pages are on 127.0.0.1', async () => {
    const h = await startSimulator({ rateLimit: false });
    try {
      const { port } = new URL(h.url);
      const res = await axios.post(
        `http://localhost:${port}/v1/payments`,
        { amount: 100, reference: 'R', description: 'D', return_url: RETURN_URL },
        { headers: { authorization: `Bearer ${h.key}` } },
      );
      expect(res.data._links.next_url.href).toMatch(
        new RegExp(`^http://127\\.0\\.0\\.1:${port}/secure/`),
      );
      expect(res.data._links.self.href).toMatch(new RegExp(`^http://localhost:${port}/v1/`));
    } finally {
      await h.close();
    }
  });

  it('pagesBaseUrl names the origin; false keeps the pages on the API origin', async () => {
    const named = await startSimulator({ pagesBaseUrl: 'https://pay.example.com:8443' });
    const same = await startSimulator({ pagesBaseUrl: false });
    try {
      expect((await named.createPayment())._links.next_url?.href).toMatch(
        /^https:\/\/pay\.example\.com:8443\/secure\//,
      );
      expect((await same.createPayment())._links.next_url?.href).toMatch(
        new RegExp(`^${same.url}/secure/`),
      );
    } finally {
      await named.close();
      await same.close();
    }
  });

  it('a baseUrl that is not a loopback name keeps the pages on it', async () => {
    const h = await startSimulator({ baseUrl: 'https://pay.test.example' });
    try {
      expect((await h.createPayment())._links.next_url?.href).toMatch(
        /^https:\/\/pay\.test\.example\/secure\//,
      );
    } finally {
      await h.close();
    }
  });

  it.each([['pay.example.com'], ['https://pay.example.com/path'], [true], [0]])(
    'refuses pagesBaseUrl %p',
    (value) => {
      expect(() => createSimulator({ pagesBaseUrl: value as never })).toThrow(PayConfigError);
      expect(() => createSimulator({ pagesBaseUrl: value as never })).toThrow(/pagesBaseUrl/);
    },
  );
});

describe('a Host header that is not a host', () => {
  it('still gets its payment, with links built from it as sent', async () => {
    const { request } = await import('node:http');
    const h = await startSimulator({ rateLimit: false });
    try {
      const { hostname, port } = new URL(h.url);
      const body = JSON.stringify({
        amount: 1,
        reference: 'R',
        description: 'D',
        return_url: RETURN_URL,
      });
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            hostname,
            port,
            path: '/v1/payments',
            method: 'POST',
            headers: {
              host: 'bad host',
              authorization: `Bearer ${h.key}`,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      expect(status).toBe(201);
    } finally {
      await h.close();
    }
  });
});
