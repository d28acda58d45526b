/**
 * RFC 9218 priorities and RFC 8336 ORIGIN against real peers:
 * - our client's `priority` request option steering nghttpd (`--no-rfc7540-pri`), measured;
 * - nghttp's `priority` header and our SETTINGS_NO_RFC7540_PRIORITIES seen from both ends;
 * - `stream.setPriority()` (PRIORITY_UPDATE) from our client reaching our server over TCP;
 * - ORIGIN over TLS between our server / client and node:http2's, and over cleartext (where
 *   node:http2, and our adapter like it, ignores it; the core event still fires);
 * - Python h2 as a client of our server that sends ORIGIN (an unknown frame type to h2).
 * Each peer's part skips with the reason when the tool is missing.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { selfSignedCertificate } from '../../examples/self-signed.js';
import {
  connect,
  createSecureServer,
  createServer,
  DataReceived,
  type ExtensiblePriority,
  type H2Duplex,
  type H2Stream,
  type Http2Server,
  type OriginReceived,
  type PriorityUpdateReceived,
  ResponseReceived,
} from '../../src/index.js';
import { collect } from '../helpers/streams.js';
import { commandPath, describeWithCommand, freePort, run, waitForPort } from '../helpers/tools.js';

const MiB = 1024 * 1024;
const BIG = 8 * MiB;
const BIG_COUNT = 8;
const SMALL = 1 * MiB;
/** Our client's connection window (the default, given explicitly): bounds what is in flight when nghttpd reads the small request. */
const CONNECTION_WINDOW = 1 * MiB;
/**
 * Our client's stream windows: larger than any file, so only the shared connection window
 * limits nghttpd. With the default 256 KiB a stream window holds the urgent stream back every
 * 256 KiB until our WINDOW_UPDATE arrives, and nghttpd (work-conserving) fills each gap with
 * u=7 data: megabytes of the big files then arrive during the urgent one, a figure of our
 * WINDOW_UPDATE cadence rather than of nghttpd's scheduling.
 */
const STREAM_WINDOW = 16 * MiB;

/** Listens on 127.0.0.1:0; resolves the port. */
async function listen(server: { listen(port: number, host: string, cb: () => void): unknown; address(): unknown }): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

/** A GET through a node:http2 client session: status and body. */
function nodeGet(session: http2.ClientHttp2Session, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':path': path });
    let status = 0;
    let body = '';
    req.setEncoding('utf8');
    req.on('response', (h) => (status = Number(h[':status'])));
    req.on('data', (d: string) => (body += d));
    req.on('end', () => resolve({ status, body }));
    req.on('error', reject);
    req.end();
  });
}

/** A GET through our client: status and body. */
async function ourGet(client: H2Duplex, path: string): Promise<{ status: number; body: string }> {
  const req = client.request({ ':path': path });
  const status = new Promise<number>((resolve) => req.once('response', (h) => resolve(Number(h[':status']))));
  const body = await collect(req);
  return { status: await status, body: body.toString() };
}

describe('interop: RFC 9218 priorities and RFC 8336 ORIGIN', function () {
  this.timeout(60_000);

  describeWithCommand('nghttpd', 'nghttp2-server', 'our client against nghttpd --no-tls --no-rfc7540-pri', function () {
    let child: ChildProcess;
    let dir: string;
    let port: number;

    before(async function () {
      dir = mkdtempSync(join(tmpdir(), 'h2duplex-nghttpd-pri-'));
      const big = Buffer.alloc(BIG, 'b');
      for (let i = 1; i <= BIG_COUNT; i++) writeFileSync(join(dir, `big${i}.bin`), big);
      writeFileSync(join(dir, 'small.bin'), Buffer.alloc(SMALL, 's'));
      port = await freePort();
      child = spawn(commandPath('nghttpd'), ['--no-tls', '--no-rfc7540-pri', '-d', dir, String(port)], { stdio: 'ignore' });
      await waitForPort(port);
    });

    after(function () {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    });

    interface Outcome {
      /** Octets of the big files received when the small one was requested. */
      bigBefore: number;
      /** The most any one big file had received then. */
      mostOneBigBefore: number;
      /** Octets of the big files received while the small one was in flight. */
      bigDuringSmall: number;
      /** Of those, octets received after the small one's response HEADERS (nghttpd had read the request). */
      bigAfterSmallHeaders: number;
      /** Big files complete when the small one completed. */
      bigDoneBeforeSmall: number;
      /** Milliseconds from the small request to its last octet. */
      smallMs: number;
      /** The session got a GOAWAY (nghttpd refuses, for one, a late SETTINGS_NO_RFC7540_PRIORITIES). */
      goaway: boolean;
    }

    /**
     * Eight big GETs at `big`, each under way (has received data), then the small one at
     * `small`; waits for all of them and checks every octet arrived. The figures count DATA in
     * the order it came off the wire (the core's events, dispatched as each read is parsed):
     * the streams' 'data' events are not ordered across streams (each H2Stream buffers up to
     * its high-water mark, 64 KiB, and emits later in the tick), which put up to 8 × 64 KiB
     * of earlier big DATA after the small response's 'response' event.
     */
    async function race(big: Partial<ExtensiblePriority>, small: Partial<ExtensiblePriority>, noRfc7540Priorities: boolean): Promise<Outcome> {
      const client = connect(`http://127.0.0.1:${port}`, {
        settings: noRfc7540Priorities ? { initialWindowSize: STREAM_WINDOW, noRfc7540Priorities: true } : { initialWindowSize: STREAM_WINDOW },
        connectionWindowSize: CONNECTION_WINDOW,
      });
      let goaway = false;
      client.on('goaway', () => (goaway = true));
      try {
        // On the wire: octets and ends per big stream id, and the small stream's moments.
        const wire = new Map<number, number>();
        let bigWire = 0;
        let bigEnded = 0;
        let smallId = -1;
        let smallHeadersAt = -1;
        let smallEnd: { bigWire: number; bigEnded: number; ms: number } | null = null;
        let t0 = 0;
        let allStarted!: () => void;
        const started = new Promise<void>((resolve) => (allStarted = resolve));
        client.on('event', (ev: unknown) => {
          if (ev instanceof DataReceived) {
            const before = wire.get(ev.streamId);
            if (before !== undefined) {
              wire.set(ev.streamId, before + ev.data.length);
              bigWire += ev.data.length;
              if (ev.streamEnded !== null) bigEnded++;
              if (before === 0 && [...wire.values()].every((n) => n > 0)) allStarted();
            } else if (ev.streamId === smallId && ev.streamEnded !== null) {
              smallEnd = { bigWire, bigEnded, ms: performance.now() - t0 };
            }
          } else if (ev instanceof ResponseReceived && ev.streamId === smallId) {
            smallHeadersAt = bigWire;
          }
        });
        const bigs: Array<Promise<Buffer>> = [];
        for (let i = 1; i <= BIG_COUNT; i++) {
          const req = client.request({ ':path': `/big${i}.bin` }, { priority: big });
          expect(req.id, 'a stream id at once').to.be.above(0);
          wire.set(req.id, 0);
          bigs.push(collect(req));
        }
        await started;
        const bigBefore = bigWire;
        const mostOneBigBefore = Math.max(...wire.values());
        t0 = performance.now();
        const req = client.request({ ':path': '/small.bin' }, { priority: small });
        smallId = req.id;
        expect(smallId, 'a stream id at once').to.be.above(0);
        const smallBody = await collect(req);
        expect(smallBody.length).to.equal(SMALL);
        expect((await Promise.all(bigs)).map((b) => b.length)).to.deep.equal(new Array<number>(BIG_COUNT).fill(BIG));
        const end = smallEnd as { bigWire: number; bigEnded: number; ms: number } | null;
        if (end === null || smallHeadersAt < 0) throw new Error('the small response was not seen on the wire');
        return {
          bigBefore,
          mostOneBigBefore,
          bigDuringSmall: end.bigWire - bigBefore,
          bigAfterSmallHeaders: end.bigWire - smallHeadersAt,
          bigDoneBeforeSmall: end.bigEnded,
          smallMs: end.ms,
          goaway,
        };
      } finally {
        client.destroy();
      }
    }

    function report(mode: string, o: Outcome): void {
      console.log(
        `      nghttpd ${mode}: small 1 MiB done ${o.smallMs.toFixed(1)} ms after its request; ${(o.bigBefore / MiB).toFixed(2)} MiB of the bigs before it, ${(o.bigDuringSmall / MiB).toFixed(2)} MiB meanwhile, ${(o.bigAfterSmallHeaders / MiB).toFixed(2)} MiB after its response HEADERS; bigs done before it: ${o.bigDoneBeforeSmall}`,
      );
    }

    // The big files are incremental: nghttpd serves non-incremental responses of one urgency
    // one at a time (RFC 9218 §4.2), so by the time the eighth has its first octet the first
    // three are complete, and "before any big" would say nothing about the urgent one.

    it('serves the u=0 small file before any of the eight u=7 ones under way, within the in-flight window', async function () {
      // SETTINGS_NO_RFC7540_PRIORITIES=1 too: nghttpd answers one outside the first SETTINGS
      // frame with GOAWAY PROTOCOL_ERROR ("cannot be changed"), so this also checks where it goes.
      const o = await race({ urgency: 7, incremental: true }, { urgency: 0 }, true);
      report('u=7,i bigs, u=0 small', o);
      expect(o.goaway, 'GOAWAY from nghttpd').to.equal(false);
      // Every big had more than the whole small file left when it was requested.
      expect(o.mostOneBigBefore).to.be.below(BIG - SMALL);
      expect(o.bigDoneBeforeSmall).to.equal(0);
      // Once nghttpd has read the request (its response HEADERS are here), the small file goes
      // first: no big DATA after those HEADERS (0 measured; the bound leaves a few frames);
      // round robin gives the bigs ~8 MiB there (the control below). Before them, what was in
      // flight when nghttpd read the request: the connection window at most (0.86 MiB measured).
      expect(o.bigAfterSmallHeaders).to.be.below(128 * 1024);
      expect(o.bigDuringSmall).to.be.below(CONNECTION_WINDOW + SMALL);
    });

    it('the control: at one urgency (u=3, i for all), the small file shares the round robin', async function () {
      const o = await race({ urgency: 3, incremental: true }, { urgency: 3, incremental: true }, false);
      report('u=3,i everything     ', o);
      expect(o.bigDoneBeforeSmall).to.equal(0);
      // Its 1 MiB is one ninth of what goes out meanwhile (~8 MiB of the bigs).
      expect(o.bigAfterSmallHeaders).to.be.above(4 * MiB);
      expect(o.bigDuringSmall).to.be.above(4 * MiB);
    });

    it('serves the eight u=0 big files before the u=7 small one requested after them', async function () {
      // Without SETTINGS_NO_RFC7540_PRIORITIES from us: nghttpd 1.52 reads the header anyway.
      const o = await race({ urgency: 0, incremental: true }, { urgency: 7 }, false);
      report('u=0,i bigs, u=7 small', o);
      expect(o.goaway, 'GOAWAY from nghttpd').to.equal(false);
      // Round robin (the control) or ignoring the header would finish the small one first;
      // the small one gets octets only when no u=0 stream can send.
      expect(o.bigDoneBeforeSmall).to.be.at.least(1);
      expect(o.bigDuringSmall).to.be.above(BIG_COUNT * BIG - o.bigBefore - BIG);
    });

    // RFC 9218 §2.1: "Senders MUST NOT change the SETTINGS_NO_RFC7540_PRIORITIES value after the
    // first SETTINGS frame" (nghttpd answers a change with GOAWAY PROTOCOL_ERROR): settings() refuses it.
    it('refuses a later settings({ noRfc7540Priorities: true }), and the connection lives', async function () {
      const client = connect(`http://127.0.0.1:${port}`);
      let goaway = '';
      client.on('goaway', (code: number, _last: number, data?: Buffer) => (goaway = `${code} ${String(data ?? '')}`));
      client.on('error', () => undefined);
      try {
        await new Promise((resolve) => client.once('connect', resolve));
        const refused = await client.settings({ noRfc7540Priorities: true }).then(() => null, (err: unknown) => err as { code?: string });
        expect(refused?.code).to.equal('ERR_H2_INVALID_SETTING_VALUE');
        const r = await ourGet(client, '/small.bin');
        expect(r.status).to.equal(200);
        expect(goaway).to.equal('');
      } finally {
        client.destroy();
      }
    });
  });

  describeWithCommand('nghttp', 'nghttp2-client', 'nghttp --no-rfc7540-pri against our createServer()', function () {
    let server: Http2Server;
    let plain: Http2Server;
    let base: string;
    let plainBase: string;
    const seen: Array<{ path: string; priority: ExtensiblePriority }> = [];

    before(async function () {
      const serve = (stream: H2Stream, headers: Record<string, unknown>): void => {
        seen.push({ path: String(headers[':path']), priority: { ...stream.priority } });
        stream.respond({ ':status': 200 });
        stream.end('prioritized\n');
      };
      server = createServer({ settings: { noRfc7540Priorities: true } });
      server.on('stream', serve);
      plain = createServer();
      plain.on('stream', serve);
      base = `http://127.0.0.1:${await listen(server)}`;
      plainBase = `http://127.0.0.1:${await listen(plain)}`;
    });

    after(function () {
      server.close();
      plain.close();
    });

    beforeEach(function () {
      seen.length = 0;
    });

    /** nghttp -v's frames as blocks: the header line and its indented lines. */
    function frames(out: string, direction: 'send' | 'recv', type: string): string[] {
      const blocks = out.split(/\n(?=\[ *[0-9.]+\] )/);
      return blocks.filter((b) => new RegExp(`^\\[ *[0-9.]+\\] ${direction} ${type} frame `).test(b));
    }

    it("reads 'priority: u=5, i' into stream.priority; our first SETTINGS carry NO_RFC7540_PRIORITIES=1; nghttp --no-dep sends no PRIORITY", async function () {
      const r = await run('nghttp', ['-nv', '--no-dep', '--no-rfc7540-pri', '-H', 'priority: u=5, i', `${base}/x`]);
      expect(r.status, r.stderr + r.stdout).to.equal(0);
      expect(seen).to.deep.equal([{ path: '/x', priority: { urgency: 5, incremental: true } }]);
      const settings = frames(r.stdout, 'recv', 'SETTINGS').filter((b) => !b.includes('; ACK'));
      expect(settings.length, r.stdout).to.be.at.least(1);
      expect(settings[0]).to.include('[SETTINGS_NO_RFC7540_PRIORITIES(0x09):1]');
      expect(frames(r.stdout, 'send', 'PRIORITY'), r.stdout).to.deep.equal([]);
      const headers = frames(r.stdout, 'send', 'HEADERS');
      expect(headers).to.have.length(1);
      expect(headers[0]).to.include('priority: u=5, i');
      expect(headers[0]).to.not.include('| PRIORITY');
      expect(r.stdout).to.match(/recv \(stream_id=1\) :status: 200/);
    });

    it('keeps reading the header when nghttp (without --no-dep) also sends RFC 7540 PRIORITY frames', async function () {
      // nghttp 1.52 sends its anchor PRIORITY frames and a HEADERS with the PRIORITY flag as
      // it connects, before it has read our SETTINGS; we ignore them (RFC 9218 §2.1).
      const r = await run('nghttp', ['-nv', '--no-rfc7540-pri', '-H', 'priority: u=5, i', `${base}/x`]);
      expect(r.status, r.stderr + r.stdout).to.equal(0);
      console.log(`      nghttp without --no-dep sent ${frames(r.stdout, 'send', 'PRIORITY').length} PRIORITY frames`);
      expect(seen.map((s) => s.priority)).to.deep.equal([{ urgency: 5, incremental: true }]);
      expect(r.stdout).to.match(/recv DATA frame <length=12, flags=0x01, stream_id=\d+>/);
      expect(r.stdout).to.not.match(/error_code=PROTOCOL_ERROR/);
    });

    it('without the option, our SETTINGS do not carry NO_RFC7540_PRIORITIES, and a request without the header has the defaults', async function () {
      const r = await run('nghttp', ['-nv', '--no-dep', `${plainBase}/y`]);
      expect(r.status, r.stderr + r.stdout).to.equal(0);
      const settings = frames(r.stdout, 'recv', 'SETTINGS').filter((b) => !b.includes('; ACK'));
      expect(settings.length, r.stdout).to.be.at.least(1);
      for (const s of settings) expect(s).to.not.include('SETTINGS_NO_RFC7540_PRIORITIES');
      expect(seen).to.deep.equal([{ path: '/y', priority: { urgency: 3, incremental: false } }]);
    });
  });

  describe('PRIORITY_UPDATE from our client to our server over TCP', function () {
    it('stream.setPriority({ urgency: 1 }) on a request whose body is open changes the server stream.priority', async function () {
      const server = createServer();
      const chunks: Array<{ chunk: string; priority: ExtensiblePriority }> = [];
      const updates: Array<{ streamId: number; fieldValue: string; urgency: number; incremental: boolean }> = [];
      let atHeaders: ExtensiblePriority | null = null;
      let firstChunk!: () => void;
      const gotFirst = new Promise<void>((resolve) => (firstChunk = resolve));
      server.on('session', (session: H2Duplex) => {
        session.on('PriorityUpdateReceived', (ev: PriorityUpdateReceived) => {
          updates.push({ streamId: ev.streamId, fieldValue: ev.fieldValue, urgency: ev.urgency, incremental: ev.incremental });
        });
      });
      server.on('stream', (stream: H2Stream) => {
        atHeaders = { ...stream.priority };
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          // Frames are handled in order: a PRIORITY_UPDATE sent before this DATA is in force.
          chunks.push({ chunk, priority: { ...stream.priority } });
          if (chunks.length === 1) firstChunk();
        });
        stream.on('end', () => {
          stream.respond({ ':status': 200 });
          stream.end(JSON.stringify(stream.priority));
        });
      });
      const port = await listen(server);
      const client = connect(`http://127.0.0.1:${port}`);
      try {
        const req = client.request({ ':method': 'POST', ':path': '/upload' }, { priority: { urgency: 6 } });
        expect(req.priority).to.deep.equal({ urgency: 6, incremental: false });
        req.write('first');
        await gotFirst;
        req.setPriority({ urgency: 1 });
        expect(req.priority).to.deep.equal({ urgency: 1, incremental: false });
        req.end('second');
        const body = (await collect(req)).toString();
        expect(atHeaders).to.deep.equal({ urgency: 6, incremental: false });
        expect(chunks).to.deep.equal([
          { chunk: 'first', priority: { urgency: 6, incremental: false } },
          { chunk: 'second', priority: { urgency: 1, incremental: false } },
        ]);
        expect(updates).to.deep.equal([{ streamId: req.id, fieldValue: 'u=1', urgency: 1, incremental: false }]);
        expect(JSON.parse(body)).to.deep.equal({ urgency: 1, incremental: false });
      } finally {
        client.destroy();
        server.close();
      }
    });
  });

  describeWithCommand('openssl', 'openssl', 'ORIGIN over TLS', function () {
    let key: Buffer;
    let cert: Buffer;

    before(function () {
      ({ key, cert } = selfSignedCertificate());
    });

    it("our createSecureServer (origins option and session.origin()) → a node:http2 client's 'origin' events and originSet", async function () {
      const server = createSecureServer({ key, cert, origins: ['https://a.example'] });
      server.on('session', (session: H2Duplex) => {
        session.origin('https://b.example', new URL('https://c.example:8443'));
      });
      server.on('stream', (stream: H2Stream) => {
        stream.respond({ ':status': 200 });
        stream.end('over tls');
      });
      const port = await listen(server);
      const session = http2.connect(`https://localhost:${port}`, { ca: cert });
      session.on('error', () => undefined);
      const events: string[][] = [];
      session.on('origin', (origins: string[]) => events.push(origins));
      try {
        const r = await nodeGet(session, '/');
        expect(r).to.deep.equal({ status: 200, body: 'over tls' });
        expect(events).to.deep.equal([['https://a.example'], ['https://b.example', 'https://c.example:8443']]);
        expect(session.originSet).to.have.members([`https://localhost:${port}`, 'https://a.example', 'https://b.example', 'https://c.example:8443']);
      } finally {
        session.close();
        server.close();
      }
    });

    it("a node:http2 secure server's session.origin() → our connect() emits 'origin' and extends originSet", async function () {
      const server = http2.createSecureServer({ key, cert });
      server.on('sessionError', () => undefined);
      server.on('session', (session) => session.origin('https://b.example'));
      server.on('stream', (stream) => {
        stream.respond({ ':status': 200 });
        stream.end('node over tls');
      });
      const port = await listen(server);
      const client = connect(`https://localhost:${port}`, { ca: cert });
      const events: string[][] = [];
      client.on('origin', (origins: string[]) => events.push(origins));
      try {
        const r = await ourGet(client, '/');
        expect(r).to.deep.equal({ status: 200, body: 'node over tls' });
        expect(events).to.deep.equal([['https://b.example']]);
        expect(client.originSet).to.deep.equal([`https://localhost:${port}`, 'https://b.example']);
      } finally {
        client.destroy();
        server.close();
      }
    });
  });

  describe('ORIGIN over cleartext', function () {
    it("a node:http2 h2c server's session.origin(): our client emits no 'origin' (as node's does not) but the core OriginReceived", async function () {
      const server = http2.createServer();
      server.on('sessionError', () => undefined);
      server.on('session', (session) => session.origin('https://b.example', 'https://c.example'));
      server.on('stream', (stream) => {
        stream.respond({ ':status': 200 });
        stream.end('node over h2c');
      });
      const port = await listen(server);
      const client = connect(`http://127.0.0.1:${port}`);
      const nodeShaped: string[][] = [];
      const core: string[][] = [];
      client.on('origin', (origins: string[]) => nodeShaped.push(origins));
      client.on('OriginReceived', (ev: OriginReceived) => core.push(ev.origins));
      // node:http2's own client, the reference: no 'origin' over cleartext either.
      const reference = http2.connect(`http://127.0.0.1:${port}`);
      reference.on('error', () => undefined);
      const referenceEvents: string[][] = [];
      reference.on('origin', (origins: string[]) => referenceEvents.push(origins));
      try {
        expect(await ourGet(client, '/')).to.deep.equal({ status: 200, body: 'node over h2c' });
        expect(await nodeGet(reference, '/')).to.deep.equal({ status: 200, body: 'node over h2c' });
        expect(core).to.deep.equal([['https://b.example', 'https://c.example']]);
        expect(nodeShaped).to.deep.equal([]);
        expect(client.originSet).to.equal(undefined);
        expect(referenceEvents).to.deep.equal([]);
        expect(reference.originSet).to.equal(undefined);
      } finally {
        client.destroy();
        reference.close();
        server.close();
      }
    });
  });

  describe('Python h2 as a client of our server that sends ORIGIN', function () {
    const probe = spawnSync('/usr/bin/python3', ['-c', 'import h2, sys; sys.stdout.write(h2.__version__)'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      it.skip('skipped: needs /usr/bin/python3 with h2 (apt-get install python3-h2)');
      return;
    }

    // Connects, GETs /, reads until the stream ends; prints what it saw as JSON.
    const CLIENT = String.raw`
import json, socket, sys
from h2.connection import H2Connection
from h2.config import H2Configuration
import h2.events as ev
s = socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=10)
c = H2Connection(H2Configuration(client_side=True, header_encoding='utf-8'))
c.initiate_connection()
c.send_headers(1, [(':method', 'GET'), (':path', '/'), (':scheme', 'http'), (':authority', '127.0.0.1')], end_stream=True)
s.sendall(c.data_to_send())
out = {'events': [], 'unknown': [], 'status': None, 'body': ''}
done = False
while not done:
    data = s.recv(65536)
    if not data:
        break
    for e in c.receive_data(data):
        out['events'].append(type(e).__name__)
        if isinstance(e, ev.UnknownFrameReceived):
            out['unknown'].append({'type': e.frame.type, 'body': e.frame.body.hex()})
        elif isinstance(e, ev.ResponseReceived):
            out['status'] = dict(e.headers)[':status']
        elif isinstance(e, ev.DataReceived):
            out['body'] += e.data.decode()
            c.acknowledge_received_data(e.flow_controlled_length, e.stream_id)
        elif isinstance(e, (ev.StreamEnded, ev.ConnectionTerminated)):
            done = True
    s.sendall(c.data_to_send())
c.close_connection()
s.sendall(c.data_to_send())
s.close()
print(json.dumps(out))
`;

    it(`h2 ${probe.stdout} ignores the ORIGIN frame (UnknownFrameReceived) and completes a GET`, async function () {
      const server = createServer({ origins: ['https://a.example', 'https://b.example'] });
      server.on('stream', (stream: H2Stream) => {
        stream.respond({ ':status': 200 });
        stream.end('hello python');
      });
      const port = await listen(server);
      try {
        const r = await run('/usr/bin/python3', ['-c', CLIENT, String(port)]);
        expect(r.status, r.stderr).to.equal(0);
        const out = JSON.parse(r.stdout) as { events: string[]; unknown: Array<{ type: number; body: string }>; status: string; body: string };
        // ORIGIN (type 0xc): each origin as a 16-bit length and its octets.
        const entry = (o: string) => Buffer.concat([Buffer.from([0, o.length]), Buffer.from(o)]).toString('hex');
        expect(out.unknown).to.deep.equal([{ type: 0xc, body: entry('https://a.example') + entry('https://b.example') }]);
        expect(out.status).to.equal('200');
        expect(out.body).to.equal('hello python');
        expect(out.events).to.include('StreamEnded');
        expect(out.events).to.not.include('ConnectionTerminated');
      } finally {
        server.close();
      }
    });
  });
});
