import { newExternalId, newToken } from './ids.js';
import { notifyRefundAdded } from './webhooks/hooks.js';
import type { SimPayment, SimRefund } from './model.js';

/**
 * GOV.UK Pay mints a new `next_url` token on every GET and keeps the old ones for 7 days. The
 * simulator keeps the newest few unused tokens per payment, so a polling loop cannot grow
 * memory without bound; an older unused token then reads as unknown.
 */
export const MAX_OPEN_TOKENS_PER_PAYMENT = 20;

/** A class, not a literal, for the same reason as SimPayment (V8 pretenuring). */
export class TokenEntry {
  used = false;
  constructor(readonly payment: SimPayment) {}
}

const EMPTY: readonly never[] = Object.freeze([]);

/** In-memory payments and refunds, indexed for O(1) reads and newest-first scans per account. */
export class SimulatorStore {
  private readonly payments = new Map<string, SimPayment>();
  private readonly paymentsByAccount = new Map<string, SimPayment[]>();
  private readonly refundsByAccount = new Map<string, SimRefund[]>();
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly pages = new Map<string, SimPayment>();

  get size(): number {
    return this.payments.size;
  }

  addPayment(payment: SimPayment): void {
    this.payments.set(payment.id, payment);
    let list = this.paymentsByAccount.get(payment.account);
    if (list === undefined) {
      list = [];
      this.paymentsByAccount.set(payment.account, list);
    }
    list.push(payment);
  }

  getPayment(paymentId: string): SimPayment | undefined {
    return this.payments.get(paymentId);
  }

  /** Oldest first; callers scan backwards for newest first. */
  paymentsOf(account: string): readonly SimPayment[] {
    return this.paymentsByAccount.get(account) ?? EMPTY;
  }

  allPayments(): IterableIterator<SimPayment> {
    return this.payments.values();
  }

  addRefund(payment: SimPayment, refund: SimRefund): void {
    (payment.refunds ??= []).push(refund);
    payment.refunded += refund.amount;
    let list = this.refundsByAccount.get(refund.account);
    if (list === undefined) {
      list = [];
      this.refundsByAccount.set(refund.account, list);
    }
    list.push(refund);
    notifyRefundAdded(payment, refund);
  }

  /** Oldest first. */
  refundsOf(account: string): readonly SimRefund[] {
    return this.refundsByAccount.get(account) ?? EMPTY;
  }

  mintToken(payment: SimPayment): string {
    const token = newToken();
    this.tokens.set(token, new TokenEntry(payment));
    const open = payment.openTokens;
    if (open === undefined) {
      payment.openTokens = token;
    } else if (typeof open === 'string') {
      payment.openTokens = [open, token];
    } else {
      open.push(token);
      if (open.length > MAX_OPEN_TOKENS_PER_PAYMENT) {
        const oldest = open.shift();
        if (oldest !== undefined) this.tokens.delete(oldest);
      }
    }
    return token;
  }

  getToken(token: string): TokenEntry | undefined {
    return this.tokens.get(token);
  }

  markTokenUsed(token: string, entry: TokenEntry): void {
    entry.used = true;
    const { payment } = entry;
    const open = payment.openTokens;
    if (open === token) {
      payment.openTokens = undefined;
    } else if (Array.isArray(open)) {
      const i = open.indexOf(token);
      if (i !== -1) open.splice(i, 1);
    }
  }

  /** The payment's page id, minted on first use so no payment id appears in a page URL. */
  pageIdFor(payment: SimPayment): string {
    if (payment.pageId === undefined) {
      payment.pageId = newExternalId();
      this.pages.set(payment.pageId, payment);
    }
    return payment.pageId;
  }

  getByPageId(pageId: string): SimPayment | undefined {
    return this.pages.get(pageId);
  }

  clear(): void {
    this.payments.clear();
    this.paymentsByAccount.clear();
    this.refundsByAccount.clear();
    this.tokens.clear();
    this.pages.clear();
  }
}
