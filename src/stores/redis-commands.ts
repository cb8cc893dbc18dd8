import { createHash } from 'node:crypto';
import { PayConfigError } from '../config-error.js';
import { PayStoreError } from './errors.js';

/**
 * The one thing {@link RedisStore} needs from a client: send a command as an array of strings
 * and get the reply.
 */
export interface RedisCommandSender {
  sendCommand(args: string[]): Promise<unknown>;
}

/** How the store sends: `firstKey` is the command's first key, for a cluster to route by. */
type SendCommand = (args: string[], firstKey?: string) => Promise<unknown>;

/** A connected node-redis v5 client (`createClient()`), as far as the store uses it. */
interface NodeRedisClient {
  sendCommand(args: string[]): Promise<unknown>;
}

/** A connected node-redis v5 cluster (`createCluster()`), which routes by a command's first key. */
interface NodeRedisCluster {
  sendCommand(firstKey: string | undefined, isReadonly: boolean, args: string[]): Promise<unknown>;
  getSlotMaster(slot: number): unknown;
}

/** An ioredis `Redis` or `Cluster`, whose `call` sends any command and routes it by its keys. */
interface IoredisClient {
  call(command: string, ...args: string[]): Promise<unknown>;
}

/**
 * What `client` may be: a node-redis client or cluster, an ioredis client or cluster, or any
 * object with `sendCommand(args)` answering as Redis does.
 */
export type RedisClientLike =
  NodeRedisClient | NodeRedisCluster | IoredisClient | RedisCommandSender;

/** Picks how to talk to the given client, by what it can do. */
export function commandSenderFor(client: unknown): SendCommand {
  if (typeof client === 'object' && client !== null) {
    const c = client as Record<string, unknown>;
    // ioredis has a sendCommand too, taking its own Command objects: look for call first.
    if (typeof c.call === 'function') {
      const io = client as IoredisClient;
      return (args) => io.call(args[0] as string, ...args.slice(1));
    }
    if (typeof c.sendCommand === 'function' && typeof c.getSlotMaster === 'function') {
      const cluster = client as NodeRedisCluster;
      return (args, firstKey) => cluster.sendCommand(firstKey, false, args);
    }
    if (typeof c.sendCommand === 'function') {
      const plain = client as RedisCommandSender;
      // The command alone: node-redis reads a second argument as command options, and would
      // spread a key string there into an object of one property per character.
      return (args) => plain.sendCommand(args);
    }
  }
  throw new PayConfigError(
    'ERR_PAY_INVALID_OPTION',
    'RedisStore client must be a connected node-redis client (createClient() from "redis", after connect()), an ioredis client, or an object with sendCommand(args); pass it as { client }',
  );
}

/** A Lua script run by EVALSHA, and sent again with EVAL when the server no longer has it. */
export class RedisScript {
  readonly sha: string;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }
}

/** Sends commands with a time limit, and turns every failure into a {@link PayStoreError}. */
export class RedisCommands {
  readonly #send: SendCommand;
  readonly #timeoutMs: number;

  constructor(client: unknown, timeoutMs: number) {
    this.#send = commandSenderFor(client);
    this.#timeoutMs = timeoutMs;
  }

  /** One command. `firstKey` routes it on a cluster; give it for every command with a key. */
  async send(args: string[], firstKey?: string): Promise<unknown> {
    try {
      return await this.#withTimeout(this.#send(args, firstKey));
    } catch (error) {
      throw storeError(error);
    }
  }

  /** Runs a script over `keys`, which must all hash to one slot on a cluster. */
  async run(script: RedisScript, keys: string[], args: string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    const firstKey = keys[0];
    try {
      return await this.#withTimeout(this.#send(['EVALSHA', script.sha, ...tail], firstKey));
    } catch (error) {
      if (!isNoScript(error)) throw storeError(error);
    }
    // A restart, failover or SCRIPT FLUSH emptied the script cache: EVAL caches it again.
    try {
      return await this.#withTimeout(this.#send(['EVAL', script.source, ...tail], firstKey));
    } catch (error) {
      throw storeError(error);
    }
  }

  #withTimeout<T>(reply: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new CommandTimeout(this.#timeoutMs));
      }, this.#timeoutMs);
      timer.unref();
      reply.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }
}

class CommandTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`Redis did not answer within ${timeoutMs} ms`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function isNoScript(error: unknown): boolean {
  return messageOf(error).startsWith('NOSCRIPT');
}

/** Marker the scripts raise, with redis.error_reply, on a value they did not write. */
export const CORRUPT_REPLY = 'GOVUKPAY_CORRUPT';

function storeError(error: unknown): PayStoreError {
  if (error instanceof PayStoreError) return error;
  const message = messageOf(error);
  if (message.includes('WRONGTYPE') || message.includes(CORRUPT_REPLY)) {
    return new PayStoreError(
      'ERR_PAY_STORE_CORRUPT',
      'a RedisStore key holds a value this store did not write (wrong type or malformed); delete the key or use another prefix',
      { cause: error },
    );
  }
  // Only the code of a server error ("ERR", "BUSY"): the rest may quote a key, and so a
  // payment id. The client's own errors ("The client is closed") never quote one.
  const serverCode = /^([A-Z]+)\b/.exec(message)?.[1];
  const detail = serverCode !== undefined && serverCode.length > 1 ? serverCode : message;
  return new PayStoreError('ERR_PAY_STORE_UNAVAILABLE', `Redis command failed (${detail})`, {
    cause: error,
  });
}
