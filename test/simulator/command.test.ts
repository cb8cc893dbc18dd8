import { Agent } from 'node:http';
import axios from 'axios';
import { CLI_USAGE, runCli } from '../../src/cli';
import { runSimulatorCommand } from '../../src/simulator/command';

function captureIo(stopSignal?: Promise<unknown>) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      out: (line: string) => out.push(line),
      err: (line: string) => err.push(line),
      ...(stopSignal === undefined ? {} : { stopSignal }),
    },
  };
}

async function until(predicate: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setImmediate(r));
  if (!predicate()) throw new Error('condition never held');
}

describe('govuk-pay-express simulator', () => {
  it('--pages-on-api-host keeps next_url on the API host', async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const { out, io } = captureIo(stopped);
    const running = runSimulatorCommand(['--port', '0', '--pages-on-api-host'], io);
    await until(() => out.length > 0);
    const banner = out.join('\n');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1] as string;
    const key = /test API key: (api_test_[0-9a-v]+)/.exec(banner)?.[1] as string;
    expect(banner).toContain(`pages:        ${url}`);
    const created = await axios.post(
      `${url}/v1/payments`,
      { amount: 100, reference: 'R', description: 'D', return_url: 'https://example.com/r' },
      { headers: { authorization: `Bearer ${key}` } },
    );
    expect(created.data._links.next_url.href.startsWith(`${url}/secure/`)).toBe(true);
    stop();
    await expect(running).resolves.toBe(0);
  });

  it('starts on 127.0.0.1, prints the URL, a working test key and the test cards, and stops on the signal', async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const { out, err, io } = captureIo(stopped);
    const running = runSimulatorCommand(['--port', '0'], io);
    await until(() => out.length > 0);
    const banner = out.join('\n');
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
    const key = /test API key: (api_test_[0-9a-v]+)/.exec(banner)?.[1];
    expect(url).toBeDefined();
    expect(key).toHaveLength(67);
    // The pages are on the other loopback name, cross-site to a service on 127.0.0.1.
    expect(banner).toContain(`pages:        ${(url as string).replace('127.0.0.1', 'localhost')}`);
    for (const card of [
      '4444333322221111',
      '4000000000000002',
      '4000000000000069',
      '4000000000000127',
      '4000000000000119',
    ]) {
      expect(banner).toContain(card);
    }
    const res = await axios.get(`${url}/v1/payments`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(200);
    stop();
    await expect(running).resolves.toBe(0);
    expect(out.at(-1)).toBe('GOV.UK Pay simulator stopped.');
    expect(err).toEqual([]);
    // A new connection: the listener is gone.
    await expect(axios.get(`${url}/v1/payments`, { httpAgent: new Agent() })).rejects.toMatchObject(
      {
        code: 'ECONNREFUSED',
      },
    );
  });

  it('takes --api-key, --admin and --no-rate-limit', async () => {
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const { out, io } = captureIo(stopped);
    const key = `api_live_${'b'.repeat(58)}`;
    const running = runSimulatorCommand(
      ['--port=0', '--api-key', key, '--admin', '--no-rate-limit', '--host', '127.0.0.1'],
      io,
    );
    await until(() => out.length > 0);
    const url = /listening on (\S+)/.exec(out[0] as string)?.[1] as string;
    expect(out[0]).toContain(key);
    const other = await axios.get(`${url}/v1/payments`, {
      headers: { authorization: `Bearer api_test_${'c'.repeat(58)}` },
      validateStatus: () => true,
    });
    expect(other.status).toBe(401);
    expect((await axios.post(`${url}/__simulator/reset`)).status).toBe(204);
    stop();
    await running;
  });

  it.each([
    [['--port', 'eighty']],
    [['--port']],
    [['--host', '0.0.0.0']],
    [['--colour']],
    [['--api-key', 'not-a-key']],
  ])('exits 2 with a message on stderr for %j', async (args) => {
    const { out, err, io } = captureIo();
    await expect(runSimulatorCommand(args, io)).resolves.toBe(2);
    expect(out).toEqual([]);
    expect(err.join('\n')).toMatch(/govuk-pay-express/);
  });

  it('prints its help', async () => {
    const { out, io } = captureIo();
    await expect(runSimulatorCommand(['--help'], io)).resolves.toBe(0);
    expect(out[0]).toMatch(/^Usage: govuk-pay-express simulator/);
  });
});

describe('the CLI dispatcher', () => {
  it('prints usage on stderr and exits 2 for an unknown or missing command', async () => {
    for (const argv of [['bogus'], []]) {
      const { out, err, io } = captureIo();
      await expect(runCli(argv, io)).resolves.toBe(2);
      expect(out).toEqual([]);
      expect(err.join('\n')).toContain(CLI_USAGE);
    }
  });

  it('lists the simulator command and prints help on --help', async () => {
    const { out, io } = captureIo();
    await expect(runCli(['--help'], io)).resolves.toBe(0);
    expect(out[0]).toContain('simulator');
  });

  it('dispatches to the simulator command', async () => {
    const { out, io } = captureIo();
    await expect(runCli(['simulator', '--help'], io)).resolves.toBe(0);
    expect(out[0]).toMatch(/^Usage: govuk-pay-express simulator/);
  });
});
