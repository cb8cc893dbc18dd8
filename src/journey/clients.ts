import type { Request } from 'express';
import { PayConfigError } from '../config-error.js';
import { PayClient } from '../client/index.js';
import type { PaymentRecord } from '../store/index.js';
import { accountFingerprint } from '../settlement/index.js';
import { checkJourneyApiKey } from './resolve-options.js';
import type { JourneyKeyRules, ResolvedJourneyConfig } from './resolve-options.js';

/** A client and the non-secret fingerprint of the account its key belongs to. */
export interface AccountClient {
  client: PayClient;
  accountId: string;
}

export interface JourneyClients {
  /** The client for the string `apiKey`; undefined when `apiKey` is a function. */
  readonly staticClient: PayClient | undefined;
  /** The client for this request's key. */
  forRequest(req: Request): AccountClient;
  /**
   * The client that can read `record`: the one for the account that created it when that key is
   * known, else the request's. Throws when neither is available (reconciliation of a payment
   * made with a key not in `reconcile.apiKeys`).
   */
  forRecord(record: PaymentRecord, req?: Request): PayClient;
  /** Closes every client's keep-alive connections, for shutdown. */
  closeAll(): void;
}

/** A function `apiKey` picks among a few accounts; more distinct keys than this is a bug. */
const MAX_CACHED_KEYS = 64;

export function createJourneyClients(config: ResolvedJourneyConfig): JourneyClients {
  const keyRules: JourneyKeyRules = {
    apiOrigin: config.apiBaseUrl,
    publicUrl: new URL(config.publicOrigin),
  };
  const byKey = new Map<string, AccountClient>();
  const byAccount = new Map<string, PayClient>();

  function clientFor(key: string): AccountClient {
    let entry = byKey.get(key);
    if (entry === undefined) {
      entry = {
        client: new PayClient({
          apiKey: key,
          apiBaseUrl: config.apiBaseUrl,
          logger: config.logger,
          timeoutMs: config.timeoutMs,
          maxRetries: config.maxRetries,
          sleep: config.sleep,
          ...(config.proxy.from === 'option' ? { proxy: config.proxy.value } : {}),
        }),
        accountId: accountFingerprint(key),
      };
      if (byKey.size >= MAX_CACHED_KEYS) {
        const oldest = byKey.keys().next();
        if (oldest.done !== true) byKey.delete(oldest.value);
      }
      byKey.set(key, entry);
      byAccount.set(entry.accountId, entry.client);
    }
    return entry;
  }

  // Keys known up front are built now, so a mistake in them fails at start-up.
  const staticEntry = config.apiKey.kind === 'static' ? clientFor(config.apiKey.key) : undefined;
  for (const key of config.reconcile.apiKeys) clientFor(key);

  function forRequest(req: Request): AccountClient {
    if (staticEntry !== undefined) return staticEntry;
    if (config.apiKey.kind !== 'per-request') throw new Error('unreachable');
    // A function key is only seen per request, so its checks run here, still as config errors.
    const key = checkJourneyApiKey(
      config.apiKey.select(req),
      'the key returned by apiKey(req)',
      keyRules,
    );
    return clientFor(key);
  }

  function forRecord(record: PaymentRecord, req?: Request): PayClient {
    const known = record.accountId === undefined ? undefined : byAccount.get(record.accountId);
    if (known !== undefined) return known;
    if (req !== undefined) return forRequest(req).client;
    if (staticEntry !== undefined) return staticEntry.client;
    // One configured key is the account's current key, even if it was rotated since.
    const [onlyKey, ...others] = config.reconcile.apiKeys;
    if (onlyKey !== undefined && others.length === 0) return clientFor(onlyKey).client;
    throw new PayConfigError(
      'ERR_PAY_API_KEY',
      'a pending payment was made with an API key that is not in reconcile.apiKeys; list every key apiKey(req) can return',
    );
  }

  function closeAll(): void {
    for (const client of new Set([...byAccount.values()])) client.close();
  }

  return { staticClient: staticEntry?.client, forRequest, forRecord, closeAll };
}
