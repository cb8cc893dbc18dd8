import type { PaymentCookieSealer } from '../cookie/index.js';
import type { Logger } from '../logger.js';
import type { Settler } from '../settlement/index.js';
import type { PaymentStore } from '../store/index.js';
import type { WebhookReceiver } from '../webhooks/index.js';
import type { JourneyClients } from './clients.js';
import type { ResolvedJourneyConfig } from './resolve-options.js';

/** Everything built once at construction that the per-request code needs. */
export interface JourneyContext {
  config: ResolvedJourneyConfig;
  store: PaymentStore;
  sealer: PaymentCookieSealer;
  clients: JourneyClients;
  logger: Logger;
  /** Names a payment in logs without revealing its id. */
  fingerprint: (paymentId: string) => string;
  /** The settlement core, shared by every feed of this journey. */
  settler: Settler;
  /** The `POST {mount}/webhooks` receiver; undefined when `webhooks` is not configured. */
  webhooks?: WebhookReceiver;
}

/** How long a pending record is kept: as long as GOV.UK Pay keeps next_url tokens. */
export const PENDING_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** A return id works this long while its payment is unfinished. */
export const RETURN_ID_TTL_MS = PENDING_TTL_MS;
/**
 * Once its payment is settled and shown, a return id works this much longer, for a refresh or a
 * second tab, and then stops: it is no bearer credential to the outcome for a week.
 */
export const RETURN_ID_AFTER_SHOWN_MS = 30 * 60 * 1000;
/** The "already shown" mark behind `firstVisit`; it outlives any plausible refresh. */
export const SHOWN_TTL_MS = 8 * 24 * 60 * 60 * 1000;
