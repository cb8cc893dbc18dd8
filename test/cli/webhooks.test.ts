import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { generateTestApiKey } from '../../src/simulator';
import type { Receiver } from '../helpers/webhook-receiver';
import { closedPort, startReceiver } from '../helpers/webhook-receiver';

// These tests run the built CLI as a user would: `npm run build` first.
const ROOT = join(__dirname, '../..');
const CLI = join(ROOT, 'dist/cjs/cli.js');
const run = promisify(execFile);

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

interface RunningCli {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: string;
  stop(): Promise<number | null>;
}

/** Starts `govuk-pay-express simulator …` on a free port and waits for its banner. */
async function startSimulatorCli(args: string[]): Promise<RunningCli> {
  const child = spawn(process.execPath, [CLI, 'simulator', '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner:\n${output}`)), 20_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl+C to stop.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`simulator exited with ${String(code)}:\n${output}`));
    });
  });
  const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
  if (url === undefined) throw new Error(`no URL in:\n${output}`);
  return {
    child,
    url,
    output,
    stop: () => {
      child.kill('SIGINT');
      return exited;
    },
  };
}

async function createPaidPayment(simulatorUrl: string): Promise<string> {
  const created = await fetch(`${simulatorUrl}/v1/payments`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${generateTestApiKey()}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({
      amount: 1500,
      reference: 'CLI-1',
      description: 'Parking permit',
      return_url: 'https://service.example.gov.uk/return',
    }),
  });
  expect(created.status).toBe(201);
  const { payment_id: paymentId } = (await created.json()) as { payment_id: string };
  const completed = await fetch(`${simulatorUrl}/__simulator/payments/${paymentId}/complete`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ card: '4444333322221111' }),
  });
  expect(completed.status).toBe(200);
  return paymentId;
}

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
});

describe('govuk-pay-express simulator --webhook-url', () => {
  let receiver: Receiver;
  const secrets: string[] = [];
  let simulator: RunningCli;

  beforeAll(async () => {
    receiver = await startReceiver(secrets);
    simulator = await startSimulatorCli(['--admin', '--webhook-url', receiver.url]);
    const secret = /secret: +(webhook_test_[0-9a-v]+)/.exec(simulator.output)?.[1];
    if (secret === undefined) throw new Error(`no secret printed:\n${simulator.output}`);
    secrets.push(secret);
  });
  afterAll(async () => {
    expect(await simulator.stop()).toBe(0);
    await receiver.close();
  });

  it('prints the webhook URL and a generated webhook_test_ secret, and signs with it', async () => {
    expect(simulator.output).toContain(`webhooks to:  ${receiver.url}`);
    expect(simulator.output).toContain('(generated: give it to your webhook receiver)');
    await createPaidPayment(simulator.url);
    const requests = await receiver.waitFor(2);
    expect(requests.every((r) => r.signatureValid)).toBe(true);
    expect(new Set(requests.map((r) => r.json.event_type))).toEqual(
      new Set(['card_payment_succeeded', 'card_payment_captured']),
    );
  });

  it('webhooks replay --message sends that message again, byte for byte', async () => {
    const before = receiver.received.length;
    const original = receiver.received[0];
    if (original === undefined) throw new Error('nothing received yet');
    const messageId = original.json.webhook_message_id as string;
    const result = await cli([
      'webhooks',
      'replay',
      '--message',
      messageId,
      '--simulator',
      simulator.url,
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(`message ${messageId} to ${receiver.url}: answered 200`);
    await receiver.waitFor(before + 1);
    const replayed = receiver.received[before];
    expect(replayed?.rawBody.equals(original.rawBody)).toBe(true);
    expect(replayed?.signatureValid).toBe(true);
  });

  it('webhooks trigger EVENT --payment sends the event, without printing the payment id', async () => {
    const paymentId = await createPaidPayment(simulator.url);
    const before = receiver.received.length;
    await receiver.waitFor(before + 2);
    const result = await cli([
      'webhooks',
      'trigger',
      'refunded',
      '--payment',
      paymentId,
      '--simulator',
      simulator.url,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Sent card_payment_refunded message [0-9a-v]{26} to .*: answered 200/,
    );
    expect(result.stdout + result.stderr).not.toContain(paymentId);
    const triggered = receiver.received.find(
      (r) => r.json.event_type === 'card_payment_refunded' && r.json.resource_id === paymentId,
    );
    expect(triggered?.signatureValid).toBe(true);
  });

  it('webhooks deliveries lists every attempt, with message ids to replay', async () => {
    const result = await cli(['webhooks', 'deliveries', '--simulator', simulator.url]);
    expect(result.code).toBe(0);
    const firstId = receiver.received[0]?.json.webhook_message_id as string;
    expect(result.stdout).toMatch(
      new RegExp(`^\\S+Z  card_payment_\\w+ +${firstId}  attempt 1  200$`, 'm'),
    );
    expect(result.stdout).toContain('(redelivery)');
  });

  it('exits 1 for an unknown message or payment', async () => {
    const replay = await cli([
      'webhooks',
      'replay',
      '--message',
      'nosuchmessage',
      '--simulator',
      simulator.url,
    ]);
    expect(replay.code).toBe(1);
    expect(replay.stderr).toContain('no webhook message');
    const trigger = await cli([
      'webhooks',
      'trigger',
      'card_payment_captured',
      '--payment',
      'nosuchpayment',
      '--simulator',
      simulator.url,
    ]);
    expect(trigger.code).toBe(1);
    expect(trigger.stderr).toContain('the simulator has no such payment');
  });
});

describe('govuk-pay-express webhooks: mistakes', () => {
  it('says how to start the simulator when it is not there, or has no admin routes', async () => {
    const port = await closedPort();
    const absent = await cli([
      'webhooks',
      'replay',
      '--message',
      'm',
      '--simulator',
      `http://127.0.0.1:${port}`,
    ]);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain('cannot reach the simulator');
    const plain = await startSimulatorCli([]);
    try {
      const noAdmin = await cli(['webhooks', 'replay', '--message', 'm', '--simulator', plain.url]);
      expect(noAdmin.code).toBe(1);
      expect(noAdmin.stderr).toContain('start it with --admin');
    } finally {
      await plain.stop();
    }
  });

  it.each<[string[], RegExp]>([
    [['webhooks', 'replay'], /replay needs --message ID/],
    [['webhooks', 'trigger', '--payment', 'p'], /trigger needs an EVENT/],
    [['webhooks', 'trigger', 'captured'], /trigger needs --payment ID/],
    [['webhooks', 'trigger', 'settled', '--payment', 'p'], /unknown event "settled"/],
    [['webhooks', 'resend'], /unknown subcommand "resend"/],
    [
      ['webhooks', 'replay', '--message', 'm', '--simulator', 'not a url'],
      /--simulator must be a URL/,
    ],
    [['simulator', '--webhook-secret', 's'], /--webhook-secret needs --webhook-url/],
  ])('%j exits 2 with a usage message', async (args, message) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('simulator with a bad --webhook-url exits 2 naming the option', async () => {
    const result = await cli(['simulator', '--port', '0', '--webhook-url', 'ftp://x/y']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('webhooks[0].url must be an http(s) URL');
  });

  it('webhooks --help lists the event types; the top-level help lists the command', async () => {
    const help = await cli(['webhooks', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('card_payment_expired');
    const top = await cli(['--help']);
    expect(top.stdout).toMatch(/webhooks +replay or trigger webhooks/);
  });

  it('a given --webhook-secret is used and not printed', async () => {
    const secret = 'webhook_test_givensecret000000000000000';
    const receiver = await startReceiver([secret]);
    const simulator = await startSimulatorCli([
      '--admin',
      '--webhook-url',
      receiver.url,
      '--webhook-secret',
      secret,
    ]);
    try {
      expect(simulator.output).not.toContain(secret);
      expect(simulator.output).toContain('as given by --webhook-secret');
      await createPaidPayment(simulator.url);
      const requests = await receiver.waitFor(2);
      expect(requests.every((r) => r.signatureValid)).toBe(true);
    } finally {
      await simulator.stop();
      await receiver.close();
    }
  });
});
