import type { SimEvent, SimPayment, SimRefund } from '../model.js';

/** What the webhook sender hears about: every payment state change and every refund. */
export interface SimulatorChangeListener {
  stateChanged(payment: SimPayment, event: SimEvent): void;
  refundAdded(payment: SimPayment, refund: SimRefund): void;
}

// The transitions are plain functions over a payment, with no simulator at hand, so they
// report to this registry; each sender then keeps only the payments of its own simulator.
// Held weakly: a simulator that is dropped must not be kept alive, or told, by the registry.
const listeners = new Set<WeakRef<SimulatorChangeListener>>();

/** Starts telling `listener` of changes, until it is garbage or the returned function is called. */
export function listenToSimulatorChanges(listener: SimulatorChangeListener): () => void {
  const ref = new WeakRef(listener);
  listeners.add(ref);
  return () => {
    listeners.delete(ref);
  };
}

function each(tell: (listener: SimulatorChangeListener) => void): void {
  for (const ref of listeners) {
    const listener = ref.deref();
    if (listener === undefined) listeners.delete(ref);
    else tell(listener);
  }
}

/** Called by the transitions after a state change is recorded. */
export function notifyStateChanged(payment: SimPayment, event: SimEvent): void {
  if (listeners.size > 0) each((listener) => listener.stateChanged(payment, event));
}

/** Called by the store after a refund is recorded against its payment. */
export function notifyRefundAdded(payment: SimPayment, refund: SimRefund): void {
  if (listeners.size > 0) each((listener) => listener.refundAdded(payment, refund));
}
