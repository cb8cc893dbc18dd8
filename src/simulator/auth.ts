import { createHash } from 'node:crypto';
import { API_KEY_PATTERN } from './ids.js';

/** A GOV.UK Pay account as the simulator sees it: one per API key. */
export interface Account {
  /** A hash of the key, so the key itself is never stored beside payments. */
  readonly id: string;
  readonly live: boolean;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

const MAX_CACHED_ACCOUNTS = 10_000;

/**
 * Reads `Authorization: Bearer <key>`. Keys are compared by their SHA-256 hash, so the lookup
 * time does not depend on how much of a secret matches.
 */
export function createAuthenticator(
  allowedKeyHashes: ReadonlySet<string> | undefined,
): (authorization: string | undefined) => Account | undefined {
  // Interning keeps one id string per account rather than one per payment.
  const accounts = new Map<string, Account>();
  return (authorization) => {
    if (authorization === undefined || !authorization.startsWith('Bearer ')) return undefined;
    const key = authorization.slice(7);
    if (!API_KEY_PATTERN.test(key)) return undefined;
    const id = hashApiKey(key);
    if (allowedKeyHashes !== undefined && !allowedKeyHashes.has(id)) return undefined;
    let account = accounts.get(id);
    if (account === undefined) {
      if (accounts.size >= MAX_CACHED_ACCOUNTS) accounts.clear();
      account = { id, live: key.startsWith('api_live_') };
      accounts.set(id, account);
    }
    return account;
  };
}
