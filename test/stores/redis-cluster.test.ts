import { randomUUID } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createCluster } from 'redis';
import { Cluster } from 'ioredis';
import { RedisStore } from '../../src/stores/redis';
import { describeWithServer } from '../helpers/store-servers';
import { registerConformance } from './scaled-time';
import { keySlot, startCluster } from '../helpers/redis-servers';
import type { OwnCluster } from '../helpers/redis-servers';

/**
 * RedisStore on a real Redis Cluster of three masters, started here from Debian's
 * redis-server: every per-payment operation must land on one slot, or the cluster refuses it
 * with CROSSSLOT. Runs wherever the single server tests run (.ci/run installs redis-server).
 */
describeWithServer('REDIS_URL', 'RedisStore on a 3-master Redis Cluster', () => {
  let cluster: OwnCluster;
  const prefix = `cluster-${randomUUID().slice(0, 8)}:`;

  beforeAll(async () => {
    cluster = await startCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('our CRC16 key slot agrees with CLUSTER KEYSLOT, hash tags included', () => {
    const port = String(cluster.nodes[0]?.port);
    for (const key of ['plain', `${prefix}pending:{p1}`, 'settle:j:{abc}', 'a{}b{c}', '{x}y{z}']) {
      const server = execFileSync('redis-cli', ['-p', port, 'cluster', 'keyslot', key], {
        encoding: 'utf8',
      });
      expect(keySlot(key)).toBe(Number(server.trim()));
    }
  });

  describe('conformance over node-redis createCluster', () => {
    registerConformance(async () => {
      const client = createCluster({
        rootNodes: cluster.nodes.map((node) => ({ url: node.url })),
      });
      await client.connect();
      return {
        store: new RedisStore({ client, prefix }),
        close: async () => void client.destroy(),
      };
    });
  });

  describe('conformance over ioredis Cluster', () => {
    registerConformance(async () => {
      const client = new Cluster(
        cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })),
        { lazyConnect: true },
      );
      await client.connect();
      return {
        store: new RedisStore({ client, prefix: `${prefix}io:` }),
        close: async () => client.disconnect(),
      };
    });
  });

  it('the keys of one payment spread over the cluster by payment, never within one', async () => {
    const client = createCluster({ rootNodes: cluster.nodes.map((node) => ({ url: node.url })) });
    await client.connect();
    try {
      const store = new RedisStore({ client, prefix });
      const slots = new Set<number>();
      for (let i = 0; i < 30; i += 1) {
        const paymentId = `spread${i}`;
        await store.savePending(
          { paymentId, selfHref: 'h', reference: 'r', amount: 1, createdAt: i },
          60_000,
        );
        expect(await store.markDue(paymentId)).toBe(true);
        slots.add(keySlot(`${prefix}pending:{${paymentId}}`));
        const begun = await store.beginSettlement(`settle:j:{${paymentId}}`, 60_000);
        expect(begun.status).toBe('acquired');
        if (begun.status === 'acquired') {
          expect(
            await store.commitSettlement(`settle:j:{${paymentId}}`, begun.lease.token, 60_000),
          ).toBe(true);
        }
        await store.deletePending(paymentId);
      }
      // 30 payments on one slot would mean the hash tag was the prefix, not the payment.
      expect(slots.size).toBeGreaterThan(10);
    } finally {
      client.destroy();
    }
  });
});
