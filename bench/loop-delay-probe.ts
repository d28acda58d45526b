/**
 * Preloaded into a server bench/attack-cost.ts measures (`--import ./bench/loop-delay-probe.ts`):
 * samples the event loop's delay (perf_hooks, 1 ms resolution) and, on SIGUSR2, prints the
 * figures since the previous SIGUSR2 as one JSON line on stdout, then starts over. The longest
 * delay is the longest the server kept every other connection waiting, whatever the machine's
 * other processes (the attacker, the probing client) did to the probe's own latency.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** The line printed on SIGUSR2 (milliseconds). */
export interface LoopDelay {
  loopDelay: { p50: number; p99: number; max: number; samples: number };
}

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
process.on('SIGUSR2', () => {
  const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
  const line: LoopDelay = { loopDelay: { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), samples: histogram.count } };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  histogram.reset();
});
