import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { PayConfigError } from '../config-error.js';
import type { FaultRegistry } from './faults.js';
import { TransitionError } from './transitions.js';

/** What the admin routes drive: the same functions as the JS API. */
export interface AdminActions {
  readonly faults: FaultRegistry;
  advanceClock(ms: number): number;
  cancelByService(paymentId: string): void;
  failWithProviderError(paymentId: string): void;
  completePayment(paymentId: string, action: unknown): unknown;
  declineNextAgreementPayment(agreementId: string, options: { canRetry?: boolean }): void;
  deactivateAgreement(agreementId: string): void;
  raiseDispute(paymentId: string, options: { reason?: string }): string;
  resolveDispute(disputeId: string, outcome: never): void;
  reset(): void;
}

export class UnknownPaymentError extends Error {
  override readonly name = 'UnknownPaymentError';
}

/**
 * `/__simulator/*`, served only with `admin: true`, for tests that drive the simulator over
 * HTTP (another process, a browser test). Errors are `{ error }` with 400 or 404.
 */
export function createAdminRouter(actions: AdminActions): Router {
  const router = express.Router();
  router.use(express.json({ limit: '64kb' }));
  const body = (req: Request): Record<string, unknown> =>
    typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};
  const id = (req: Request): string => String(req.params.paymentId ?? '');

  router.post('/faults', (req, res) => {
    const { id: faultId } = actions.faults.add(req.body as never);
    res.status(201).json({ id: faultId });
  });
  router.delete('/faults', (_req, res) => {
    actions.faults.clear();
    res.status(204).end();
  });
  router.delete('/faults/:id', (req, res) => {
    const removed = actions.faults.removeById(Number(req.params.id));
    res.status(removed ? 204 : 404).end();
  });
  router.post('/clock/advance', (req, res) => {
    const now = actions.advanceClock(body(req).ms as number);
    res.json({ now: new Date(now).toISOString() });
  });
  router.post('/payments/:paymentId/service-cancel', (req, res) => {
    actions.cancelByService(id(req));
    res.status(204).end();
  });
  router.post('/payments/:paymentId/provider-error', (req, res) => {
    actions.failWithProviderError(id(req));
    res.status(204).end();
  });
  router.post('/payments/:paymentId/complete', (req, res) => {
    res.json(actions.completePayment(id(req), body(req)));
  });
  router.post('/agreements/:agreementId/decline-next', (req, res) => {
    actions.declineNextAgreementPayment(String(req.params.agreementId ?? ''), body(req));
    res.status(204).end();
  });
  router.post('/agreements/:agreementId/deactivate', (req, res) => {
    actions.deactivateAgreement(String(req.params.agreementId ?? ''));
    res.status(204).end();
  });
  router.post('/payments/:paymentId/dispute', (req, res) => {
    res.status(201).json({ dispute_id: actions.raiseDispute(id(req), body(req)) });
  });
  router.post('/disputes/:disputeId/resolve', (req, res) => {
    actions.resolveDispute(String(req.params.disputeId ?? ''), body(req).outcome as never);
    res.status(204).end();
  });
  router.post('/reset', (_req, res) => {
    actions.reset();
    res.status(204).end();
  });

  router.use((error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(error);
      return;
    }
    if (error instanceof UnknownPaymentError) {
      res.status(404).json({ error: error.message });
    } else if (
      error instanceof PayConfigError ||
      error instanceof TransitionError ||
      error instanceof TypeError ||
      error instanceof RangeError ||
      (error as { status?: unknown }).status === 400
    ) {
      res.status(400).json({ error: (error as Error).message });
    } else {
      next(error);
    }
  });
  return router;
}
