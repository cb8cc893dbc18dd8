import { createSettleQueue } from '../../src/webhooks/settle-queue';

/** A piece of work that finishes when the test says so. */
function gate(): { promise: Promise<void>; open(): void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('createSettleQueue', () => {
  it('works on at most `concurrency` items at once, in arrival order', async () => {
    const gates = new Map<string, ReturnType<typeof gate>>();
    const started: string[] = [];
    const queue = createSettleQueue<string>({
      concurrency: 2,
      maxWaiting: 100,
      work: async (item) => {
        started.push(item);
        const g = gate();
        gates.set(item, g);
        await g.promise;
      },
    });
    for (const item of ['a', 'b', 'c', 'd']) expect(queue.add(item, item)).toBe(true);
    expect(started).toEqual(['a', 'b']);
    expect(queue.waiting).toBe(2);
    gates.get('b')?.open();
    await flush();
    expect(started).toEqual(['a', 'b', 'c']);
    for (const g of gates.values()) g.open();
    await flush();
    gates.get('d')?.open();
    await queue.close();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps one waiting entry per key, turns items away beyond maxWaiting, and survives a failure', async () => {
    const hold = gate();
    const started: string[] = [];
    const queue = createSettleQueue<string>({
      concurrency: 1,
      maxWaiting: 2,
      work: async (item) => {
        started.push(item);
        if (item === 'first') await hold.promise;
        if (item === 'x') throw new Error('work failed');
      },
    });
    queue.add('first', 'first');
    expect(queue.add('x', 'x')).toBe(true);
    expect(queue.add('x', 'x again')).toBe(true);
    expect(queue.add('y', 'y')).toBe(true);
    expect(queue.waiting).toBe(2);
    expect(queue.add('z', 'z')).toBe(false);
    hold.open();
    await flush();
    await flush();
    expect(started).toEqual(['first', 'x', 'y']);
    await queue.close();
  });

  it('starts nothing after close, and close waits for what runs', async () => {
    const hold = gate();
    const started: string[] = [];
    const queue = createSettleQueue<string>({
      concurrency: 1,
      maxWaiting: 10,
      work: async (item) => {
        started.push(item);
        await hold.promise;
      },
    });
    queue.add('a', 'a');
    queue.add('b', 'b');
    let closed = false;
    const closing = queue.close().then(() => {
      closed = true;
    });
    await flush();
    expect(closed).toBe(false);
    hold.open();
    await closing;
    expect(started).toEqual(['a']);
    expect(queue.add('c', 'c')).toBe(false);
  });
});
