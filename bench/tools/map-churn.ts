/**
 * Why the per-connection collections of streams are not Maps or Sets (src/core/stream-table.ts,
 * src/duplex/send-order.ts): a reproduction outside HTTP/2.
 *
 * 50 long-lived "connections" each keep ~20 "streams" (an object with 1 KiB of array) that come
 * and go, with other short-lived garbage in between, as a busy server's are. The streams are
 * held the same time in every variant (by a queue per connection); what differs is the
 * collection that also indexes them:
 * - `map`: a Map by id and a Set, as the code had;
 * - `table`: a StreamTable by id;
 * - `none`: the queue only (the control).
 *
 * Each variant runs in a child under `--trace-gc-nvp`; the line per variant is the octets
 * promoted by scavenges and the count of full (mark-compact) collections. On Node 20.20 (V8
 * 11.3), 10^6 operations: `map` promoted 465 MB in 15 full collections, `table` and `none`
 * 7.1 MB in 1.
 * A Map's table is rebuilt once deleted entries fill it; a table that lived long enough to be
 * promoted still points at the streams it held, so while it waits for a full collection those
 * dead streams survive every scavenge, are promoted in turn, and so is what they point to.
 *
 *   npx tsx bench/tools/map-churn.ts [--ops N]
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { StreamTable } from '../../src/core/stream-table.js';

const VARIANTS = ['map', 'table', 'none'] as const;
type Variant = (typeof VARIANTS)[number];

interface Item {
  readonly id: number;
  readonly payload: number[];
}

/** The workload, in this process (the child). */
function churn(variant: Variant, ops: number): number {
  const connections = Array.from({ length: 50 }, () => ({ map: new Map<number, Item>(), set: new Set<Item>(), table: new StreamTable<Item>(), queue: [] as Item[] }));
  let id = 0;
  let sink = 0;
  for (let i = 0; i < ops; i++) {
    const c = connections[i % connections.length] as (typeof connections)[number];
    const item: Item = { id: ++id, payload: new Array<number>(120).fill(i) };
    if (variant === 'map') {
      c.map.set(item.id, item);
      c.set.add(item);
    } else if (variant === 'table') {
      c.table.set(item.id, item);
    }
    c.queue.push(item);
    if (c.queue.length > 20) {
      const old = c.queue.shift() as Item;
      if (variant === 'map') {
        c.map.delete(old.id);
        c.set.delete(old);
      } else if (variant === 'table') {
        c.table.delete(old.id);
      }
    }
    for (let k = 0; k < 8; k++) sink += new Array<number>(100).fill(k).length;
  }
  return sink;
}

const argv = process.argv.slice(2);
const opsAt = argv.indexOf('--ops');
const ops = opsAt >= 0 ? Number(argv[opsAt + 1]) : 1_000_000;
const childAt = argv.indexOf('--child');

if (childAt >= 0) {
  churn(argv[childAt + 1] as Variant, ops);
} else {
  for (const variant of VARIANTS) {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--trace-gc-nvp', fileURLToPath(import.meta.url), '--child', variant, '--ops', String(ops)], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (run.status !== 0) throw new Error(`${variant}: exit ${run.status}\n${run.stderr}`);
    let promoted = 0;
    let scavenges = 0;
    let fullGCs = 0;
    for (const line of run.stdout.split('\n')) {
      if (/ gc=s /.test(line)) {
        scavenges++;
        promoted += Number(/ promoted=(\d+)/.exec(line)?.[1] ?? 0);
      } else if (/ gc=(mc|ms) /.test(line)) {
        fullGCs++;
      }
    }
    console.log(`${variant.padEnd(6)} promoted ${(promoted / 1e6).toFixed(1).padStart(7)} MB in ${scavenges} scavenges, ${fullGCs} full collections`);
  }
}
