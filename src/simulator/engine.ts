import type { Payment } from '../client/types.js';
import type { Account } from './auth.js';
import type { ResettableClock } from './clock.js';
import { newExternalId } from './ids.js';
import { SimPayment, isFinished } from './model.js';
import type { ResolvedSimulatorConfig } from './options.js';
import { renderPayment } from './render.js';
import { SimulatorStore } from './store.js';
import { expireIfDue } from './transitions.js';
import type { CreatePaymentInput } from './validate.js';

/** The simulator's state and the operations that the API, the pages and the JS API share. */
export class SimulatorEngine {
  readonly store = new SimulatorStore();
  /** The origin for links built outside a request: `baseUrl`, else the last listening URL. */
  fallbackOrigin = 'http://127.0.0.1';

  constructor(
    readonly config: ResolvedSimulatorConfig,
    readonly clock: ResettableClock,
  ) {
    if (config.baseUrl !== undefined) this.fallbackOrigin = config.baseUrl;
  }

  /** Reads a payment, applying expiry first, as every GOV.UK Pay read would see it. */
  getPayment(paymentId: string): SimPayment | undefined {
    const payment = this.store.getPayment(paymentId);
    if (payment !== undefined) expireIfDue(payment, this.clock.now());
    return payment;
  }

  /** A payment is visible only to the account (API key) that created it. */
  getPaymentFor(account: Account, paymentId: string): SimPayment | undefined {
    const payment = this.store.getPayment(paymentId);
    if (payment === undefined || payment.account !== account.id) return undefined;
    expireIfDue(payment, this.clock.now());
    return payment;
  }

  /** Every payment of an account, oldest first, with expiry applied. */
  paymentsOf(account: Account): readonly SimPayment[] {
    const payments = this.store.paymentsOf(account.id);
    const now = this.clock.now();
    for (const payment of payments) expireIfDue(payment, now);
    return payments;
  }

  createPayment(account: Account, input: CreatePaymentInput): SimPayment {
    const payment = new SimPayment(newExternalId(), account, input, this.clock.now());
    this.store.addPayment(payment);
    return payment;
  }

  /**
   * The payment as create and get return it. GOV.UK Pay mints a fresh `next_url` token on every
   * read of an unfinished web payment that is not waiting for capture.
   */
  view(payment: SimPayment, origin: string): Payment {
    const token =
      isFinished(payment.status) || payment.status === 'capturable'
        ? undefined
        : this.store.mintToken(payment);
    return renderPayment(payment, origin, this.config.paymentProvider, token);
  }

  reset(): void {
    this.store.clear();
    this.clock.reset();
  }
}
