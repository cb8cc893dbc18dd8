import { newExternalId, newToken } from './ids.js';
import { notifyRefundAdded } from './webhooks/hooks.js';
import type { SimAgreement, SimDispute, SimPayment, SimRefund } from './model.js';

/** An agreement payment created with an Idempotency-Key (FACTS.md §8). */
export interface IdempotencyRecord {
  readonly body: string;
  readonly payment: SimPayment;
  readonly at: number;
}

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
  private readonly agreements = new Map<string, SimAgreement>();
  private readonly agreementsByAccount = new Map<string, SimAgreement[]>();
  private readonly disputes = new Map<string, SimDispute>();
  private readonly disputesByAccount = new Map<string, SimDispute[]>();
  private readonly oneTimeTokens = new Map<string, SimPayment>();
  private readonly usedOneTimeTokens = new Set<string>();
  /** Keyed by account and key: keys are scoped to the account that sent them. */
  readonly idempotency = new Map<string, IdempotencyRecord>();

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

  addAgreement(agreement: SimAgreement): void {
    this.agreements.set(agreement.id, agreement);
    appendTo(this.agreementsByAccount, agreement.account, agreement);
  }

  getAgreement(agreementId: string): SimAgreement | undefined {
    return this.agreements.get(agreementId);
  }

  /** Oldest first. */
  agreementsOf(account: string): readonly SimAgreement[] {
    return this.agreementsByAccount.get(account) ?? EMPTY;
  }

  addDispute(dispute: SimDispute): void {
    this.disputes.set(dispute.id, dispute);
    appendTo(this.disputesByAccount, dispute.account, dispute);
  }

  getDispute(disputeId: string): SimDispute | undefined {
    return this.disputes.get(disputeId);
  }

  /** Oldest first. */
  disputesOf(account: string): readonly SimDispute[] {
    return this.disputesByAccount.get(account) ?? EMPTY;
  }

  /** A MOTO API payment's `one_time_token`. */
  addOneTimeToken(token: string, payment: SimPayment): void {
    this.oneTimeTokens.set(token, payment);
  }

  /** The payment of an unused token; `used` for a spent one (400 P1212), else undefined. */
  takeOneTimeToken(token: string): SimPayment | 'used' | undefined {
    if (this.usedOneTimeTokens.has(token)) return 'used';
    const payment = this.oneTimeTokens.get(token);
    if (payment === undefined) return undefined;
    this.oneTimeTokens.delete(token);
    this.usedOneTimeTokens.add(token);
    payment.oneTimeToken = undefined;
    return payment;
  }

  clear(): void {
    this.agreements.clear();
    this.agreementsByAccount.clear();
    this.disputes.clear();
    this.disputesByAccount.clear();
    this.oneTimeTokens.clear();
    this.usedOneTimeTokens.clear();
    this.idempotency.clear();
    this.payments.clear();
    this.paymentsByAccount.clear();
    this.refundsByAccount.clear();
    this.tokens.clear();
    this.pages.clear();
  }
}

function appendTo<T>(index: Map<string, T[]>, key: string, item: T): void {
  let list = index.get(key);
  if (list === undefined) {
    list = [];
    index.set(key, list);
  }
  list.push(item);
}
