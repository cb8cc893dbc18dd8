import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runInThisContext } from 'node:vm';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { payJourney } from '../../../src/index';
import type {
  PayJourney,
  PayJourneyOptions,
  PaymentResult,
  SettledResult,
} from '../../../src/index';
import { createSimulator, generateTestApiKey } from '../../../src/simulator';
import type { Simulator } from '../../../src/simulator';
import { CapturingLogger } from '../../helpers/capturing-logger';
import { createHttp } from './http';

export const PUBLIC_URL = 'https://apply.example.gov.uk';
export const COOKIE_NAME = 'pay_journey';
export const COOKIE_SECRET = 'reliability-suite-secret-0123456789-abcdefghijklmnop';
export const MOUNT = '/payment';

/** The headers a browser sends when the service's own page posts its form. */
export const SAME_ORIGIN = {
  'sec-fetch-site': 'same-origin',
  origin: PUBLIC_URL,
  'content-type': 'application/x-www-form-urlencoded',
};

/**
 * Errors that escaped every handler. Jest runs each file in a sandbox whose `process` never sees
 * these events, so the collector listens on the real one; jest-circus also fails the test that
 * was running, which is a second net.
 */
export function watchEscapes(): { readonly escaped: unknown[]; stop(): void } {
  const realProcess = runInThisContext('process') as NodeJS.Process;
  const escaped: unknown[] = [];
  const onRejection = (reason: unknown): void => {
    escaped.push(reason);
  };
  realProcess.on('unhandledRejection', onRejection);
  return { escaped, stop: () => realProcess.off('unhandledRejection', onRejection) };
}

export interface SimRequest {
  method: string;
  path: string;
}

export interface SimulatorWorld {
  sim: Simulator;
  url: string;
  apiKey: string;
  /** Every request the simulator received, API and pages alike. */
  requests: SimRequest[];
  apiGets(): number;
  close(): Promise<void>;
}

/**
 * The real simulator, behind a thin server of ours that records every request, so a test can
 * prove that something never reached GOV.UK Pay.
 */
export async function startSimulatorWorld(random?: () => number): Promise<SimulatorWorld> {
  const requests: SimRequest[] = [];
  let handler: http.RequestListener = (_req, res) => res.end();
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', path: req.url ?? '' });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sim = createSimulator({
    rateLimit: false,
    baseUrl: url,
    ...(random === undefined ? {} : { random }),
  });
  handler = sim.app;
  return {
    sim,
    url,
    apiKey: generateTestApiKey(),
    requests,
    apiGets: () => requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/')).length,
    close: async () => {
      sim.reset();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface JourneyWorld {
  journey: PayJourney;
  url: string;
  http: ReturnType<typeof createHttp>;
  logger: CapturingLogger;
  /** Every onSettled call, in order. */
  settled: SettledResult[];
  /** Every outcome the handlers rendered. */
  shown: PaymentResult[];
  /** Errors that reached Express's error handler. */
  errors: unknown[];
  /** Moves the journey's clock (not the simulator's). */
  advance(ms: number): void;
  close(): Promise<void>;
}

/**
 * A service using the journey as documented, mounted at /payment. Outcome pages answer JSON
 * naming the outcome (never the payment id); `pending`, `unconfirmed` and `missing` keep the
 * library's defaults, which are part of what is under test.
 */
export async function startJourneyWorld(
  world: SimulatorWorld,
  options: Partial<PayJourneyOptions> & { reference?: (req: Request) => string } = {},
): Promise<JourneyWorld> {
  const logger = new CapturingLogger();
  const settled: SettledResult[] = [];
  const shown: PaymentResult[] = [];
  const errors: unknown[] = [];
  let skew = 0;
  const render = (req: Request, res: Response, result: PaymentResult): void => {
    shown.push(result);
    res.status(200).json({
      outcome: result.outcome,
      reason: result.reason ?? null,
      firstVisit: result.firstVisit,
    });
  };
  const { reference, ...journeyOptions } = options;
  const journey = payJourney({
    apiKey: world.apiKey,
    apiBaseUrl: world.url,
    publicUrl: PUBLIC_URL,
    cookie: { secrets: [COOKIE_SECRET], name: COOKIE_NAME },
    nextUrlHosts: [new URL(world.url).host, `localhost:${new URL(world.url).port}`],
    createPayment: (req) => ({
      amount: 2500,
      reference: reference?.(req) ?? 'REL-0001',
      description: 'Reliability suite fee',
    }),
    outcomes: { success: render, failed: render, cancelled: render, error: render },
    onSettled: (result) => {
      settled.push(result);
    },
    logger,
    timeoutMs: 5_000,
    maxRetries: 2,
    sleep: () => Promise.resolve(),
    now: () => Date.now() + skew,
    ...journeyOptions,
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(MOUNT, journey);
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    errors.push(err);
    res.status(500).type('text').send('internal error');
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = createHttp(url);
  return {
    journey,
    url,
    http: client,
    logger,
    settled,
    shown,
    errors,
    advance: (ms) => {
      skew += ms;
    },
    close: async () => {
      client.close();
      await journey.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The outcome each request showed, as the journey logged it. */
export function loggedOutcomes(logger: CapturingLogger): string[] {
  return logger.entries
    .filter((e) => e.msg === 'govuk-pay-express: showing the outcome')
    .map((e) => String((e.obj as { outcome?: unknown }).outcome));
}
