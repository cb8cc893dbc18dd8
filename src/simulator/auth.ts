import * as crypto from 'node:crypto';
import { isSimulatorApiKey } from './ids.js';

/**
 * A GOV.UK Pay account (a service's gateway account) as the simulator sees it. Payments,
 * agreements and the POST rate budget belong to the account, whichever of its keys is used
 * (FACTS.md §13).
 */
export interface Account {
  /** An opaque id: a hash of the key for implicit accounts, so no key is kept beside payments. */
  readonly id: string;
  readonly live: boolean;
  /** Recurring card payments (agreements); off gives 422 P0942. */
  readonly recurring: boolean;
  /** `moto: true` payments through next_url; off gives 422 P0196. */
  readonly moto: boolean;
  /** `authorisation_mode: "moto_api"` and `POST /v1/auth`; off gives 422 P0195. */
  readonly motoApi: boolean;
  /** "Use your own error pages": a failed or cancelled citizen goes straight back to the service. */
  readonly ownErrorPages: boolean;
  /** Report `fee` and `net_amount` on successful payments, as Stripe accounts do. */
  readonly fees: boolean;
  /** Corporate card surcharges in pence, added to `total_amount` when such a card pays. */
  readonly corporateSurcharge: { readonly credit: number; readonly debit: number } | undefined;
}

/** The settings of an account, without its id. */
export type AccountSettings = Omit<Account, 'id' | 'live'>;

/** The settings of accounts the simulator makes up for keys it was not told about. */
export const IMPLICIT_ACCOUNT_SETTINGS: AccountSettings = Object.freeze({
  recurring: true,
  moto: false,
  motoApi: false,
  ownErrorPages: false,
  fees: false,
  corporateSurcharge: undefined,
});

// One-shot hashing (Node 20.12+) skips the Hash object every request would otherwise build.
const oneShotHash = (
  crypto as { hash?: (algorithm: string, data: string, encoding: 'base64url') => string }
).hash;

export function hashApiKey(key: string): string {
  return oneShotHash === undefined
    ? crypto.createHash('sha256').update(key).digest('base64url')
    : oneShotHash('sha256', key, 'base64url');
}

const MAX_CACHED_ACCOUNTS = 10_000;

/**
 * Reads `Authorization: Bearer <key>`. Keys are compared by their SHA-256 hash, so the lookup
 * time does not depend on how much of a secret matches. With `accountsByKeyHash`, only those
 * keys are accepted, each answering for its account; without it, any well-formed key is its own
 * account.
 */
export function createAuthenticator(
  accountsByKeyHash: ReadonlyMap<string, Account> | undefined,
): (authorization: string | undefined) => Account | undefined {
  // Interning keeps one id string per account rather than one per payment.
  const implicit = new Map<string, Account>();
  return (authorization) => {
    if (authorization === undefined || !authorization.startsWith('Bearer ')) return undefined;
    const key = authorization.slice(7);
    if (!isSimulatorApiKey(key)) return undefined;
    const hash = hashApiKey(key);
    if (accountsByKeyHash !== undefined) return accountsByKeyHash.get(hash);
    let account = implicit.get(hash);
    if (account === undefined) {
      if (implicit.size >= MAX_CACHED_ACCOUNTS) implicit.clear();
      account = { id: hash, live: key.startsWith('api_live_'), ...IMPLICIT_ACCOUNT_SETTINGS };
      implicit.set(hash, account);
    }
    return account;
  };
}
