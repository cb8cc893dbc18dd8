import { PayConfigError } from '../../src/config-error';
import { createReconcileTimer } from '../../src/reconcile';
import { CapturingLogger } from '../helpers/capturing-logger';

interface Deferred {
  promise: Promise<void>;
  resolve(): void;
  reject(err: Error): void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const MINUTE = 60_000;

describe('createReconcileTimer', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  it('runs every everyMinutes, one run at a time, skipping ticks while a run is going', async () => {
    const logger = new CapturingLogger();
    const runs: Deferred[] = [];
    const run = jest.fn(() => {
      const d = deferred();
      runs.push(d);
      return d.promise;
    });
    const timer = createReconcileTimer(run, { everyMinutes: 30, logger });

    await jest.advanceTimersByTimeAsync(29 * MINUTE);
    expect(run).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(MINUTE);
    expect(run).toHaveBeenCalledTimes(1);

    // Still running at the next two ticks: both skipped, not queued.
    await jest.advanceTimersByTimeAsync(60 * MINUTE);
    expect(run).toHaveBeenCalledTimes(1);
    expect(logger.messages('info').filter((m) => m.includes('skipping'))).toHaveLength(2);

    runs[0]?.resolve();
    await jest.advanceTimersByTimeAsync(30 * MINUTE);
    expect(run).toHaveBeenCalledTimes(2);
    runs[1]?.resolve();
    await timer.stop();
  });

  it('stop() aborts the run in flight and waits for it to end; no run after', async () => {
    const logger = new CapturingLogger();
    const d = deferred();
    let signal: AbortSignal | undefined;
    const run = jest.fn((s: AbortSignal) => {
      signal = s;
      return d.promise;
    });
    const timer = createReconcileTimer(run, { everyMinutes: 1, logger });
    await jest.advanceTimersByTimeAsync(MINUTE);
    expect(run).toHaveBeenCalledTimes(1);

    let stopped = false;
    const stopping = timer.stop().then(() => {
      stopped = true;
    });
    await jest.advanceTimersByTimeAsync(0);
    expect(signal?.aborted).toBe(true);
    expect(stopped).toBe(false);
    d.resolve();
    await stopping;
    expect(stopped).toBe(true);

    await jest.advanceTimersByTimeAsync(10 * MINUTE);
    expect(run).toHaveBeenCalledTimes(1);
    await timer.stop();
  });

  it('logs a failed run (by error name only) and keeps its schedule', async () => {
    const logger = new CapturingLogger();
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      let calls = 0;
      const run = jest.fn(async () => {
        calls += 1;
        if (calls === 1) throw new TypeError('store for payment abc is down');
        if (calls === 2) throw 'a string';
      });
      const timer = createReconcileTimer(run, { everyMinutes: 1, logger });
      await jest.advanceTimersByTimeAsync(3 * MINUTE);
      expect(run).toHaveBeenCalledTimes(3);
      expect(logger.entries.filter((e) => e.level === 'error').map((e) => e.obj)).toEqual([
        { error: 'TypeError' },
        { error: 'string' },
      ]);
      expect(logger.text()).not.toContain('abc');
      await timer.stop();
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('stop() with no run in flight resolves at once, and twice is fine', async () => {
    const timer = createReconcileTimer(async () => undefined, {
      everyMinutes: 5,
      logger: new CapturingLogger(),
    });
    await timer.stop();
    await timer.stop();
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 60 * 24 * 30])(
    'refuses everyMinutes %p',
    (everyMinutes) => {
      expect(() =>
        createReconcileTimer(async () => undefined, {
          everyMinutes,
          logger: new CapturingLogger(),
        }),
      ).toThrow(PayConfigError);
    },
  );
});

describe('createReconcileTimer with real timers', () => {
  it('unref()s its interval so it never keeps the process alive', async () => {
    const spy = jest.spyOn(global, 'setInterval');
    const timer = createReconcileTimer(async () => undefined, {
      everyMinutes: 1,
      logger: new CapturingLogger(),
    });
    const handle = spy.mock.results[0]?.value as NodeJS.Timeout;
    spy.mockRestore();
    expect(handle.hasRef()).toBe(false);
    await timer.stop();
  });
});
