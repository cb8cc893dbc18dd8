// Parent side of the tiny IPC protocol the bench's child processes speak: a child sends
// { type: 'ready', url } once it listens, then answers { id, type } requests with { id, ok, result | error }.
import { fork } from 'node:child_process';

const READY_TIMEOUT_MS = 30_000;

/**
 * Forks `script` with `args`, waits for its `ready` message and returns a handle to talk to it.
 * `execArgv` lets a run add --expose-gc or --cpu-prof to one child only.
 */
export async function startChild(script, { args = [], env = {}, execArgv = [] } = {}) {
  const child = fork(script, args, {
    env: { ...process.env, ...env },
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map();
  let nextId = 1;
  let exited = false;

  child.on('message', (msg) => {
    if (msg && typeof msg.id === 'number' && pending.has(msg.id)) {
      const { resolve, reject } = pending.get(msg.id);
      pending.delete(msg.id);
      if (msg.ok) resolve(msg.result);
      else reject(new Error(`${script}: ${msg.error}`));
    }
  });
  child.on('exit', (code, signal) => {
    exited = true;
    for (const { reject } of pending.values()) {
      reject(new Error(`${script} exited (${code ?? signal}) with a request in flight`));
    }
    pending.clear();
  });

  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} did not start in time`)),
      READY_TIMEOUT_MS,
    );
    const onMessage = (msg) => {
      if (msg && msg.type === 'ready') {
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(msg.url);
      } else if (msg && msg.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`${script} failed to start: ${msg.error}`));
      }
    };
    child.on('message', onMessage);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code ?? signal}) before it was ready`));
    });
  });

  return {
    url,
    pid: child.pid,
    request(type, payload = {}) {
      if (exited) return Promise.reject(new Error(`${script} has exited`));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, type, ...payload });
      });
    },
    async close() {
      if (exited) return;
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'exit' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
