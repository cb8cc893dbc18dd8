/**
 * The store failed (down, slow, refusing) while settling or recording a payment. It wraps the
 * store's own error, so a feed can tell "the store could not say" — which, on a return, is
 * `unconfirmed`: the citizen may have paid — from a failure of the service's own `onSettled`,
 * which must reach its error handler.
 */
export class SettlementStoreError extends Error {
  override readonly name = 'SettlementStoreError';
  readonly code = 'ERR_PAY_STORE_UNAVAILABLE';

  constructor(cause: unknown) {
    super('govuk-pay-express: the payment store could not be reached', { cause });
  }
}

/** Runs one store operation, turning any failure into a {@link SettlementStoreError}. */
export async function inStore<T>(operation: () => T | Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (err) {
    throw err instanceof SettlementStoreError ? err : new SettlementStoreError(err);
  }
}
