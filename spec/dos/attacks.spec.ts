/**
 * The attack shapes of notes/dos-defences.md §5, each mounted over a real TCP connection
 * against examples/server.ts (bounded loops, 127.0.0.1 only). For every case: the expected
 * answer arrives, the memory the attacking connection leaves behind stays bounded (live memory
 * after GC, and RSS), and fresh connections are served while the attack runs (a GET every
 * ~10 ms) and after it. The server runs in a process of its own (helpers/attack-target.ts), so
 * its memory and CPU time are measured alone; latencies and CPU time are printed, not asserted
 * (the machine is shared). bench/attack-cost.ts measures the same figures against node:http2
 * and nghttpd.
 */
import type net from 'node:net';
import { Worker } from 'node:worker_threads';
import { expect } from 'chai';
import { fetchOnce } from '../../examples/client.js';
import { ErrorCodes, type H2DuplexOptions } from '../../src/index.js';
import { startAttackTarget } from '../helpers/attack-target.js';
import { Attacker, ENHANCE_YOUR_CALM, PREFACE } from '../helpers/attacker.js';
import { rawFrame } from '../helpers/bytes.js';

const MiB = 1024 * 1024;
/**
 * Live memory (heap + Buffers after GC) the attack may leave behind. Besides what the attacking
 * connection still holds, it counts code V8 compiled for the paths the attack (and the ~10 ms
 * probes) exercised first: up to ~4 MiB measured.
 */
const MAX_LIVE_GROWTH = 8 * MiB;
/**
 * RSS growth after the attack and a GC, unless a case sets its own. More generous than the
 * live bound: the first burst of work in a fresh process grows V8's young generation (once per
 * process) and the allocator keeps the pages of freed Buffers. Before the lingering close was
 * bounded, a control-frame flood grew it by 20-30 MiB (bench/attack-cost.ts).
 */
const MAX_RSS_GROWTH = 16 * MiB;

/** GET / on a fresh connection (must answer 200); resolves with the time it took (ms), for the log. */
async function probe(port: number): Promise<number> {
  const start = performance.now();
  const r = await fetchOnce(`http://127.0.0.1:${port}/`);
  expect(r.status).to.equal(200);
  return performance.now() - start;
}

/**
 * The prober: a worker thread (its own event loop, so the attack loop in this thread does not
 * delay it) that opens a fresh node:http2 connection and GETs / on it, one after another, ~10 ms
 * apart: the first 20 ms in (once the attack is under way), the last as the attack ends.
 */
const PROBER = `
const http2 = require('node:http2');
const { parentPort, workerData } = require('node:worker_threads');
let running = true;
const next = () => new Promise((resolve) => parentPort.once('message', resolve));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function get() {
  const start = performance.now();
  return new Promise((resolve) => {
    const session = http2.connect('http://127.0.0.1:' + workerData.port);
    const done = (status) => {
      session.destroy();
      resolve({ status, ms: performance.now() - start });
    };
    session.on('error', () => done(0));
    const req = session.request({ ':path': '/' });
    let status = 0;
    req.on('response', (headers) => (status = headers[':status']));
    req.on('error', () => done(0));
    req.resume();
    req.on('end', () => done(status));
  });
}
(async () => {
  await get(); // warm: the first connection of a thread loads and compiles the client
  parentPort.postMessage('ready');
  await next(); // 'start'
  void next().then(() => (running = false)); // 'stop'
  const results = [];
  await sleep(20);
  do {
    const r = await get();
    results.push(r);
    if (r.ms < 10) await sleep(10 - r.ms);
  } while (running);
  parentPort.postMessage(results);
})();
`;

/**
 * Creates the prober and waits until it is warm. `start()` as the attack starts; `stop()` as it
 * ends resolves with each GET's status and milliseconds.
 */
async function startProber(port: number): Promise<{ start(): void; stop(): Promise<Array<{ status: number; ms: number }>> }> {
  const worker = new Worker(PROBER, { eval: true, workerData: { port } });
  const message = <T>(): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  await message<'ready'>();
  const results = message<Array<{ status: number; ms: number }>>();
  return {
    start: () => {
      worker.postMessage('start');
    },
    stop: async () => {
      worker.postMessage('stop');
      const r = await results;
      void worker.terminate();
      return r;
    },
  };
}

/** `n` with its sign, one decimal (for growths that can come out slightly negative). */
const signed = (n: number): string => `${n < 0 ? '' : '+'}${n.toFixed(1)}`;

/** The median and the largest of `values` (ms), for the log. */
function p50max(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  return `p50 ${median.toFixed(1)} ms, max ${(sorted[sorted.length - 1] ?? NaN).toFixed(1)} ms (${sorted.length} GETs)`;
}

interface Case {
  name: string;
  /** Mounts the attack; returns the attacker (or several) whose observations the check reads. */
  run: (port: number) => Promise<Attacker>;
  check: (a: Attacker) => void;
  /** Extra server options (short timeouts for slow attacks). */
  server?: H2DuplexOptions;
  /** Bound on the RSS growth (default MAX_RSS_GROWTH). */
  maxRssGrowth?: number;
}

/** What the attacker saw, for an assertion message. */
const seenSummary = (a: Attacker): string =>
  `responses ${a.seen.responses}, resets ${a.seen.resets}, DATA frames ${a.seen.dataFrames}, closed ${a.seen.closed}${a.seen.error === undefined ? '' : ` (${a.seen.error})`}`;

const expectCalm = (debug: string) => (a: Attacker) => {
  expect(a.seen.goaway, `GOAWAY; saw ${seenSummary(a)}`).to.not.equal(null);
  expect(a.seen.goaway?.errorCode).to.equal(ENHANCE_YOUR_CALM);
  expect(a.seen.goaway?.debug).to.match(new RegExp(`^${debug}`));
};

/** §4 #12/#13: the oversized request alone is refused with 431; the connection goes on. */
const expect431 = (followUp: boolean) => (a: Attacker) => {
  expect(a.seen.goaway, 'no GOAWAY').to.equal(null);
  expect(a.seen.statusByStream.get(1), 'status of the oversized request').to.equal(431);
  expect(a.seen.ended.has(1), '431 ends the stream').to.equal(true);
  if (followUp) expect(a.seen.statusByStream.get(3), 'the next request on the same connection').to.equal(200);
};

/** Waits for the 431 on stream 1, then (with an encoder still in sync) sends a plain request on 3. */
async function answeredThenNext(a: Attacker, followUp: boolean): Promise<Attacker> {
  await a.until(() => a.seen.ended.has(1));
  if (followUp) {
    await a.send(a.request(3));
    await a.until(() => a.seen.ended.has(3));
  }
  return a;
}

const expectGoaway = (code: number) => (a: Attacker) => {
  expect(a.seen.goaway?.errorCode, 'GOAWAY code').to.equal(code);
};

/**
 * Control-frame floods: either GOAWAY(EYC "flood") or the server stopped reading (backpressure),
 * and either way it took no more than a few MiB of the 34-36 MB flood: a lingering close reads
 * and discards at most 1 MiB (plus what the kernels buffer) before it closes.
 */
const expectFloodStopped = (a: Attacker) => {
  if (a.seen.goaway !== null) expect(a.seen.goaway.errorCode).to.equal(ENHANCE_YOUR_CALM);
  // Measured: 1.2-1.6 MiB; 17-32 MiB while the lingering close read on for goawayCloseTimeout.
  expect(a.bytesSent / MiB, 'MiB of the flood written before the server closed or stopped reading').to.be.below(8);
};

const CASES: Case[] = [
  {
    name: 'baseline: a GET is answered',
    run: async (port) => {
      const a = await Attacker.connect(port);
      await a.send(a.request(1));
      const until = Date.now() + 2000;
      while (a.seen.responses === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      return a;
    },
    check: (a) => expect(a.seen.responses).to.equal(1),
  },
  {
    name: 'data-dribble (CVE-2019-9511): 1-octet windows → small frames rate limited, then GOAWAY "data_dribble"',
    run: async (port) => {
      // SETTINGS_INITIAL_WINDOW_SIZE = 1, then the window is opened 1 octet at a time.
      const a = await Attacker.connect(port, Buffer.from('000400000001', 'hex'));
      await a.send(a.request(1, '/bytes/100000'));
      // The real attack: each DATA frame is answered with a 1-octet WINDOW_UPDATE, so every
      // frame the server sends is forced to 1 octet however loaded the machine is.
      const update = rawFrame(8, 0, 1, '00000001');
      const deadline = Date.now() + 20_000;
      await a.until(() => a.seen.dataFrames > 0);
      const going = () => a.seen.goaway === null && !a.seen.closed && Date.now() < deadline;
      for (let i = 0; i < 5000 && going(); i++) {
        const frames = a.seen.dataFrames;
        if (!(await a.send(update))) break;
        while (a.seen.dataFrames === frames && going()) await new Promise((r) => setImmediate(r));
      }
      await a.settle(500);
      return a;
    },
    check: (a) => {
      expectCalm('data_dribble')(a);
      console.log(`      tiny DATA frames before the GOAWAY: ${a.seen.tinyDataFrames}`);
      // Bounded by the budget: the burst of 1000 plus the refill (100/s) while the flood ran.
      expect(a.seen.tinyDataFrames).to.be.at.most(3000);
    },
  },
  {
    name: 'ping-flood (CVE-2019-9512): answers are bounded',
    run: async (port) => {
      const a = await Attacker.connect(port);
      a.socket.pause(); // never read the ACKs
      // 34 MB: far more than a lingering close reads and throws away (1 MiB).
      await a.flood(() => rawFrame(6, 0, 0, '0102030405060708'), 2_000_000, 4000);
      a.socket.resume();
      await a.settle(500);
      return a;
    },
    check: expectFloodStopped,
  },
  {
    name: 'resource-loop (CVE-2019-9513): PRIORITY flood → glitches',
    run: async (port) => {
      const a = await Attacker.connect(port);
      await a.flood((i) => rawFrame(2, 0, 2 * (i % 1000) + 1, `${((2 * ((i + 7) % 1000) + 1) >>> 0).toString(16).padStart(8, '0')}10`), 5000);
      await a.settle();
      return a;
    },
    check: expectCalm('too_many_glitches'),
  },
  {
    name: 'reset-flood (CVE-2019-9514): malformed requests make us reset → budget',
    run: async (port) => {
      const a = await Attacker.connect(port);
      await a.flood((i) => a.request(2 * i + 1, '/', { extra: [['X-Upper', 'bad']] }), 3000);
      await a.settle();
      return a;
    },
    check: (a) => {
      expectCalm('(too_many_(glitches|local_resets)|flood)')(a);
      expect(a.seen.resets).to.be.greaterThan(0);
    },
  },
  {
    name: 'settings-flood (CVE-2019-9515): SETTINGS ACKs are bounded',
    run: async (port) => {
      const a = await Attacker.connect(port);
      a.socket.pause();
      await a.flood(() => rawFrame(4, 0, 0), 4_000_000, 4000); // 36 MB, as ping-flood
      a.socket.resume();
      await a.settle(500);
      return a;
    },
    check: expectFloodStopped,
  },
  {
    name: 'settings-entries: 64 entries in one SETTINGS frame',
    run: async (port) => {
      const a = await Attacker.connect(port);
      await a.send(rawFrame(4, 0, 0, Buffer.concat(Array.from({ length: 64 }, () => Buffer.from('000300000064', 'hex')))));
      await a.settle();
      return a;
    },
    check: expectCalm('too_many_settings'),
  },
  {
    name: 'zero-length-headers (CVE-2019-9516): empty header names',
    run: async (port) => {
      const a = await Attacker.connect(port);
      // Each block ends with a literal field whose name and value are both empty (0x00 0x00 0x00).
      await a.flood((i) => rawFrame(1, 0x5, 2 * i + 1, Buffer.concat([a.encoder.encode([{ name: ':method', value: 'GET' }, { name: ':scheme', value: 'http' }, { name: ':authority', value: 'x' }, { name: ':path', value: '/' }]), Buffer.from('000000', 'hex')])), 3000);
      await a.settle();
      return a;
    },
    // Which budget trips first depends on how many requests one read brings: the glitch and
    // reset budgets, or the queue of RST_STREAMs not yet written (maxOutboundControlFrames).
    check: expectCalm('(too_many_(glitches|local_resets)|flood)'),
  },
  {
    name: 'internal-buffering (CVE-2019-9517): large responses to a client that does not read',
    run: async (port) => {
      // 1 GiB windows so flow control does not stop the server: only its own output bound does.
      const a = await Attacker.connect(port, Buffer.from('00043fffffff', 'hex'));
      await a.send(rawFrame(8, 0, 0, '3fff0000'));
      a.socket.pause();
      for (let i = 0; i < 20; i++) await a.send(a.request(2 * i + 1, '/bytes/100000000'));
      await new Promise((r) => setTimeout(r, 500));
      return a;
    },
    check: () => undefined, // the shared memory and probe checks are the point
  },
  {
    name: 'empty-frames (CVE-2019-9518): empty DATA without END_STREAM',
    run: async (port) => {
      const a = await Attacker.connect(port);
      await a.send(a.request(1, '/upload', { method: 'POST', body: true }));
      await a.flood(() => rawFrame(0, 0, 1), 5000);
      await a.settle();
      return a;
    },
    check: expectCalm('too_many_glitches'),
  },
  {
    name: 'rapid-reset (CVE-2023-44487): HEADERS + RST_STREAM pairs',
    run: async (port) => {
      const a = await Attacker.connect(port);
      await a.flood((i) => Buffer.concat([a.request(2 * i + 1), rawFrame(3, 0, 2 * i + 1, '00000008')]), 5000);
      await a.settle();
      return a;
    },
    check: (a) => {
      expectCalm('too_many_resets')(a);
      // nghttp2's bucket: about 1000 streams get through the burst.
      expect(a.seen.goaway?.lastStreamId).to.be.at.most(2 * 1100 + 1);
    },
  },
  {
    name: 'madeyoureset (CVE-2025-8671): WINDOW_UPDATE of 0 on an open stream',
    run: async (port) => {
      const a = await Attacker.connect(port);
      await a.send(Buffer.concat([a.request(1, '/upload', { method: 'POST', body: true }), rawFrame(8, 0, 1, '00000000')]));
      await a.settle();
      return a;
    },
    check: expectGoaway(ErrorCodes.PROTOCOL_ERROR),
  },
  {
    name: 'continuation-flood (CVE-2024-27316 family): endless CONTINUATION',
    run: async (port) => {
      const a = await Attacker.connect(port);
      await a.send(rawFrame(1, 0x4 & 0, 1, a.encoder.encode([{ name: ':method', value: 'GET' }])));
      await a.flood(() => rawFrame(9, 0, 1, Buffer.alloc(1000, 0x40)), 1000);
      await a.settle();
      return a;
    },
    check: expectCalm('too_many_continuations'),
  },
  {
    name: 'continuation-empty: empty CONTINUATION frames',
    run: async (port) => {
      const a = await Attacker.connect(port);
      await a.send(rawFrame(1, 0, 1, a.encoder.encode([{ name: ':method', value: 'GET' }])));
      await a.flood(() => rawFrame(9, 0, 1), 1000);
      await a.settle();
      return a;
    },
    check: expectCalm('too_many_continuations'),
  },
  {
    name: 'continuation-abort (CVE-2024-27983): 200 connections abort inside a header block',
    run: async (port) => {
      let last: Attacker | null = null;
      for (let i = 0; i < 200; i++) {
        const a = await Attacker.connect(port);
        await a.send(rawFrame(1, 0, 1, a.encoder.encode([{ name: ':method', value: 'GET' }])));
        a.close();
        last = a;
      }
      return last as Attacker;
    },
    check: () => undefined,
  },
  {
    name: 'hpack-bomb (CVE-2016-6581): one large entry referenced many times',
    run: async (port) => {
      const a = await Attacker.connect(port);
      // Literal with incremental indexing of a 4000-octet value, then 100 references to it.
      const name = Buffer.from('x-bomb');
      const value = Buffer.alloc(4000, 0x61);
      const literal = Buffer.concat([Buffer.from([0x40, name.length]), name, Buffer.from([0x7f, 4000 - 127 - 128 * Math.floor((4000 - 127) / 128) + 128, Math.floor((4000 - 127) / 128)]), value]);
      const base = a.encoder.encode([{ name: ':method', value: 'GET' }, { name: ':scheme', value: 'http' }, { name: ':authority', value: 'x' }, { name: ':path', value: '/' }]);
      const refs = Buffer.alloc(100, 0xbe); // indexed field 62: the newest dynamic entry
      await a.send(rawFrame(1, 0x5, 1, Buffer.concat([base, literal, refs])));
      // The hand-made literal put an entry in the server's table that our encoder does not know.
      return answeredThenNext(a, false);
    },
    check: expect431(false),
  },
  {
    name: 'huge-headers: a 128 KiB header list over 8 frames',
    run: async (port) => {
      const a = await Attacker.connect(port);
      await a.send(Attacker.headerBlockFrames(a.hugeHeaderFragments(false), 1));
      return answeredThenNext(a, true);
    },
    check: expect431(true),
  },
  {
    name: 'huge-headers-flood: 128 KiB header lists, request after request → 431 each, then GOAWAY "too_many_glitches"',
    run: async (port) => {
      const a = await Attacker.connect(port);
      // Never indexed, so every request is the same octets and the encoders stay in sync.
      const fragments = a.hugeHeaderFragments(true);
      await a.flood((i) => Attacker.headerBlockFrames(fragments, 2 * i + 1), 5000, 1);
      await a.settle();
      return a;
    },
    check: (a) => {
      expectCalm('too_many_glitches')(a);
      expect(a.seen.statusByStream.get(1), 'the first oversized request').to.equal(431);
    },
  },
  {
    name: 'many-headers: 2049 fields in one request',
    run: async (port) => {
      const a = await Attacker.connect(port);
      const fields = [
        { name: ':method', value: 'GET' },
        { name: ':scheme', value: 'http' },
        { name: ':authority', value: 'x' },
        { name: ':path', value: '/' },
        ...Array.from({ length: 2045 }, (_, i) => ({ name: 'x', value: String(i % 10) })),
      ];
      const block = a.encoder.encode(fields);
      const frames = [rawFrame(1, block.length <= 16384 ? 0x5 : 0x1, 1, block.subarray(0, 16384))];
      for (let o = 16384; o < block.length; o += 16384) frames.push(rawFrame(9, o + 16384 >= block.length ? 0x4 : 0, 1, block.subarray(o, o + 16384)));
      await a.send(Buffer.concat(frames));
      return answeredThenNext(a, true);
    },
    check: expect431(true),
  },
  {
    name: 'stream-id-exhaustion: stream 2^31-1, then a lower id',
    run: async (port) => {
      const a = await Attacker.connect(port);
      await a.send(a.request(0x7fffffff));
      const until = Date.now() + 2000;
      while (a.seen.responses === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      await a.send(a.request(5));
      await a.settle();
      return a;
    },
    check: (a) => {
      expect(a.seen.responses).to.equal(1);
      expect(a.seen.goaway?.errorCode).to.equal(ErrorCodes.PROTOCOL_ERROR);
    },
  },
  {
    name: 'slowloris: idle, half-open and stalled connections are closed by the time budgets',
    server: { prefaceTimeout: 200, settingsAckTimeout: 200, headerBlockTimeout: 200, idleTimeout: 300 },
    run: async (port) => {
      const { default: net } = await import('node:net');
      let closedByServer = 0;
      const silent = await Promise.all(
        Array.from({ length: 50 }, () => new Promise<net.Socket>((resolve) => {
          const s = net.connect(port, '127.0.0.1', () => resolve(s));
          s.on('error', () => undefined);
          s.on('end', () => (closedByServer += 1));
          s.resume();
        })),
      );
      const stalled: Attacker[] = [];
      for (let i = 0; i < 50; i++) {
        const a = await Attacker.connect(port);
        await a.ready();
        await a.send(rawFrame(1, 0, 1, a.encoder.encode([{ name: ':method', value: 'GET' }])));
        stalled.push(a);
      }
      await new Promise((r) => setTimeout(r, 1200));
      expect(closedByServer, 'silent connections closed by the server').to.equal(50);
      for (const a of stalled) expect(a.seen.goaway?.debug, 'stalled header block').to.equal('header_timeout');
      silent.forEach((s) => s.destroy());
      return stalled[0] as Attacker;
    },
    check: () => undefined,
  },
  {
    name: 'invalid-frames: SETTINGS on a stream',
    run: async (port) => {
      const a = await Attacker.connect(port);
      await a.send(rawFrame(4, 0, 1));
      await a.settle();
      return a;
    },
    check: expectGoaway(ErrorCodes.PROTOCOL_ERROR),
  },
  {
    name: 'closed-stream-frames: WINDOW_UPDATE and RST_STREAM on finished streams',
    run: async (port) => {
      const a = await Attacker.connect(port);
      await a.send(a.request(1));
      const until = Date.now() + 2000;
      while (a.seen.responses === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 20));
      await a.flood((i) => (i % 2 === 0 ? rawFrame(8, 0, 1, '00000001') : rawFrame(3, 0, 1, '00000008')), 5000);
      await a.settle();
      return a;
    },
    check: expectCalm('too_many_(glitches|resets)'),
  },
  {
    name: 'unknown-frames: a flood of extension frames',
    run: async (port) => {
      const a = await Attacker.connect(port);
      await a.flood(() => rawFrame(0xfa, 0, 0, 'abcd'), 5000);
      await a.settle();
      return a;
    },
    check: expectCalm('too_many_glitches'),
  },
  {
    name: 'post-goaway-garbage (CVE-2026-27135 class): input after a connection error',
    run: async (port) => {
      const a = await Attacker.connect(port);
      await a.send(rawFrame(0, 0, 0, '00'));
      // 1 MiB of junk that would be a parser's nightmare if it were read.
      await a.send(Buffer.alloc(MiB, 0xff), 200);
      await a.settle();
      return a;
    },
    check: expectGoaway(ErrorCodes.PROTOCOL_ERROR),
  },
];

describe('DoS: attacks over TCP against examples/server.ts', function () {
  this.timeout(60_000);

  for (const c of CASES) {
    it(c.name, async function () {
      const target = await startAttackTarget(c.server ?? {});
      try {
        const prober = await startProber(target.port);
        const before = await target.stats();
        let peakRss = before.rss;
        const sampler = setInterval(() => {
          peakRss = Math.max(peakRss, target.rss() ?? 0);
        }, 10);
        prober.start();
        const started = performance.now();
        let attacker: Attacker;
        try {
          attacker = await c.run(target.port);
        } finally {
          clearInterval(sampler);
        }
        const lasted = performance.now() - started;
        const during = await prober.stop();
        c.check(attacker);
        // Fresh connections are served while the attack runs.
        expect(during.map((r) => r.status), 'fresh GETs during the attack').to.include(200).and.not.include(0);
        const duringMs = during.map((r) => r.ms);
        attacker.close();
        const after = await target.stats();
        const live = (after.live - before.live) / MiB;
        const rss = (after.rss - before.rss) / MiB;
        expect(live, `live memory growth ${live.toFixed(1)} MiB`).to.be.below(MAX_LIVE_GROWTH / MiB);
        expect(rss, `RSS growth ${rss.toFixed(1)} MiB`).to.be.below((c.maxRssGrowth ?? MAX_RSS_GROWTH) / MiB);
        const afterMs = await probe(target.port);
        console.log(
          `      server: ${(after.cpuMs - before.cpuMs).toFixed(0)} ms CPU; live memory ${signed(live)} MiB, RSS ${signed(rss)} MiB (peak ${signed((peakRss - before.rss) / MiB)} MiB); ` +
            `attack ${lasted.toFixed(0)} ms, fresh GET from 20 ms in ${p50max(duringMs)}, after ${afterMs.toFixed(1)} ms`,
        );
      } finally {
        target.stop();
      }
    });
  }

  it('covers the 24 attack shapes of notes/dos-defences.md §5, and repeated huge header lists', function () {
    expect(CASES).to.have.length(25);
    expect(PREFACE.length).to.equal(24);
  });
});
