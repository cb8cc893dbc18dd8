import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './ports';

const run = promisify(execFile);

/** A redis-server this test started, on loopback, in a throwaway directory. */
export interface OwnRedis {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

export { freePort };

/** Waits for the server to answer PING, for 10 s at the most. */
async function waitForPing(port: number): Promise<void> {
  for (let i = 0; i < 100; i += 1) {
    try {
      const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping']);
      if (stdout.trim() === 'PONG') return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within 10 s`);
}

/** Starts redis-server (from PATH, as Debian installs it) with the extra arguments given. */
export async function startRedis(extra: string[] = []): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'govuk-pay-redis-'));
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', ...extra],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitForPing(port);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A local Redis Cluster of three masters, no replicas, slots split by redis-cli. */
export interface OwnCluster {
  readonly nodes: readonly OwnRedis[];
  stop(): Promise<void>;
}

export async function startCluster(): Promise<OwnCluster> {
  const nodes = await Promise.all(
    [0, 1, 2].map(() =>
      startRedis(['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf']),
    ),
  );
  const stop = async (): Promise<void> => {
    await Promise.all(nodes.map((node) => node.stop()));
  };
  try {
    await run('redis-cli', [
      '--cluster',
      'create',
      ...nodes.map((node) => `127.0.0.1:${node.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    // The nodes agree on the slot map a moment after create returns.
    for (let i = 0; i < 100; i += 1) {
      const states = await Promise.all(
        nodes.map(
          async (node) =>
            (await run('redis-cli', ['-p', String(node.port), 'cluster', 'info'])).stdout,
        ),
      );
      if (states.every((info) => info.includes('cluster_state:ok'))) return { nodes, stop };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('the cluster did not reach cluster_state:ok within 10 s');
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Redis Cluster's key slot: CRC16 (XMODEM) of the hash tag if there is one, mod 16384. */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  let hashed = key;
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) hashed = key.slice(open + 1, close);
  }
  let crc = 0;
  for (const byte of Buffer.from(hashed)) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc % 16384;
}
