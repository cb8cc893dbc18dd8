/**
 * Several instances and crashes (issue 12): three journey instances, each its own process, share
 * one store; the simulator runs in a process of its own. Citizens' requests go to instances at
 * random; instances are killed with SIGKILL at random moments (some inside onSettled) and
 * started again; for Redis, the server itself is restarted once mid-run, with append-only
 * persistence. The invariants are checked against the simulator and against the fulfilment
 * ledger that every onSettled appends to.
 */
import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PayClient } from '../../src/client';
import { classifyPayment } from '../../src/settlement';
import { generateTestApiKey } from '../../src/simulator';
import { Browser } from '../helpers/browser';
import type { BrowserResponse } from '../helpers/browser';
import { freePort } from '../helpers/redis-servers';
import { describeWithServer, serverUrl } from '../helpers/store-servers';
import { seededRandom } from '../helpers/prng';

const CITIZENS = Number(process.env.INSTANCES_CITIZENS ?? 300);
const CONCURRENCY = 12;
const INSTANCES = 3;
const MAX_KILLS = 30;
const LEASE_SECONDS = 1;
const PUBLIC_URL = 'http://127.0.0.1:65002';
const COOKIE_SECRET = 'instances-test-secret-0123456789-abcdefghijklmnopq';
const GOOD = '4444333322221111';
const DECLINED = '4000000000000002';
const SUPPORT = join(__dirname, 'support');

interface LedgerEntry {
  instance: string;
  paymentId: string;
  attempt: number;
  outcome: string;
  step: 'begin' | 'done';
}

interface Instance {
  name: string;
  port: number;
  url: string;
  child: ChildProcess | undefined;
  up: boolean;
}

type Behaviour = 'pay and return' | 'pay, never return' | 'abandon' | 'declined and return';

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One request on a fresh connection. Instances are killed and started again on the same port,
 * so a pooled keep-alive socket would belong to a dead process.
 */
function send(
  url: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: options.method ?? 'GET', headers: options.headers, agent: false },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        res.on('error', reject);
      },
    );
    req.setTimeout(30_000, () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** True when a Redis server on the port answers PING. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.setTimeout(1000);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

function forkReady(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; message: Record<string, string> }> {
  const child = fork(script, [], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.on('message', (message: Record<string, string>) => {
      if (message.type === 'listening') resolve({ child, message });
      if (message.type === 'failed') reject(new Error(message.message));
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${String(code)}`)));
  });
}

async function runSeveralInstances(store: 'redis' | 'postgres', storeUrl: string): Promise<void> {
  const random = seededRandom(store === 'redis' ? 1201 : 1202);
  const dir = mkdtempSync(join(tmpdir(), 'govuk-pay-instances-'));
  const ledgerPath = join(dir, 'ledger.ndjson');
  writeFileSync(ledgerPath, '');
  const apiKey = generateTestApiKey();
  const match = store === 'redis' ? 'return-id' : 'cookie';
  const counts = new Map<string, number>();
  const count = (key: string): void => void counts.set(key, (counts.get(key) ?? 0) + 1);
  const problems: string[] = [];

  // Our own redis-server, so that it can be restarted; PostgreSQL is the one DATABASE_URL names.
  let redis: ChildProcess | undefined;
  let redisPort = 0;
  const startRedisServer = async (): Promise<void> => {
    redis = spawn(
      'redis-server',
      [
        '--port',
        String(redisPort),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'yes',
        '--appendfsync',
        'always',
      ],
      { stdio: 'ignore' },
    );
    for (let i = 0; i < 100; i += 1) {
      if (await answersPing(redisPort)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('redis-server did not start');
  };
  const stopRedisServer = async (): Promise<void> => {
    if (redis === undefined || redis.exitCode !== null) return;
    const exited = new Promise((resolve) => redis?.once('exit', resolve));
    // A graceful restart: SIGTERM makes Redis fsync its append-only file and exit.
    redis.kill('SIGTERM');
    await exited;
  };
  if (store === 'redis') {
    redisPort = await freePort();
    await startRedisServer();
  }
  const storeEnv =
    store === 'redis'
      ? {
          STORE: 'redis',
          REDIS_URL: `redis://127.0.0.1:${redisPort}`,
          STORE_PREFIX: `inst-${randomBytes(3).toString('hex')}`,
        }
      : {
          STORE: 'postgres',
          DATABASE_URL: storeUrl,
          STORE_PREFIX: `inst_${randomBytes(3).toString('hex')}`,
        };

  const sim = await forkReady(join(SUPPORT, 'sim-process.cjs'), { API_KEY: apiKey });
  const simUrl = sim.message.url as string;
  const pagesOrigin = new URL(sim.message.pagesUrl as string).origin;
  const nextUrlHosts = [new URL(simUrl).host, new URL(pagesOrigin).host];

  const instances: Instance[] = [];
  for (let i = 0; i < INSTANCES; i += 1) {
    const port = await freePort();
    instances.push({
      name: `i${i}`,
      port,
      url: `http://127.0.0.1:${port}`,
      child: undefined,
      up: false,
    });
  }
  let kills = 0;
  let killing = true;
  /** Every instance process ever started, so none outlives the test. */
  const everyChild: ChildProcess[] = [];
  const killsInFlight = new Set<Promise<void>>();
  async function startInstance(instance: Instance): Promise<void> {
    const { child } = await forkReady(join(SUPPORT, 'instance-process.cjs'), {
      ...storeEnv,
      API_KEY: apiKey,
      SIM_URL: simUrl,
      PUBLIC_URL,
      COOKIE_SECRET,
      NEXT_URL_HOSTS: nextUrlHosts.join(','),
      LEASE_SECONDS: String(LEASE_SECONDS),
      MATCH: match,
      LEDGER: ledgerPath,
      INSTANCE: instance.name,
      PORT: String(instance.port),
    });
    instance.child = child;
    everyChild.push(child);
    instance.up = true;
    child.on('message', (message: { type: string }) => {
      // Some kills land inside onSettled, between its two ledger lines.
      if (message.type === 'settling' && killing && random() < 0.15) {
        const killed = kill(instance, 'inside onSettled');
        killsInFlight.add(killed);
        void killed.finally(() => killsInFlight.delete(killed));
      }
    });
  }
  async function kill(instance: Instance, why: string): Promise<void> {
    // Like a real outage, instances die one or two at a time, not all at once: keep one up.
    const others = instances.filter((i) => i !== instance && i.up).length;
    if (!instance.up || others === 0 || kills >= MAX_KILLS || instance.child === undefined) return;
    kills += 1;
    instance.up = false;
    count(`kill: ${why}`);
    const exited = new Promise((resolve) => instance.child?.once('exit', resolve));
    instance.child.kill('SIGKILL');
    await exited;
    await new Promise((resolve) => setTimeout(resolve, 50 + Math.floor(random() * 200)));
    await restart(instance);
  }
  /** Starts a killed instance again; a start that fails is tried again, then reported. */
  async function restart(instance: Instance): Promise<void> {
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      try {
        await startInstance(instance);
        return;
      } catch (err) {
        if (attempt === 3) problems.push(`${instance.name} would not start again: ${String(err)}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
  await Promise.all(instances.map(startInstance));

  const trace = process.env.INSTANCES_TRACE === '1';
  const pick = (): Instance => {
    const up = instances.filter((i) => i.up);
    const list = up.length > 0 ? up : instances;
    return list[Math.floor(random() * list.length)] as Instance;
  };
  /** One request to a random instance, as a load balancer would retry a dead one. */
  async function toAnyInstance(
    request: (base: string) => Promise<Answer>,
  ): Promise<Answer | undefined> {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      try {
        return await request(pick().url);
      } catch (err) {
        if (trace) process.stderr.write(`request failed: ${String(err)}\n`);
        count('request to a dead instance, retried');
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    return undefined;
  }

  const behaviours: [Behaviour, number][] = [
    ['pay and return', 50],
    ['pay, never return', 20],
    ['abandon', 15],
    ['declined and return', 15],
  ];
  const plans = Array.from({ length: CITIZENS }, (_, i) => {
    let roll = random() * 100;
    let behaviour: Behaviour = 'pay and return';
    for (const [b, w] of behaviours) {
      roll -= w;
      if (roll < 0) {
        behaviour = b;
        break;
      }
    }
    return { order: `ORDER-${i}`, amount: 1000 + i, behaviour };
  });
  const shownAfterReturn: { order: string; outcome: string }[] = [];

  async function citizen(plan: (typeof plans)[number]): Promise<void> {
    count(`behaviour: ${plan.behaviour}`);
    if (trace) process.stderr.write(`${plan.order} ${plan.behaviour} kills=${kills}\n`);
    let started: Answer | undefined;
    for (let attempt = 0; attempt < 4 && started?.status !== 303; attempt += 1) {
      started = await toAnyInstance((base) =>
        send(`${base}/payment/start`, {
          method: 'POST',
          headers: {
            origin: PUBLIC_URL,
            'sec-fetch-site': 'same-origin',
            'x-order': plan.order,
            'x-amount': String(plan.amount),
          },
        }),
      );
      if (started !== undefined && started.status !== 303) {
        count(`start answered ${started.status}`);
        if (started.status === 500) problems.push(`${plan.order}: start answered 500`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    if (started?.status !== 303) return count('gave up starting');
    const nextUrl = started.headers.location as string;
    const cookie = started.headers['set-cookie']?.[0]?.split(';')[0] ?? '';
    if (plan.behaviour === 'abandon') return;

    const card = plan.behaviour === 'declined and return' ? DECLINED : GOOD;
    const returnUrl = await payOnPages(new Browser(), nextUrl, card);
    if (returnUrl === undefined) return count('the hosted pages never sent the citizen back');
    if (plan.behaviour === 'pay, never return') return;
    // Back on the service, at whichever instance the balancer picks; a dead one is retried.
    for (let attempt = 0; attempt < 6; attempt += 1) {
      const path = new URL(returnUrl).pathname;
      const page = await toAnyInstance((base) => send(`${base}${path}`, { headers: { cookie } }));
      if (page === undefined) return count('return: no instance answered');
      if (page.status === 200) {
        const shown = JSON.parse(page.body) as { outcome: string };
        shownAfterReturn.push({ order: plan.order, outcome: shown.outcome });
        return;
      }
      count(`return answered ${page.status}`);
      if (page.status === 400) problems.push(`${plan.order}: the return said missing (${match})`);
      if (page.status === 500) problems.push(`${plan.order}: the return answered 500`);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }

  /** The hosted pages, up to the redirect back to the service; undefined if that never came. */
  async function payOnPages(
    browser: Browser,
    nextUrl: string,
    card: string,
  ): Promise<string | undefined> {
    let response: BrowserResponse = await browser.request('GET', nextUrl);
    for (let hop = 0; hop < 12; hop += 1) {
      if (response.location !== undefined) {
        if (response.location.startsWith(PUBLIC_URL)) return response.location;
        response = await browser.request('GET', response.location);
        continue;
      }
      const form = /<form method="(post|get)" action="([^"]+)"/.exec(response.body);
      if (form === null) return undefined;
      const action = new URL(form[2] as string, response.url).href;
      if (form[1] === 'get') {
        response = await browser.request('GET', action);
        continue;
      }
      const isCardForm = response.body.includes('name="cardNo"');
      response = await browser.request('POST', action, {
        form: isCardForm
          ? {
              cardNo: card,
              expiryMonth: '12',
              expiryYear: String(new Date().getUTCFullYear() + 3),
              cardholderName: 'Test Citizen',
              cvc: '123',
              email: 'simulate-delivered@notifications.service.gov.uk',
            }
          : {},
      });
    }
    return undefined;
  }

  const chaos = (async () => {
    while (killing && kills < MAX_KILLS) {
      await new Promise((resolve) => setTimeout(resolve, 800 + Math.floor(random() * 1200)));
      if (killing) await kill(pick(), 'at a random moment');
    }
  })();

  try {
    let next = 0;
    let redisRestarted = false;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < plans.length) {
          const plan = plans[next] as (typeof plans)[number];
          next += 1;
          if (store === 'redis' && !redisRestarted && next > plans.length / 2) {
            redisRestarted = true;
            count('redis restarted');
            await stopRedisServer();
            await startRedisServer();
          }
          await citizen(plan);
        }
      }),
    );
    killing = false;
    await chaos;
    // A kill from inside onSettled may still be starting its instance again.
    await Promise.all([...killsInFlight]);
    for (const instance of instances) if (!instance.up) await restart(instance);

    // Every abandoned payment expires; leases of killed instances run out; then reconcile.
    await fetch(`${simUrl}/__simulator/clock/advance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ms: 2 * 60 * 60_000 }),
    });
    for (let run = 0; run < 3; run += 1) {
      await new Promise((resolve) => setTimeout(resolve, LEASE_SECONDS * 1000 + 300));
      const summary = await fetch(`${instances[run % INSTANCES]?.url}/__reconcile`, {
        method: 'POST',
      });
      expect(summary.status).toBe(200);
    }

    // ── invariants ──
    const client = new PayClient({ apiKey, apiBaseUrl: simUrl });
    const payments: { id: string; status: string; code: string | undefined; reference: string }[] =
      [];
    for await (const p of client.allPayments({ display_size: 500 })) {
      payments.push({
        id: p.payment_id,
        status: p.state.status,
        code: p.state.code,
        reference: p.reference,
      });
    }
    client.close();
    const ledger = readFileSync(ledgerPath, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LedgerEntry);
    const byPayment = new Map<string, LedgerEntry[]>();
    for (const entry of ledger) {
      const list = byPayment.get(entry.paymentId) ?? [];
      list.push(entry);
      byPayment.set(entry.paymentId, list);
    }
    const known = new Set(payments.map((p) => p.id));
    for (const id of byPayment.keys())
      if (!known.has(id)) problems.push('a ledger entry for a payment GOV.UK Pay does not have');
    for (const payment of payments) {
      const entries = byPayment.get(payment.id) ?? [];
      const done = entries.filter((e) => e.step === 'done');
      const expected = classifyPayment({
        status: payment.status as never,
        ...(payment.code === undefined ? {} : { code: payment.code }),
      });
      count(`GOV.UK Pay final: ${payment.status}`);
      if (payment.status === 'success' && done.length === 0) {
        problems.push(`a successful payment was never fulfilled (${entries.length} begun)`);
      }
      // Only a payment the journey never managed to record may stay unsettled: it expired (its
      // create answer was lost with a killed instance) or the journey cancelled it at once (the
      // store was down), and nobody paid it either way.
      const unrecordedEnd =
        (payment.status === 'failed' && payment.code === 'P0020') || payment.status === 'cancelled';
      if (entries.length === 0 && !unrecordedEnd) {
        problems.push(`a ${payment.status}/${payment.code ?? ''} payment was never settled`);
      }
      if (entries.length === 0) count(`never settled: ${payment.status}`);
      for (const entry of entries) {
        if (entry.outcome !== expected.outcome) {
          problems.push(`settled ${entry.outcome} but GOV.UK Pay says ${payment.status}`);
        }
      }
      // A second fulfilment only after an interrupted attempt, and it says so.
      const attempts = done.map((e) => e.attempt).sort((a, b) => a - b);
      if (done.length > 1) count('fulfilled more than once (after an interrupted attempt)');
      if (new Set(attempts).size !== attempts.length)
        problems.push('two fulfilments with one attempt number');
      for (const attempt of attempts.slice(1)) {
        if (attempt <= 1) problems.push('a repeated fulfilment without attempt > 1');
      }
      if (entries.some((e) => e.attempt > 1)) count('settled with attempt > 1');
    }
    for (const shown of shownAfterReturn) count(`shown after return: ${shown.outcome}`);
    const successes = new Map<string, number>();
    for (const p of payments)
      if (p.status === 'success') successes.set(p.reference, (successes.get(p.reference) ?? 0) + 1);
    for (const [order, n] of successes) if (n > 1) problems.push(`${order} was paid ${n} times`);

    const report = [...counts.entries()]
      .sort()
      .map(([k, v]) => `  ${k}: ${v}`)
      .join('\n');
    console.log(
      `several instances (${store}, match ${match}): ${CITIZENS} citizens, ${payments.length} payments, ${ledger.length} ledger lines, ${kills} kills\n${report}\n  problems: ${problems.length === 0 ? 'none' : problems.slice(0, 20).join('; ')}`,
    );
    expect(problems).toEqual([]);
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(counts.get('kill: inside onSettled') ?? 0).toBeGreaterThan(0);
    expect(shownAfterReturn.length).toBeGreaterThan(CITIZENS / 5);
  } finally {
    killing = false;
    await chaos.catch(() => undefined);
    await Promise.allSettled([...killsInFlight]);
    for (const child of everyChild) if (child.exitCode === null) child.kill('SIGKILL');
    sim.child.kill('SIGKILL');
    await stopRedisServer();
    rmSync(dir, { recursive: true, force: true });
  }
}

describeWithServer(
  'REDIS_URL',
  'several instances on RedisStore, with crashes and a Redis restart',
  () => {
    it(`${CITIZENS} citizens across ${INSTANCES} instances: nothing paid is left unfulfilled, nothing fulfilled twice untold`, async () => {
      await runSeveralInstances('redis', '');
    }, 600_000);
  },
);

describeWithServer('DATABASE_URL', 'several instances on PostgresStore, with crashes', () => {
  it(`${CITIZENS} citizens across ${INSTANCES} instances: nothing paid is left unfulfilled, nothing fulfilled twice untold`, async () => {
    await runSeveralInstances('postgres', serverUrl('DATABASE_URL') as string);
  }, 600_000);
});
