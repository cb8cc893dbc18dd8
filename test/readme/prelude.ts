/**
 * What a `check` block of the README may use without declaring it: the names the guide's prose
 * has already introduced (the service's `app`, the `journey`, a `sim`, a payment id…), each with
 * its real type from the built package. Declared as globals in a script, so a block that declares
 * or imports one of these names itself shadows it. `run` blocks are checked without this prelude:
 * they must be whole programs.
 */
export const README_PRELUDE = `
type GPE = typeof import('govuk-pay-express');
type GPESimulator = typeof import('govuk-pay-express/simulator');
type GPETesting = typeof import('govuk-pay-express/testing');

// The package's exports, as a block that forgot its import line would use them.
declare const payJourney: GPE['payJourney'];
declare const PayClient: GPE['PayClient'];
declare const refundable: GPE['refundable'];
declare const MemoryStore: GPE['MemoryStore'];
declare const createSimulator: GPESimulator['createSimulator'];
declare const TEST_CARDS: GPESimulator['TEST_CARDS'];
declare const generateTestApiKey: GPESimulator['generateTestApiKey'];
declare const storeConformanceChecks: GPETesting['storeConformanceChecks'];
declare const signWebhookBody: GPETesting['signWebhookBody'];
declare const webhookFixture: GPETesting['webhookFixture'];
declare const express: typeof import('express');
declare const request: typeof import('supertest');

// The service's own parts that the prose talks about.
declare const app: import('express').Express;
declare const journey: import('govuk-pay-express').PayJourney;
declare const logger: import('govuk-pay-express').Logger;
declare const sim: import('govuk-pay-express/simulator').Simulator;
declare const simulatorUrl: string;
declare const apiKey: string;
declare const apiBaseUrl: string;
declare const secret: string;
declare const id: string;
declare const paymentId: string;
declare const messageId: string;
declare const agreementId: string;
declare const payment: import('govuk-pay-express').Payment;
declare const oldKey: string;
declare const newKey: string;
declare const motoKey: string;
declare const stripeKey: string;
declare const liveKey: string;
declare function queueRefundEmail(paymentId: string): Promise<void>;
declare function issuePermit(paymentId: string, ...details: unknown[]): Promise<void>;
declare function applicationFor(
  req: import('express').Request,
): Promise<{ fee: number; reference: string }>;
declare const journeyOptions: import('govuk-pay-express').PayJourneyOptions;

// A store of your own, and a test runner's it().
declare class MyStore implements import('govuk-pay-express').PaymentStore {
  constructor(...args: unknown[]);
  savePending: import('govuk-pay-express').PaymentStore['savePending'];
  deletePending: import('govuk-pay-express').PaymentStore['deletePending'];
  listPending: import('govuk-pay-express').PaymentStore['listPending'];
  saveReturnId: import('govuk-pay-express').PaymentStore['saveReturnId'];
  getReturnId: import('govuk-pay-express').PaymentStore['getReturnId'];
  claim: import('govuk-pay-express').PaymentStore['claim'];
  release: import('govuk-pay-express').PaymentStore['release'];
  beginSettlement: import('govuk-pay-express').PaymentStore['beginSettlement'];
  renewSettlement: import('govuk-pay-express').PaymentStore['renewSettlement'];
  commitSettlement: import('govuk-pay-express').PaymentStore['commitSettlement'];
  releaseSettlement: import('govuk-pay-express').PaymentStore['releaseSettlement'];
  getPending: import('govuk-pay-express').PaymentStore['getPending'];
  markDue: import('govuk-pay-express').PaymentStore['markDue'];
  listDue: import('govuk-pay-express').PaymentStore['listDue'];
}
declare function connect(): Promise<unknown>;
declare function advanceTime(ms: number): Promise<void>;
declare function it(name: string, fn: () => unknown, timeout?: number): void;
`;
