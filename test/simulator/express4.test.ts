import express from 'express';
import type { Harness } from '../helpers/simulator-harness';
import {
  Browser,
  RETURN_URL,
  VALID_CARD_FORM,
  openCardPage,
  recorded,
  startSimulator,
} from '../helpers/simulator-harness';
import { expectRecordedBodiesMatchSpec } from './spec';

// Express is a peer dependency (^4.21 || ^5): the simulator must run on either major.
jest.mock('express', () => jest.requireActual('express4'));

let h: Harness;
beforeAll(async () => {
  h = await startSimulator({ rateLimit: false });
});
afterAll(async () => {
  await h.close();
  expectRecordedBodiesMatchSpec(recorded);
});

describe('the simulator on Express 4', () => {
  it('really is Express 4', () => {
    expect(express).toBe(jest.requireActual('express4'));
    expect(typeof h.sim.app.listen).toBe('function');
  });

  it('creates, pays through the pages, searches, refunds and validates as on Express 5', async () => {
    const p = await h.createPayment();
    const browser = new Browser(h.url);
    const { pageUrl } = await openCardPage(browser, p);
    const submitted = await browser.post(pageUrl, { ...VALID_CARD_FORM });
    const done = await browser.post(submitted.location as string);
    expect(await browser.leavesTo(done)).toBe(RETURN_URL);
    expect((await h.get(`/v1/payments/${p.payment_id}`)).body.state.status).toBe('success');
    const search = await h.get('/v1/payments?state=success&page=1&page=2');
    expect(search.body.results.map((r: { payment_id: string }) => r.payment_id)).toEqual([
      p.payment_id,
    ]);
    expect((await h.post(`/v1/payments/${p.payment_id}/refunds`, { amount: 50 })).status).toBe(202);
    const bad = await h.post('/v1/payments', { amount: 1 });
    expect([bad.status, bad.body.code, bad.body.field]).toEqual([400, 'P0101', 'reference']);
    const weird = await h.get('/v1/payments?state[x]=1');
    expect(weird.status).toBe(200);
  });
});
