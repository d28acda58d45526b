/**
 * The conformance harness: each case opens a real TCP connection to a server, sends
 * hand-built frames (raw bytes where the frame must be malformed) and checks the exact answer.
 *
 * The server is examples/server.ts on an ephemeral 127.0.0.1 port, or in comparison mode
 * (`CONFORMANCE_TARGET=node` / `nghttpd`, see `npm run conformance`) one of the anchors of
 * ../shared/bench/anchors. With `CONFORMANCE_RESULTS=file.json` every case's outcome is written
 * there for docs/conformance.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { startServer } from '../../examples/server.js';
import { SettingsFrame } from '../../src/frame/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { framesIn } from '../helpers/frame-factory.js';
import { Attacker } from '../helpers/attacker.js';
import { SHARED_DIR } from '../helpers/shared.js';
import { commandPath, freePort, waitForPort } from '../helpers/tools.js';

/** What the server must answer. */
export type Answer =
  /** A connection error: GOAWAY with this code (or, where allowed, the connection closing). */
  | { goaway: number; orClose?: boolean }
  /**
   * A stream error: RST_STREAM on `stream` with this code; GOAWAY with it is also accepted
   * (RFC 9113 §5.4.1 allows escalation) unless `kept`: then only RST_STREAM will do, and the
   * connection must still answer a PING after it.
   */
  | { rst: number; stream: number; kept?: boolean }
  /** A normal response with this status on `stream`. */
  | { status: number; stream: number }
  /**
   * A PING ACK carrying the payload, and no GOAWAY with an error code. `orClose`: closing the
   * connection cleanly instead is also right (after the client's GOAWAY, RFC 9113 §6.8).
   */
  | { pingAck: string; orClose?: boolean }
  /** A SETTINGS ACK (and no error). */
  | { settingsAck: true };

export interface ConformanceCase {
  /** What is sent, in words. */
  title: string;
  /** Builds the bytes to send after the preface and SETTINGS exchange. */
  send: (peer: Attacker) => Buffer;
  answer: Answer;
  /** Send `send()`'s bytes on a bare connection instead (no preface from us). */
  raw?: boolean;
}

type Target = 'ours' | 'node' | 'nghttpd';
const target = (process.env['CONFORMANCE_TARGET'] ?? 'ours') as Target;
const results: Array<{ section: string; title: string; passed: boolean }> = [];

let server: Promise<{ port: number; stop: () => void }> | null = null;
let anchor: ChildProcess | null = null;

/**
 * The server under test, started once for all conformance files. An anchor process that died
 * (a case crashed it) is started again, so one crash does not fail every later case.
 */
async function serverUnderTest(): Promise<{ port: number; stop: () => void }> {
  if (server !== null && anchor !== null && anchor.exitCode !== null) server = null;
  server ??= (async () => {
    if (target === 'ours') {
      const s = await startServer(0);
      s.unref();
      return { port: (s.address() as net.AddressInfo).port, stop: () => s.close() };
    }
    const port = await freePort();
    let child: ChildProcess;
    if (target === 'node') {
      child = spawn(process.execPath, [join(SHARED_DIR ?? '', 'bench', 'anchors', 'node-http2-server.mjs'), String(port)], { stdio: 'ignore' });
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'h2duplex-conf-'));
      writeFileSync(join(dir, 'index.html'), 'ok');
      child = spawn(commandPath('nghttpd'), ['--no-tls', '-a', '127.0.0.1', '-d', dir, String(port)], { stdio: 'ignore' });
    }
    child.unref();
    anchor = child;
    process.once('exit', () => child.kill());
    await waitForPort(port);
    return { port, stop: () => child.kill() };
  })();
  return server;
}

function describeAnswer(a: Answer): string {
  if ('goaway' in a) return `GOAWAY(${a.goaway})`;
  if ('rst' in a) return `RST_STREAM(${a.rst}) on ${a.stream}${a.kept === true ? ', connection kept' : ''}`;
  if ('status' in a) return `:status ${a.status} on ${a.stream}`;
  if ('pingAck' in a) return a.orClose === true ? 'PING ACK or a clean close' : 'PING ACK';
  return 'SETTINGS ACK';
}

async function check(peer: Attacker, a: Answer, sent: Buffer): Promise<void> {
  const s = peer.seen;
  if ('goaway' in a) {
    await peer.settle(2000);
    if (a.orClose === true && s.goaway === null) {
      expect(s.closed, 'GOAWAY or close').to.equal(true);
      return;
    }
    expect(s.goaway?.errorCode, 'GOAWAY code').to.equal(a.goaway);
  } else if ('rst' in a && a.kept === true) {
    await peer.until(() => s.rstByStream.has(a.stream));
    expect(s.rstByStream.get(a.stream), 'RST_STREAM code').to.equal(a.rst);
    await peer.send(rawFrame(6, 0, 0, KEPT_PING));
    await peer.until(() => s.pingAcks.some((ack) => ack.toString('hex') === KEPT_PING));
    expect(s.goaway, 'no GOAWAY').to.equal(null);
    expect(s.pingAcks.map((ack) => ack.toString('hex')), 'PING after the RST_STREAM answered').to.include(KEPT_PING);
  } else if ('rst' in a) {
    await peer.until(() => s.rstByStream.has(a.stream));
    const code = s.rstByStream.get(a.stream) ?? s.goaway?.errorCode;
    expect(code, 'RST_STREAM (or GOAWAY) code').to.equal(a.rst);
  } else if ('status' in a) {
    await peer.until(() => s.ended.has(a.stream));
    expect(s.goaway, 'no GOAWAY').to.equal(null);
    expect(s.statusByStream.get(a.stream), ':status').to.equal(a.status);
  } else if ('pingAck' in a) {
    await peer.until(() => s.pingAcks.length > 0);
    if (a.orClose === true && s.pingAcks.length === 0) await peer.settle();
    expect(s.goaway?.errorCode ?? 0, 'no GOAWAY with an error code').to.equal(0);
    if (a.orClose === true && s.pingAcks.length === 0) expect(s.closed, 'PING ACK or the connection closed').to.equal(true);
    else expect(s.pingAcks[0]?.toString('hex')).to.equal(a.pingAck);
  } else {
    // Our preface SETTINGS, plus every SETTINGS the case sent, must each be acknowledged.
    const wanted = 1 + settingsFramesIn(sent);
    await peer.until(() => s.settingsAcks >= wanted);
    expect(s.goaway).to.equal(null);
    expect(s.settingsAcks).to.be.at.least(wanted);
  }
}

/** The payload of the PING that checks a connection survived a stream error. */
const KEPT_PING = '6b65707420757021';

/** SETTINGS (not ACK) frames in well-formed bytes: each must be acknowledged. */
function settingsFramesIn(bytes: Buffer): number {
  return framesIn(bytes).filter((f) => f instanceof SettingsFrame && !f.ack).length;
}

/** Registers one RFC section's cases. */
export function conformance(section: string, cases: ConformanceCase[]): void {
  describe(`conformance ${section} (${target})`, function () {
    this.timeout(15_000);
    for (const c of cases) {
      it(`${c.title} → ${describeAnswer(c.answer)}`, async function () {
        const { port } = await serverUnderTest();
        let passed = false;
        try {
          const peer = c.raw === true ? await Attacker.bare(port) : await Attacker.connect(port);
          if (c.raw !== true) await peer.ready(target === 'ours' ? 2 : 1);
          const sent = c.send(peer);
          await peer.send(sent);
          await check(peer, c.answer, sent);
          peer.close();
          // The server still serves a fresh connection.
          const probe = await Attacker.connect(port);
          await probe.ready(target === 'ours' ? 2 : 1);
          await probe.send(probe.request(1));
          await probe.until(() => probe.seen.ended.has(1));
          expect(probe.seen.statusByStream.get(1), 'fresh connection served').to.equal(200);
          probe.close();
          passed = true;
        } finally {
          results.push({ section, title: c.title, passed });
        }
      });
    }
  });
}

after(function () {
  const file = process.env['CONFORMANCE_RESULTS'];
  if (file !== undefined && results.length > 0) writeFileSync(file, JSON.stringify(results, null, 1));
});
