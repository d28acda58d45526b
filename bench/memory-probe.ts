/**
 * Preloaded into a benchmark server (`--import ./bench/memory-probe.ts`, with `--expose-gc`)
 * started with an IPC channel: answers 'stats' with its memory after a full GC, so
 * bench:memory measures each server from inside, the same way for ours and node:http2's.
 */
if (process.send !== undefined) {
  process.on('message', (message: unknown) => {
    if (message !== 'stats') return;
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    process.send?.({ live: m.heapUsed + m.arrayBuffers, rss: m.rss });
  });
}
