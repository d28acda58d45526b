/**
 * `npm run bench:core`: two H2Connections wired back to back in memory, running exactly the
 * workloads of ../shared/bench/inmem/python-h2-loop.py (read its docstring), and that Python
 * loop (h2 on /usr/bin/python3) in the same invocation, with the ratio ours / h2.
 *
 *   rr    N request/response pairs in batches of B (GET with END_STREAM; 200 + 100-byte body)
 *   bulk  256 MiB on one stream in 16 KiB DATA frames, hand-overs of at most 64 KiB, once with
 *         65535-byte windows and once with 16 MiB - 1
 *
 * Options (same names as the Python loop, passed through to it): --n --batch --bulk-mib
 * --frame --windows --io --repeats --only rr|bulk; --no-python skips the anchor.
 * Configuration as in the Python loop: headerEncoding null (Buffers), validation on.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataReceived, H2Configuration, H2Connection, RequestReceived, SettingCodes, StreamEnded } from '../src/index.js';
import { SHARED_DIR } from '../spec/helpers/shared.js';

const REQ_HEADERS: Array<[string, string]> = [[':method', 'GET'], [':scheme', 'http'], [':authority', '127.0.0.1'], [':path', '/']];
const RESP_HEADERS: Array<[string, string]> = [[':status', '200'], ['content-type', 'text/plain'], ['content-length', '100']];
const BODY = Buffer.alloc(100, 'x');

interface Options {
  n: number;
  batch: number;
  bulkMib: number;
  frame: number;
  windows: number[];
  io: number;
  repeats: number;
  only: 'rr' | 'bulk' | null;
  python: boolean;
  /** Print one last JSON line with every figure (for `npm run bench`'s table). */
  json: boolean;
}

/** The `--json` line: medians, ours and Python h2's (null when the anchor did not run). */
export interface CoreBenchJson {
  rr?: { ours: number; h2: number | null };
  bulk: Array<{ window: number; ours: number; h2: number | null }>;
}

function parseArgs(argv: string[]): Options {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (flag: string, d: number) => Number(get(flag) ?? d);
  const only = get('--only');
  return {
    n: num('--n', 20000),
    batch: num('--batch', 100),
    bulkMib: num('--bulk-mib', 256),
    frame: num('--frame', 16384),
    windows: (get('--windows') ?? '65535,16777215').split(',').map(Number),
    io: num('--io', 65536),
    repeats: num('--repeats', 5),
    only: only === 'rr' || only === 'bulk' ? only : null,
    python: !argv.includes('--no-python'),
    json: argv.includes('--json'),
  };
}

/** Moves bytes both ways until neither side has anything to send. */
function shuttle(c: H2Connection, s: H2Connection): void {
  for (;;) {
    const a = c.dataToSend();
    if (a.length > 0) s.receiveData(a);
    const b = s.dataToSend();
    if (b.length > 0) c.receiveData(b);
    if (a.length === 0 && b.length === 0) return;
  }
}

function setup(window?: number): { c: H2Connection; s: H2Connection } {
  const c = new H2Connection(new H2Configuration({ clientSide: true, headerEncoding: null }));
  const s = new H2Connection(new H2Configuration({ clientSide: false, headerEncoding: null }));
  c.initiateConnection();
  s.initiateConnection();
  if (window !== undefined && window !== 65535) {
    c.updateSettings({ [SettingCodes.INITIAL_WINDOW_SIZE]: window });
    c.incrementFlowControlWindow(window - 65535);
  }
  shuttle(c, s);
  return { c, s };
}

/** Request/response pairs per second. */
function runRr(n: number, batch: number): number {
  const { c, s } = setup();
  let done = 0;
  let sid = 1;
  const t0 = process.hrtime.bigint();
  while (done < n) {
    const k = Math.min(batch, n - done);
    for (let i = 0; i < k; i++) {
      c.sendHeaders(sid, REQ_HEADERS, { endStream: true });
      sid += 2;
    }
    for (const ev of s.receiveData(c.dataToSend())) {
      if (ev instanceof RequestReceived) {
        s.sendHeaders(ev.streamId, RESP_HEADERS);
        s.sendData(ev.streamId, BODY, { endStream: true });
      }
    }
    let got = 0;
    for (const ev of c.receiveData(s.dataToSend())) {
      if (ev instanceof DataReceived) c.acknowledgeReceivedData(ev.flowControlledLength, ev.streamId);
      else if (ev instanceof StreamEnded) got += 1;
    }
    const back = c.dataToSend();
    if (back.length > 0) s.receiveData(back);
    if (got !== k) throw new Error(`batch incomplete: ${got}/${k}`);
    done += k;
  }
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/** MB/s (10^6) of DATA payload on one stream. */
function runBulk(total: number, frame: number, window: number, io: number): number {
  const { c, s } = setup(window);
  c.sendHeaders(1, [...REQ_HEADERS.slice(0, 3), [':path', `/bytes/${total}`]], { endStream: true });
  s.receiveData(c.dataToSend());
  s.sendHeaders(1, [[':status', '200'], ['content-type', 'application/octet-stream'], ['content-length', String(total)]]);
  c.receiveData(s.dataToSend());
  const chunk = Buffer.alloc(frame, 'a');
  let left = total;
  let received = 0;
  let ended = false;
  const t0 = process.hrtime.bigint();
  while (!ended) {
    let win = s.localFlowControlWindow(1);
    if (win <= 0 && left > 0) throw new Error('flow-control deadlock');
    let budget = io;
    while (left > 0 && win > 0 && budget > 0) {
      const size = frame <= win && frame <= left ? frame : Math.min(frame, win, left);
      left -= size;
      win -= size;
      budget -= size;
      s.sendData(1, size === frame ? chunk : chunk.subarray(0, size), { endStream: left === 0 });
    }
    for (const ev of c.receiveData(s.dataToSend())) {
      if (ev instanceof DataReceived) {
        received += ev.data.length;
        c.acknowledgeReceivedData(ev.flowControlledLength, 1);
      } else if (ev instanceof StreamEnded) {
        ended = true;
      }
    }
    const back = c.dataToSend();
    if (back.length > 0) s.receiveData(back);
  }
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  if (received !== total) throw new Error(`received ${received} of ${total}`);
  return total / elapsed / 1e6;
}

interface Summary {
  median: number;
  min: number;
  max: number;
}

function summarise(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
  return { median, min: sorted[0] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
}

interface PythonResult {
  h2: string;
  python: string;
  rr?: Summary;
  bulk?: Array<Summary & { window: number }>;
}

function runPython(argv: string[]): PythonResult | string {
  if (SHARED_DIR === null) return 'no ../shared directory';
  const script = join(SHARED_DIR, 'bench', 'inmem', 'python-h2-loop.py');
  if (!existsSync(script)) return `no ${script}`;
  if (!existsSync('/usr/bin/python3')) return 'no /usr/bin/python3';
  const passed = argv.filter((a) => a !== '--no-python' && a !== '--json');
  const r = spawnSync('/usr/bin/python3', [script, ...passed, '--json'], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) return `python loop failed: ${r.stderr.trim().split('\n').pop() ?? ''}`;
  const last = r.stdout.trim().split('\n').pop() ?? '{}';
  return JSON.parse(last) as PythonResult;
}

function main(): void {
  const argv = process.argv.slice(2);
  const o = parseArgs(argv);
  console.log(`# in-memory loop: h2duplex core on Node ${process.version}; anchor: ../shared/bench/inmem/python-h2-loop.py`);
  const python = o.python ? runPython(argv) : 'skipped (--no-python)';
  if (typeof python === 'string') console.log(`# Python h2 anchor not run: ${python}`);
  else console.log(`# anchor: Python h2 ${python.h2} on CPython ${python.python}`);
  const json: CoreBenchJson = { bulk: [] };
  const ratio = (ours: number, theirs: number | undefined) => (theirs === undefined ? '' : `  ${(ours / theirs).toFixed(1)}x h2 (${theirs.toFixed(theirs > 1000 ? 0 : 1)})`);

  if (o.only !== 'bulk') {
    runRr(Math.max(o.batch, Math.floor(o.n / 10)), o.batch);
    const r = summarise(Array.from({ length: o.repeats }, () => runRr(o.n, o.batch)));
    const theirs = typeof python === 'string' ? undefined : python.rr?.median;
    console.log(`rr   N=${o.n} batch=${o.batch}: ${r.median.toFixed(0)} req/s median [${r.min.toFixed(0)}..${r.max.toFixed(0)}], ${(1e6 / r.median).toFixed(1)} us per pair${ratio(r.median, theirs)}`);
    json.rr = { ours: r.median, h2: theirs ?? null };
  }
  if (o.only !== 'rr') {
    const total = o.bulkMib * 1024 * 1024;
    for (const w of o.windows) {
      runBulk(Math.max(o.frame, Math.floor(total / 10)), o.frame, w, o.io);
      const r = summarise(Array.from({ length: o.repeats }, () => runBulk(total, o.frame, w, o.io)));
      const theirs = typeof python === 'string' ? undefined : python.bulk?.find((b) => b.window === w)?.median;
      console.log(`bulk ${o.bulkMib} MiB frame=${o.frame} window=${w} io=${o.io}: ${r.median.toFixed(1)} MB/s median [${r.min.toFixed(1)}..${r.max.toFixed(1)}]${ratio(r.median, theirs)}`);
      json.bulk.push({ window: w, ours: r.median, h2: theirs ?? null });
    }
  }
  if (o.json) console.log(JSON.stringify(json));
}

main();
