import type { PaymentCookieSealer } from '../cookie/index.js';
import type { Logger } from '../logger.js';
import type { PaymentStore } from '../store/types.js';
import type { JourneyClients } from './clients.js';
import type { ResolvedJourneyConfig } from './resolve-options.js';
import type { SettleDeps } from './settle.js';

/** Everything built once at construction that the per-request code needs. */
export interface JourneyContext {
  config: ResolvedJourneyConfig;
  store: PaymentStore;
  sealer: PaymentCookieSealer;
  clients: JourneyClients;
  logger: Logger;
  /** Names a payment in logs without revealing its id. */
  fingerprint: (paymentId: string) => string;
  settleDeps: SettleDeps;
}

/** How long a pending record and a return id are kept: as long as GOV.UK Pay keeps next_url tokens. */
export const PENDING_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const RETURN_ID_TTL_MS = PENDING_TTL_MS;
/** The "already shown" mark behind `firstVisit`; it outlives any plausible refresh. */
export const SHOWN_TTL_MS = 8 * 24 * 60 * 60 * 1000;
