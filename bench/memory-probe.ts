/**
 * Preloaded into a server process we measure (`--import ./bench/memory-probe.ts`, with
 * `--expose-gc`) that was started with an IPC channel: answers the message 'stats' with its
 * memory after a full GC and the CPU time it has used, so bench:memory and the DoS specs
 * (spec/helpers/attack-target.ts) measure every server the same way, from inside.
 */

/** The probe's answer to 'stats'. */
export interface ProbeStats {
  /** Octets of JS heap + Buffers still live after a full GC. */
  live: number;
  /** The process's resident set, octets. */
  rss: number;
  /** CPU time used so far (user + system), milliseconds. */
  cpuMs: number;
}

if (process.send !== undefined) {
  process.on('message', (message: unknown) => {
    if (message !== 'stats') return;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    // V8 frees dead ArrayBuffers on a background sweeper after the collection: read right away,
    // arrayBuffers sometimes still counted ~15 MB of freed output slabs (runs were bimodal).
    // A second collection after a pause finds the sweep finished.
    setTimeout(() => {
      gc?.();
      const m = process.memoryUsage();
      const cpu = process.cpuUsage();
      process.send?.({ live: m.heapUsed + m.arrayBuffers, rss: m.rss, cpuMs: (cpu.user + cpu.system) / 1000 } satisfies ProbeStats);
    }, 100);
  });
}
