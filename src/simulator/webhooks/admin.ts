import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { PayConfigError } from '../../config-error.js';
import type { WebhookEventType } from '../../webhooks/index.js';
import { UnknownPaymentError } from '../admin.js';
import type { WebhookSender } from './sender.js';
import { UnknownWebhookMessageError } from './sender.js';

/** Where the webhook admin routes are mounted, under the simulator's admin prefix. */
export const WEBHOOK_ADMIN_PATH = '/__simulator/webhooks';

/**
 * `/__simulator/webhooks/*`, served only with `admin: true`: the controls of `sim.webhooks` for
 * another process (the CLI's `webhooks replay` and `webhooks trigger`, a browser test).
 * Payment ids travel in bodies, never in URLs. Errors are `{ error }` with 400 or 404.
 */
export function createWebhookAdminRouter(sender: WebhookSender): Router {
  const router = express.Router();
  router.use(express.json({ limit: '64kb' }));
  const controls = sender.controls;
  const body = (req: Request): Record<string, unknown> =>
    typeof req.body === 'object' && req.body !== null ? (req.body as Record<string, unknown>) : {};

  router.get('/deliveries', (_req, res) => {
    res.json({ deliveries: controls.deliveries() });
  });
  router.get('/messages', (_req, res) => {
    res.json({ messages: controls.messages() });
  });
  router.get('/messages/:messageId', (req, res) => {
    const record = controls.messages().find((m) => m.messageId === req.params.messageId);
    if (record === undefined) res.status(404).json({ error: 'no webhook message with that id' });
    else res.json(record);
  });
  router.post('/messages/:messageId/redeliver', (req, res, next) => {
    controls.redeliver(String(req.params.messageId)).then((delivery) => res.json(delivery), next);
  });
  router.post('/trigger', (req, res) => {
    const { event_type: eventType, payment_id: paymentId } = body(req);
    if (typeof eventType !== 'string' || typeof paymentId !== 'string') {
      res.status(400).json({ error: 'send { "event_type": "card_payment_…", "payment_id": "…" }' });
      return;
    }
    const ids = controls.trigger(eventType as WebhookEventType, paymentId);
    res.status(201).json({ message_ids: ids });
  });
  router.post('/idle', (_req, res, next) => {
    controls.idle().then(() => res.status(204).end(), next);
  });
  router.post('/faults', (req, res) => {
    const { id } = sender.faults.add(req.body);
    res.status(201).json({ id });
  });
  router.delete('/faults', (_req, res) => {
    sender.faults.clear();
    res.status(204).end();
  });
  router.delete('/faults/:id', (req, res) => {
    res.status(sender.faults.removeById(Number(req.params.id)) ? 204 : 404).end();
  });

  router.use((error: unknown, _req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(error);
    } else if (
      error instanceof UnknownPaymentError ||
      error instanceof UnknownWebhookMessageError
    ) {
      res.status(404).json({ error: error.message });
    } else if (
      error instanceof PayConfigError ||
      error instanceof TypeError ||
      (error as { status?: unknown }).status === 400
    ) {
      res.status(400).json({ error: (error as Error).message });
    } else {
      next(error);
    }
  });
  return router;
}
