import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { PayClient } from '../../src/client';
import { PayConfigError } from '../../src/config-error';
import { payJourney } from '../../src/journey';
import type { PayJourneyOptions } from '../../src/journey';
import { createSimulator, generateTestApiKey } from '../../src/simulator';
import type { PaymentRecord, PaymentStore } from '../../src/store';
import { MemoryStore } from '../../src/store';
import { Browser } from '../helpers/browser';
import { renderedOutcome, sameOriginHeaders } from '../helpers/journey-harness';

const SECRET = 'pay-journey-test-secret-0123456789-abcdefghijklmnop';
const KEY = generateTestApiKey();

function options(extra: Partial<PayJourneyOptions> = {}): PayJourneyOptions {
  return {
    apiKey: KEY,
    publicUrl: 'https://apply.example.gov.uk',
    cookie: { secrets: [SECRET] },
    createPayment: () => ({ amount: 100, reference: 'R1', description: 'Fee' }),
    outcomes: { success: () => undefined, failed: () => undefined },
    ...extra,
  };
}

async function listen(app: express.Express): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('payJourney', () => {
  it('catches app.use(payJourney) without the call, on the first request', async () => {
    const app = express();
    const errors: unknown[] = [];
    app.use('/payment', payJourney as unknown as express.RequestHandler);
    app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      errors.push(err);
      res.status(500).end();
    });
    const server = await listen(app);
    try {
      await new Browser().get(`${server.url}/payment/return`);
    } finally {
      await server.close();
    }
    expect(errors[0]).toBeInstanceOf(PayConfigError);
    expect(errors[0]).toMatchObject({ code: 'ERR_PAY_NOT_CALLED' });
    expect((errors[0] as Error).message).toMatch(/payJourney\(\{ \.\.\.options \}\)/);
  });

  it('refuses a short cookie secret with ERR_PAY_COOKIE_SECRET', () => {
    expect(() => payJourney(options({ cookie: { secrets: ['too-short'] } }))).toThrow(
      expect.objectContaining({ code: 'ERR_PAY_COOKIE_SECRET' }),
    );
  });

  it('refuses bad options with a PayConfigError before building anything', () => {
    expect(() => payJourney(options({ publicUrl: 'http://apply.example.gov.uk' }))).toThrow(
      PayConfigError,
    );
  });

  it('is an Express router with start, cancel, reconcile, client, clientFor and close', async () => {
    const journey = payJourney(options({ apiBaseUrl: 'http://127.0.0.1:9' }));
    expect(typeof journey).toBe('function');
    expect(typeof journey.use).toBe('function');
    expect(journey.client).toBeInstanceOf(PayClient);
    expect(journey.client.apiOrigin).toBe('http://127.0.0.1:9');
    expect(journey.clientFor({} as Request)).toBe(journey.client);
    expect(typeof journey.start).toBe('function');
    expect(typeof journey.cancel).toBe('function');
    expect(typeof journey.reconcile).toBe('function');
    await journey.close();
  });

  it('journey.start() from a route before the mount path is known says to set mountPath', async () => {
    const journey = payJourney(options());
    await expect(journey.start({} as Request, {} as Response)).rejects.toThrow(
      /set the mountPath option/,
    );
    await journey.close();
  });

  it('journey.reconcile() with a function apiKey and no reconcile.apiKeys says what to add', async () => {
    const journey = payJourney(options({ apiKey: () => KEY }));
    await expect(journey.reconcile()).rejects.toMatchObject({ code: 'ERR_PAY_MISSING_OPTION' });
    await journey.close();
  });

  it('close() closes the MemoryStore it made, but never a store it was given', async () => {
    const given = new MemoryStore();
    const close = jest.spyOn(given, 'close');
    const journey = payJourney(options({ store: given }));
    await journey.close();
    expect(close).not.toHaveBeenCalled();
    given.close();
  });

  describe('with apiKey as a function (several GOV.UK Pay accounts)', () => {
    const keyA = generateTestApiKey();
    const keyB = generateTestApiKey();
    const simulator = createSimulator({ apiKeys: [keyA, keyB], rateLimit: false });
    let sim: { url: string; close(): Promise<void> };
    let app: { url: string; close(): Promise<void> };
    let journey: ReturnType<typeof payJourney>;
    const errors: unknown[] = [];

    beforeAll(async () => {
      sim = await simulator.listen(0);
      const express_ = express();
      app = await listen(express_);
      journey = payJourney({
        apiKey: (req) =>
          req.headers['x-account'] === 'b'
            ? keyB
            : req.headers['x-account'] === 'bad'
              ? 'nope'
              : keyA,
        apiBaseUrl: sim.url,
        publicUrl: app.url,
        cookie: { secrets: [SECRET], secure: false },
        nextUrlHosts: [new URL(sim.url).host, `localhost:${new URL(sim.url).port}`],
        createPayment: () => ({ amount: 700, reference: 'MULTI', description: 'Fee' }),
        outcomes: {
          success: (_req, res, result) =>
            res.json({
              outcome: result.outcome,
              reason: null,
              firstVisit: result.firstVisit,
              capturable: false,
            }),
          failed: (_req, res, result) =>
            res.json({
              outcome: result.outcome,
              reason: result.reason,
              firstVisit: result.firstVisit,
              capturable: false,
            }),
        },
        reconcile: { apiKeys: [keyA, keyB] },
        sleep: () => Promise.resolve(),
      });
      express_.use('/payment', journey);
      express_.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
        errors.push(err);
        res.status(500).end();
      });
    });
    afterAll(async () => {
      await journey.close();
      await app.close();
      await sim.close();
    });

    it('creates and reads each payment with the request’s key', async () => {
      const browser = new Browser();
      const headers = { ...sameOriginHeaders(app.url), 'x-account': 'b' };
      const started = await browser.post(`${app.url}/payment/start`, { headers });
      expect(started.status).toBe(303);
      const id = simulator.payments.list()[0]?.payment_id as string;
      // Key A's account cannot see key B's payment.
      await expect(
        new PayClient({ apiKey: keyA, apiBaseUrl: sim.url }).getPayment(id),
      ).rejects.toMatchObject({ status: 404 });
      await expect(
        new PayClient({ apiKey: keyB, apiBaseUrl: sim.url }).getPayment(id),
      ).resolves.toMatchObject({ amount: 700 });
      simulator.completePayment(id, { card: '4444333322221111' });
      const back = await browser.get(`${app.url}/payment/return`, {
        headers: { 'x-account': 'b' },
      });
      expect(renderedOutcome(back).outcome).toBe('success');
    });

    it('has no single client, but clientFor(req)', () => {
      expect(() => journey.client).toThrow(expect.objectContaining({ code: 'ERR_PAY_API_KEY' }));
      const req = { headers: { 'x-account': 'b' } } as unknown as Request;
      expect(journey.clientFor(req)).toBeInstanceOf(PayClient);
      expect(journey.clientFor(req)).toBe(journey.clientFor(req));
    });

    it('refuses a malformed key from the function: next(err) with ERR_PAY_API_KEY, no call made', async () => {
      const before = simulator.payments.size;
      const response = await new Browser().post(`${app.url}/payment/start`, {
        headers: { ...sameOriginHeaders(app.url), 'x-account': 'bad' },
      });
      expect(response.status).toBe(500);
      expect(errors.at(-1)).toMatchObject({ code: 'ERR_PAY_API_KEY' });
      expect(simulator.payments.size).toBe(before);
    });

    it('reconciles each account’s payments with its own key', async () => {
      for (const account of ['a', 'b']) {
        await new Browser().post(`${app.url}/payment/start`, {
          headers: { ...sameOriginHeaders(app.url), 'x-account': account },
        });
      }
      // "Older than 0 minutes" excludes a payment created in the reconcile's own millisecond,
      // which a fast machine reaches: wait until the clock has passed the newest creation.
      const newest = Math.max(...simulator.payments.list().map((p) => Date.parse(p.created_date)));
      const giveUpAt = Date.now() + 5_000;
      while (Date.now() <= newest && Date.now() < giveUpAt) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      // Read with the wrong account's key, a payment would be a 404: failedToRead.
      const summary = await journey.reconcile({ olderThanMinutes: 0 });
      expect(summary).toMatchObject({ checked: 2, stillPending: 2, failedToRead: 0 });
    });
  });

  describe('the reconcile timer', () => {
    afterEach(() => {
      jest.useRealTimers();
    });

    it('runs every reconcile.everyMinutes and stops on close()', async () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
      const store = new MemoryStore();
      let runs = 0;
      const counting: PaymentStore = {
        savePending: (r: PaymentRecord, ttl: number) => store.savePending(r, ttl),
        deletePending: (id: string) => store.deletePending(id),
        listPending: (before: number) => {
          runs += 1;
          return store.listPending(before);
        },
        saveReturnId: (id: string, r: PaymentRecord, ttl: number) => store.saveReturnId(id, r, ttl),
        getReturnId: (id: string) => store.getReturnId(id),
        claim: (key: string, ttl: number) => store.claim(key, ttl),
        release: (key: string) => store.release(key),
        beginSettlement: (key: string, ms: number) => store.beginSettlement(key, ms),
        renewSettlement: (key: string, token: string, ms: number) =>
          store.renewSettlement(key, token, ms),
        commitSettlement: (key: string, token: string, ms: number) =>
          store.commitSettlement(key, token, ms),
        releaseSettlement: (key: string, token: string) => store.releaseSettlement(key, token),
        getPending: (id: string) => store.getPending(id),
        markDue: (id: string) => store.markDue(id),
        listDue: () => store.listDue(),
      };
      const journey = payJourney(options({ store: counting, reconcile: { everyMinutes: 5 } }));
      await jest.advanceTimersByTimeAsync(5 * 60_000 + 10);
      expect(runs).toBe(1);
      await jest.advanceTimersByTimeAsync(5 * 60_000);
      expect(runs).toBe(2);
      await journey.close();
      await jest.advanceTimersByTimeAsync(20 * 60_000);
      expect(runs).toBe(2);
      store.close();
    });
  });
});
