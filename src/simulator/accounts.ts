import { MAX_AMOUNT } from '../govuk-pay/index.js';
import { rejectUnknownKeys } from '../options/index.js';
import { PayConfigError } from '../config-error.js';
import type { Account } from './auth.js';
import { IMPLICIT_ACCOUNT_SETTINGS, hashApiKey } from './auth.js';
import { SIMULATOR_API_KEY_HINT, isSimulatorApiKey } from './ids.js';

/** One GOV.UK Pay account of `createSimulator({ accounts })`. */
export interface SimulatorAccount {
  /** Its API keys, all `api_test_` or all `api_live_`. Any of them reads the account's payments. */
  keys: readonly string[];
  /**
   * A live account: `return_url` must be https (422 P0920). Must agree with the keys' prefix.
   * @default true for `api_live_` keys
   */
  live?: boolean;
  /** Recurring card payments: agreements and `authorisation_mode: "agreement"`. @default true */
  recurring?: boolean;
  /** `moto: true` payments, taken by staff through next_url. @default false */
  moto?: boolean;
  /** `authorisation_mode: "moto_api"` with card details sent to `POST /v1/auth`. @default false */
  motoApi?: boolean;
  /**
   * GOV.UK Pay's "use your own error pages" setting: a declined, cancelled or expired citizen
   * is sent straight back to `return_url` instead of seeing GOV.UK Pay's page with Continue.
   * @default false
   */
  ownErrorPages?: boolean;
  /**
   * Report `fee` and `net_amount` on successful payments, as Stripe accounts do. Test accounts
   * may or may not have them (the fact sheet and the docs disagree), so it is a choice.
   * @default false
   */
  fees?: boolean;
  /**
   * Surcharges in pence for corporate credit and debit cards; a payment by such a card then
   * reports `corporate_card_surcharge` and `total_amount`.
   * @default no surcharges
   */
  corporateSurcharge?: { credit?: number; debit?: number };
}

const ACCOUNT_KEYS = new Set([
  'keys',
  'live',
  'recurring',
  'moto',
  'motoApi',
  'ownErrorPages',
  'fees',
  'corporateSurcharge',
]);
const BOOLEAN_SETTINGS = ['live', 'recurring', 'moto', 'motoApi', 'ownErrorPages', 'fees'] as const;

function invalid(message: string): never {
  throw new PayConfigError('ERR_PAY_INVALID_OPTION', message);
}

function pence(value: unknown, name: string): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || (value as number) < 0 || (value as number) > MAX_AMOUNT) {
    invalid(`simulator ${name} must be a whole number of pence from 0 to ${MAX_AMOUNT}`);
  }
  return value as number;
}

/** Validates `accounts` and indexes every account by the hashes of its keys. */
export function resolveAccounts(value: unknown): Map<string, Account> {
  if (!Array.isArray(value) || value.length === 0) {
    invalid('simulator accounts must be a non-empty array of { keys: [...], ... }');
  }
  const byKeyHash = new Map<string, Account>();
  value.forEach((entry: unknown, index) => {
    const at = `accounts[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      invalid(`simulator ${at} must be an object such as { keys: [generateTestApiKey()] }`);
    }
    const o = entry as Record<string, unknown>;
    rejectUnknownKeys(o, [...ACCOUNT_KEYS], `createSimulator.${at}`);
    for (const key of BOOLEAN_SETTINGS) {
      if (o[key] !== undefined && typeof o[key] !== 'boolean') {
        invalid(`simulator ${at}.${key} must be true or false`);
      }
    }
    if (!Array.isArray(o.keys) || o.keys.length === 0) {
      invalid(`simulator ${at}.keys must be a non-empty array of API keys`);
    }
    const hashes: string[] = [];
    const prefixes = new Set<string>();
    o.keys.forEach((key: unknown, k) => {
      if (typeof key !== 'string' || !isSimulatorApiKey(key)) {
        throw new PayConfigError(
          'ERR_PAY_API_KEY',
          `simulator ${at}.keys[${k}] is not a well-formed key: ${SIMULATOR_API_KEY_HINT}`,
        );
      }
      const hash = hashApiKey(key);
      if (byKeyHash.has(hash) || hashes.includes(hash)) {
        throw new PayConfigError(
          'ERR_PAY_API_KEY',
          `simulator ${at}.keys[${k}] is listed twice; a key belongs to one account`,
        );
      }
      hashes.push(hash);
      prefixes.add(key.slice(0, 9));
    });
    if (prefixes.size > 1) {
      invalid(
        `simulator ${at}.keys mixes api_test_ and api_live_ keys; an account is one or other`,
      );
    }
    const liveKeys = prefixes.has('api_live_');
    if (o.live !== undefined && o.live !== liveKeys) {
      invalid(
        `simulator ${at}.live is ${String(o.live)} but its keys are ${liveKeys ? 'api_live_' : 'api_test_'} keys; leave live out or use generateTestApiKey('${o.live === true ? 'live' : 'test'}')`,
      );
    }
    let corporateSurcharge: Account['corporateSurcharge'];
    if (o.corporateSurcharge !== undefined) {
      const s = o.corporateSurcharge as Record<string, unknown> | null;
      if (
        typeof s !== 'object' ||
        s === null ||
        Object.keys(s).some((k) => k !== 'credit' && k !== 'debit')
      ) {
        invalid(`simulator ${at}.corporateSurcharge must be { credit?: pence, debit?: pence }`);
      }
      corporateSurcharge = {
        credit: pence(s.credit, `${at}.corporateSurcharge.credit`),
        debit: pence(s.debit, `${at}.corporateSurcharge.debit`),
      };
    }
    const account: Account = {
      id: `account-${index + 1}`,
      live: liveKeys,
      recurring: (o.recurring as boolean | undefined) ?? IMPLICIT_ACCOUNT_SETTINGS.recurring,
      moto: (o.moto as boolean | undefined) ?? false,
      motoApi: (o.motoApi as boolean | undefined) ?? false,
      ownErrorPages: (o.ownErrorPages as boolean | undefined) ?? false,
      fees: (o.fees as boolean | undefined) ?? false,
      corporateSurcharge,
    };
    for (const hash of hashes) byKeyHash.set(hash, account);
  });
  return byKeyHash;
}
