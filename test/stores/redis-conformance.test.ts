import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import { Redis } from 'ioredis';
import { RedisStore } from '../../src/stores/redis';
import { describeWithServer } from '../helpers/store-servers';
import { registerConformance } from './scaled-time';

// Each file run gets its own prefix, so runs sharing one server never see each other's keys.
const prefix = `test-${randomUUID().slice(0, 8)}:`;

describeWithServer('REDIS_URL', 'RedisStore conformance over node-redis v5', (url) => {
  registerConformance(async () => {
    const client = createClient({ url });
    await client.connect();
    return { store: new RedisStore({ client, prefix }), close: async () => void client.destroy() };
  });
});

describeWithServer('REDIS_URL', 'RedisStore conformance over ioredis', (url) => {
  registerConformance(async () => {
    const client = new Redis(url, { lazyConnect: true });
    await client.connect();
    return {
      store: new RedisStore({ client, prefix: `${prefix}io:` }),
      close: async () => client.disconnect(),
    };
  });
});

describeWithServer(
  'REDIS_URL',
  'RedisStore conformance over node-redis v5 speaking RESP3',
  (url) => {
    registerConformance(async () => {
      const client = createClient({ url, RESP: 3 });
      await client.connect();
      return {
        store: new RedisStore({ client, prefix: `${prefix}resp3:` }),
        close: async () => void client.destroy(),
      };
    });
  },
);
