import { PayConfigError } from '../config-error.js';
import type { Logger } from '../logger.js';
import { functionOption, numberOption } from '../options/index.js';
import { EVERY_MINUTES_RULE } from './options.js';

export interface ReconcileTimerOptions {
  /** Minutes between the starts of two runs. The first run starts one interval after creation. */
  everyMinutes: number;
  logger: Logger;
  /**
   * The clock the interval is counted on, in epoch milliseconds, such as the simulator's
   * `sim.clock.now`: a run starts once this clock has moved `everyMinutes` past the last one, so
   * moving the clock forward brings the next run without waiting. It is read every second.
   * @default real time (a plain interval)
   */
  now?: () => number;
}

/** How often a timer on an injected clock looks at it, in real milliseconds. */
export const CLOCK_POLL_MS = 1000;

export interface ReconcileTimer {
  /**
   * Stops the schedule and resolves once the run in flight, if any, has ended. The run is told
   * to stop through its `AbortSignal`, so it finishes the payments in hand and takes no more.
   */
  stop(): Promise<void>;
}

/**
 * Runs `run` every `everyMinutes`, at most one run at a time in this process: a tick that finds
 * a run still going is skipped, not queued. The interval is `unref()`'d so it never keeps the
 * process alive, and a failed run is logged, never left as an unhandled rejection.
 */
export function createReconcileTimer(
  run: (signal: AbortSignal) => Promise<unknown>,
  options: ReconcileTimerOptions,
): ReconcileTimer {
  if (typeof run !== 'function') {
    throw new PayConfigError('ERR_PAY_INVALID_OPTION', 'createReconcileTimer needs a run function');
  }
  const { logger } = options;
  const everyMinutes = numberOption(
    options.everyMinutes,
    'reconcile.everyMinutes',
    EVERY_MINUTES_RULE,
  ) as number;
  const intervalMs = everyMinutes * 60_000;
  const now = functionOption<() => number>(
    options.now,
    'now',
    "a clock returning epoch milliseconds, such as the simulator's sim.clock.now; leave it out for real time",
  );

  const controller = new AbortController();
  let inFlight: Promise<void> | undefined;
  let stopped = false;

  const tick = (): void => {
    if (stopped) return;
    if (inFlight) {
      logger.info({}, 'govuk-pay-express: previous reconciliation still running; skipping a run');
      return;
    }
    inFlight = Promise.resolve()
      .then(() => run(controller.signal))
      .then(
        () => undefined,
        (err: unknown) => {
          logger.error(
            { error: err instanceof Error ? err.name : typeof err },
            'govuk-pay-express: reconciliation run failed',
          );
        },
      )
      .finally(() => {
        inFlight = undefined;
      });
  };

  let interval: NodeJS.Timeout;
  if (now === undefined) {
    interval = setInterval(tick, intervalMs);
  } else {
    // The injected clock can jump, so it is watched rather than trusted to keep real time.
    let nextRunAt = now() + intervalMs;
    interval = setInterval(
      () => {
        if (now() < nextRunAt) return;
        nextRunAt = now() + intervalMs;
        tick();
      },
      Math.min(CLOCK_POLL_MS, intervalMs),
    );
  }
  interval.unref();

  return {
    async stop(): Promise<void> {
      stopped = true;
      clearInterval(interval);
      controller.abort();
      await inFlight;
    },
  };
}
