import { commandFlags, UsageError } from '../cli-flags.js';
import type { WebhookEventType } from '../../webhooks/index.js';
import { WEBHOOK_EVENT_TYPES } from '../../webhooks/index.js';
import type { CommandIo } from '../command.js';
import { WEBHOOK_ADMIN_PATH } from './admin.js';
import type { WebhookDelivery } from './sender.js';

/** Where `govuk-pay-express simulator` listens unless told otherwise. */
export const DEFAULT_SIMULATOR_URL = 'http://127.0.0.1:4567';

export const WEBHOOKS_USAGE = `Usage:
  govuk-pay-express webhooks deliveries [--simulator URL]
  govuk-pay-express webhooks replay --message ID [--simulator URL]
  govuk-pay-express webhooks trigger EVENT --payment ID [--simulator URL]

Drives a running simulator (started with --webhook-url and --admin):
  deliveries  lists every attempt: time, event, message id, attempt, answer
  replay      sends one webhook message again, as it was first sent
  trigger     sends EVENT for a payment as it is now, to every webhook URL
              that takes it; EVENT is one of
              ${WEBHOOK_EVENT_TYPES.join(',\n              ')}
              (or its last word: succeeded, captured, refunded, failed, expired)

Options:
  --simulator URL   the simulator (default ${DEFAULT_SIMULATOR_URL})
  --message ID      a webhook_message_id, as the receiver logged it
  --payment ID      a payment_id
  --help            show this help

replay and trigger exit 0 once the receiver answered 2xx, 1 if it did not;
every command exits 2 for a usage mistake.`;

/** The simulator answered something other than the admin routes' JSON. */
class SimulatorError extends Error {}

interface Parsed {
  readonly action: 'deliveries' | 'replay' | 'trigger';
  readonly simulator: URL;
  readonly messageId?: string;
  readonly eventType?: WebhookEventType;
  readonly paymentId?: string;
}

function parseEventType(value: string): WebhookEventType {
  const full = value.startsWith('card_payment_') ? value : `card_payment_${value}`;
  if (!WEBHOOK_EVENT_TYPES.includes(full as WebhookEventType)) {
    throw new UsageError(`unknown event ${JSON.stringify(value)}`);
  }
  return full as WebhookEventType;
}

function parseArgs(args: readonly string[]): Parsed | 'help' {
  const [action, ...rest] = args;
  if (action === undefined || action === '--help' || action === '-h' || action === 'help') {
    return 'help';
  }
  if (action !== 'deliveries' && action !== 'replay' && action !== 'trigger') {
    throw new UsageError(`unknown subcommand ${JSON.stringify(action)}`);
  }
  let simulator = DEFAULT_SIMULATOR_URL;
  let messageId: string | undefined;
  let paymentId: string | undefined;
  let eventType: WebhookEventType | undefined;
  for (const { arg, name, value } of commandFlags(rest)) {
    switch (name) {
      case '--help':
      case '-h':
        return 'help';
      case '--simulator':
        simulator = value();
        break;
      case '--message':
        messageId = value();
        break;
      case '--payment':
        paymentId = value();
        break;
      default:
        if (action === 'trigger' && eventType === undefined && !arg.startsWith('-')) {
          eventType = parseEventType(arg);
          break;
        }
        throw new UsageError(`unknown option ${arg}`);
    }
  }
  let url: URL;
  try {
    url = new URL(simulator);
  } catch {
    throw new UsageError(`--simulator must be a URL such as ${DEFAULT_SIMULATOR_URL}`);
  }
  if (action === 'deliveries') {
    if (messageId !== undefined || paymentId !== undefined) {
      throw new UsageError('deliveries takes only --simulator');
    }
    return { action, simulator: url };
  }
  if (action === 'replay') {
    if (messageId === undefined) throw new UsageError('replay needs --message ID');
    if (paymentId !== undefined) throw new UsageError('replay takes no --payment');
    return { action, simulator: url, messageId };
  }
  if (eventType === undefined) throw new UsageError('trigger needs an EVENT');
  if (paymentId === undefined) throw new UsageError('trigger needs --payment ID');
  if (messageId !== undefined) throw new UsageError('trigger takes no --message');
  return { action, simulator: url, eventType, paymentId };
}

async function callAdmin(
  simulator: URL,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const url = new URL(`${WEBHOOK_ADMIN_PATH}${path}`, simulator);
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      // A redelivery waits for the receiver, which may take GOV.UK Pay's 3 seconds.
      signal: AbortSignal.timeout(30_000),
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
  } catch {
    throw new SimulatorError(
      `cannot reach the simulator at ${simulator.origin}; start it with \`govuk-pay-express simulator --admin --webhook-url URL\`, or pass --simulator URL`,
    );
  }
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? {} : JSON.parse(text);
  } catch {
    json = undefined;
  }
  const isObject = typeof json === 'object' && json !== null && !Array.isArray(json);
  if (
    !isObject ||
    (response.status === 404 && typeof (json as { error?: unknown }).error !== 'string')
  ) {
    throw new SimulatorError(
      `${simulator.origin} does not serve the simulator's webhook admin routes; start it with --admin`,
    );
  }
  return { status: response.status, json: json as Record<string, unknown> };
}

function describe(delivery: WebhookDelivery): string {
  const answer =
    delivery.status !== undefined
      ? `answered ${delivery.status}`
      : `failed: ${String(delivery.error)}`;
  return `${delivery.eventType} message ${delivery.messageId} to ${delivery.url}: ${answer}`;
}

/** `govuk-pay-express webhooks …`: resolves to the exit code. */
export async function runWebhooksCommand(args: readonly string[], io: CommandIo): Promise<number> {
  let parsed: Parsed | 'help';
  try {
    parsed = parseArgs(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`govuk-pay-express webhooks: ${error.message}\n\n${WEBHOOKS_USAGE}`);
    return 2;
  }
  if (parsed === 'help') {
    io.out(WEBHOOKS_USAGE);
    return 0;
  }
  try {
    switch (parsed.action) {
      case 'deliveries':
        return await listDeliveries(parsed, io);
      case 'replay':
        return await replay(parsed, io);
      case 'trigger':
        return await trigger(parsed, io);
      default: {
        const unknown: never = parsed.action;
        throw new Error(`unknown action ${String(unknown)}`);
      }
    }
  } catch (error) {
    if (!(error instanceof SimulatorError)) throw error;
    io.err(`govuk-pay-express webhooks: ${error.message}`);
    return 1;
  }
}

async function listDeliveries(parsed: Parsed, io: CommandIo): Promise<number> {
  const { json } = await callAdmin(parsed.simulator, 'GET', '/deliveries');
  const deliveries = (json.deliveries as WebhookDelivery[] | undefined) ?? [];
  if (deliveries.length === 0) io.out('No webhook deliveries yet.');
  for (const d of deliveries) {
    const answer = d.status !== undefined ? String(d.status) : (d.error ?? d.result);
    io.out(
      `${d.at}  ${d.eventType.padEnd(22)}  ${d.messageId}  attempt ${d.attempt}${d.kind === 'scheduled' ? '' : ` (${d.kind})`}  ${answer}`,
    );
  }
  return 0;
}

async function replay(parsed: Parsed, io: CommandIo): Promise<number> {
  const id = encodeURIComponent(parsed.messageId as string);
  const { status, json } = await callAdmin(parsed.simulator, 'POST', `/messages/${id}/redeliver`);
  if (status !== 200) {
    io.err(`govuk-pay-express webhooks replay: ${String(json.error)}`);
    return 1;
  }
  const delivery = json as unknown as WebhookDelivery;
  io.out(`Replayed ${describe(delivery)}`);
  return delivery.result === 'delivered' ? 0 : 1;
}

async function trigger(parsed: Parsed, io: CommandIo): Promise<number> {
  const { status, json } = await callAdmin(parsed.simulator, 'POST', '/trigger', {
    event_type: parsed.eventType,
    payment_id: parsed.paymentId,
  });
  if (status !== 201) {
    // The simulator's message names the payment; the CLI does not repeat payment ids.
    io.err(
      `govuk-pay-express webhooks trigger: ${status === 404 ? 'the simulator has no such payment' : String(json.error)}`,
    );
    return 1;
  }
  const ids = (json.message_ids as string[] | undefined) ?? [];
  if (ids.length === 0) {
    io.err(
      `govuk-pay-express webhooks trigger: no webhook URL of the simulator takes ${String(parsed.eventType)}`,
    );
    return 1;
  }
  await callAdmin(parsed.simulator, 'POST', '/idle');
  const { json: list } = await callAdmin(parsed.simulator, 'GET', '/deliveries');
  const deliveries = ((list.deliveries as WebhookDelivery[] | undefined) ?? []).filter((d) =>
    ids.includes(d.messageId),
  );
  for (const delivery of deliveries) io.out(`Sent ${describe(delivery)}`);
  const delivered = ids.every((id) =>
    deliveries.some((d) => d.messageId === id && d.result === 'delivered'),
  );
  if (!delivered) io.err('Not delivered yet: the simulator retries on GOV.UK Pay’s schedule.');
  return delivered ? 0 : 1;
}
