// Child side of the IPC protocol (see child.mjs): handlers by request type, plus the common
// `memory` request that every benchmarked server answers.

/** Answers the parent's requests with `handlers[type](msg)`, and exits on { type: 'exit' }. */
export function serveParent(handlers, onExit = async () => {}) {
  const all = { memory: ({ gc }) => readMemory(gc), cpu: () => process.cpuUsage(), ...handlers };
  process.on('message', async (msg) => {
    if (msg?.type === 'exit') {
      try {
        await onExit();
      } finally {
        process.exit(0);
      }
      return;
    }
    const handler = all[msg?.type];
    try {
      if (!handler) throw new Error(`unknown request ${msg?.type}`);
      const result = await handler(msg);
      process.send({ id: msg.id, ok: true, result });
    } catch (err) {
      process.send({
        id: msg.id,
        ok: false,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  });
  // The parent died: do not linger as an orphan server.
  process.on('disconnect', () => process.exit(0));
}

export function announceReady(url) {
  process.send({ type: 'ready', url });
}

export function announceFailure(err) {
  process.send({ type: 'failed', error: err instanceof Error ? err.stack : String(err) });
  process.exitCode = 1;
}

function readMemory(gc) {
  if (gc && typeof globalThis.gc === 'function') {
    // Twice: the first pass can leave garbage that only the second finds (weak refs, finalizers).
    globalThis.gc();
    globalThis.gc();
  }
  const m = process.memoryUsage();
  return {
    rss: m.rss,
    heapUsed: m.heapUsed,
    heapTotal: m.heapTotal,
    external: m.external,
    gcExposed: typeof globalThis.gc === 'function',
  };
}
