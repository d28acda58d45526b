/**
 * The load client of the client benchmarks (bench/client.bench.ts): a node:http2 client written
 * the idiomatic way — `connect()`, `session.request()`, the stream's `'response'`, `'data'`,
 * `'close'` events, `req.end(body)` for uploads — keeping `-m` requests in flight on each of `-c`
 * sessions until `-n` are done, as h2load does. It runs unchanged on node:http2
 * (./node-http2.ts) and on h2duplex (./h2duplex.ts): the two entry files differ only in where
 * `connect` is imported from, and the type below is what both must satisfy.
 *
 *   node .bench-build/bench/clients/node-http2.js URL [-n N] [-c C] [-m M] [--post BYTES]
 *        [--window W] [--warmup N] [--warmup-path PATH]
 *
 * URL's path is what is requested. `--post BYTES` sends every request as a POST with a body
 * of that many octets (one Buffer, reused). `--window W` sets the receive windows: the
 * per-stream one with node's `settings: { initialWindowSize: W }`, the connection's with
 * `session.setLocalWindowSize(W)` once connected where the session has it (node:http2), else
 * with the `connectionWindowSize: W` option given to `connect()` (h2duplex's name; node:http2
 * hands unknown options to `net.connect`, which ignores them). `--warmup N` requests (of
 * `--warmup-path`, default URL's path; same method) are made on the same sessions first.
 *
 * Protocol with the bench (stdin/stdout, one line each), so that it can read this process's
 * CPU time from /proc/PID/stat around exactly the measured part:
 *   -> `{"ready":true}` once every session is connected and the warm-up is done
 *   <- `go`
 *   -> `{"ok":…,"failed":…,"received":…,"sent":…,"wallMs":…,"cpuUs":…}` when the last request closed
 *   <- `exit` (or stdin ends): the sessions close and the process exits.
 */
import { createInterface } from 'node:readline';

/** A request's stream: the part of node's `ClientHttp2Stream` this program uses. */
export interface ClientStream {
  on(event: 'response', listener: (headers: Record<string, unknown>) => void): unknown;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  end(chunk?: Buffer): unknown;
}

/** A client session: the part of node's `ClientHttp2Session` this program uses. */
export interface ClientSession {
  request(headers: Record<string, string>): ClientStream;
  on(event: 'error', listener: (err: Error) => void): unknown;
  once(event: 'connect', listener: () => void): unknown;
  close(callback?: () => void): void;
  /** node:http2 has it; h2duplex sizes the connection window with the `connectionWindowSize` option instead. */
  setLocalWindowSize?: (windowSize: number) => void;
}

/** The options this program gives `connect()`. */
export interface ConnectOptions {
  settings?: { initialWindowSize: number };
  connectionWindowSize?: number;
}

/** `connect()` as node:http2 and h2duplex both export it. */
export type Connect = (authority: string, options: ConnectOptions) => ClientSession;

/** What one run reports. */
export interface ClientResult {
  /** Requests that got a 200 and closed cleanly. */
  ok: number;
  failed: number;
  /** Response body octets received (DATA payloads as the streams gave them). */
  received: number;
  /** Request body octets sent. */
  sent: number;
  wallMs: number;
  /** `process.cpuUsage()` over the run, user + system (a cross-check of /proc/PID/stat). */
  cpuUs: number;
  /** The first error seen, if any. */
  error?: string;
}

interface Args {
  url: URL;
  n: number;
  c: number;
  m: number;
  postBytes: number;
  window: number | undefined;
  warmup: number;
  warmupPath: string;
}

function parseArgs(argv: string[]): Args {
  const flag = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (name: string, fallback: number): number => {
    const v = flag(name);
    const n = v === undefined ? fallback : Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${name}: an integer >= 0, not ${String(v)}`);
    return n;
  };
  const positional = argv.find((a, i) => !a.startsWith('-') && (i === 0 || !(argv[i - 1] ?? '').startsWith('-')));
  if (positional === undefined) throw new Error('usage: URL [-n N] [-c C] [-m M] [--post BYTES] [--window W] [--warmup N] [--warmup-path PATH]');
  const url = new URL(positional);
  const window = flag('--window');
  return {
    url,
    n: num('-n', 1000),
    c: Math.max(1, num('-c', 1)),
    m: Math.max(1, num('-m', 1)),
    postBytes: num('--post', 0),
    window: window === undefined ? undefined : Number(window),
    warmup: num('--warmup', 0),
    warmupPath: flag('--warmup-path') ?? url.pathname,
  };
}

/** Counters of one phase (warm-up or the measured run). */
interface Tally {
  ok: number;
  failed: number;
  received: number;
  sent: number;
  error: string | undefined;
}

/**
 * `total` requests for `path` spread over `sessions` (h2load's split: the first ones get one
 * more), `m` in flight on each; resolves when the last one closed.
 */
function load(sessions: ClientSession[], total: number, m: number, path: string, body: Buffer | null, tally: Tally): Promise<void> {
  const headers: Record<string, string> = body === null ? { ':path': path } : { ':method': 'POST', ':path': path };
  return new Promise<void>((resolve) => {
    let running = sessions.length;
    if (total === 0) {
      resolve();
      return;
    }
    sessions.forEach((session, index) => {
      const quota = Math.floor(total / sessions.length) + (index < total % sessions.length ? 1 : 0);
      let started = 0;
      let inFlight = 0;
      const next = (): void => {
        if (started === quota) {
          if (inFlight === 0 && --running === 0) resolve();
          return;
        }
        started++;
        inFlight++;
        const req = session.request(headers);
        let status = 0;
        let failed = false;
        req.on('response', (h) => {
          status = Number(h[':status']);
        });
        req.on('data', (chunk) => {
          tally.received += chunk.length;
        });
        req.on('error', (err) => {
          failed = true;
          tally.error ??= err.message;
        });
        req.on('close', () => {
          if (status === 200 && !failed) tally.ok++;
          else tally.failed++;
          inFlight--;
          next();
        });
        if (body !== null) {
          req.end(body);
          tally.sent += body.length;
        }
      };
      if (quota === 0 && --running === 0) resolve();
      for (let i = 0; i < Math.min(m, quota); i++) next();
    });
  });
}

/** Opens `count` sessions; resolves once each is connected (and its window is set). */
async function openSessions(connect: Connect, args: Args): Promise<ClientSession[]> {
  const options: ConnectOptions = args.window === undefined ? {} : { settings: { initialWindowSize: args.window }, connectionWindowSize: args.window };
  const origin = args.url.origin;
  return Promise.all(
    Array.from({ length: args.c }, () => {
      const session = connect(origin, options);
      return new Promise<ClientSession>((resolve, reject) => {
        session.on('error', reject);
        session.once('connect', () => {
          if (args.window !== undefined && typeof session.setLocalWindowSize === 'function') session.setLocalWindowSize(args.window);
          resolve(session);
        });
      });
    }),
  );
}

/** Runs the program on `connect` (node:http2's, or h2duplex's). */
export async function main(connect: Connect): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const body = args.postBytes > 0 ? Buffer.alloc(args.postBytes, 0x70) : null;
  const sessions = await openSessions(connect, args);
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const newTally = (): Tally => ({ ok: 0, failed: 0, received: 0, sent: 0, error: undefined });

  const warm = newTally();
  await load(sessions, args.warmup, args.m, args.warmupPath, body, warm);
  if (warm.failed > 0) throw new Error(`warm-up: ${warm.failed} of ${args.warmup} requests failed (${warm.error ?? 'status not 200'})`);
  process.stdout.write(`${JSON.stringify({ ready: true })}\n`);
  const go = await lines.next();
  if (go.done === true || go.value !== 'go') process.exit(0);

  const tally = newTally();
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await load(sessions, args.n, args.m, args.url.pathname, body, tally);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const result: ClientResult = { ok: tally.ok, failed: tally.failed, received: tally.received, sent: tally.sent, wallMs, cpuUs: cpu.user + cpu.system };
  if (tally.error !== undefined) result.error = tally.error;
  process.stdout.write(`${JSON.stringify(result)}\n`);

  await lines.next(); // `exit`, or the end of stdin
  const closing = sessions.map((s) => new Promise<void>((resolve) => {
    s.close(() => {
      resolve();
    });
  }));
  await Promise.race([Promise.all(closing), new Promise((r) => setTimeout(r, 2000).unref())]);
  process.exit(0); // also writes a --cpu-prof profile
}
