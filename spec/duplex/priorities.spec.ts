/**
 * RFC 9218 priorities steer the send scheduler: a server busy with eight 8 MiB responses at
 * urgency 7 serves a later 1 MiB response at urgency 0 first, over createPair and over TCP.
 * Measured, not timed: the spec counts the octets of the big responses that reach the client
 * while the urgent one is being sent (strict urgency: what was already queued; round robin:
 * about one eighth of 8 × the urgent size each). Each case prints its figures.
 */
import net from 'node:net';
import { expect } from 'chai';
import { connect, createPair, createServer, H2Duplex, type H2Stream, type Http2Server } from '../../src/index.js';

const MiB = 1024 * 1024;
const BIG = 8 * MiB;
const URGENT = 1 * MiB;
const BIG_COUNT = 8;
const CHUNK = Buffer.alloc(64 * 1024, 0x61);

/** Writes `octets` to `stream` in 64 KiB writes, waiting for 'drain', then ends it. */
async function writeBody(stream: H2Stream, octets: number): Promise<void> {
  for (let sent = 0; sent < octets && !stream.destroyed; sent += CHUNK.length) {
    if (!stream.write(CHUNK)) await new Promise((resolve) => stream.once('drain', resolve));
  }
  stream.end();
}

/** Answers `/big` with 8 MiB and `/urgent` with 1 MiB. */
function serve(session: H2Duplex): void {
  session.on('stream', (stream, headers) => {
    stream.respond({ ':status': 200 });
    void writeBody(stream, headers[':path'] === '/urgent' ? URGENT : BIG);
  });
}

interface Outcome {
  /** Octets of the big responses received while the urgent one was in flight. */
  bigDuringUrgent: number;
  /** Big responses complete when the urgent one completed. */
  bigDoneBeforeUrgent: number;
  /** Milliseconds from the urgent request to its last octet. */
  urgentMs: number;
}

/** Eight big requests (urgency 7, or no priority), each under way, then the urgent one (0, or none). */
async function race(client: H2Duplex, prioritized: boolean): Promise<Outcome> {
  let bigReceived = 0;
  let bigDone = 0;
  const started: Array<Promise<void>> = [];
  const bigs: Array<Promise<void>> = [];
  for (let i = 0; i < BIG_COUNT; i++) {
    const req = client.request({ ':path': '/big' }, prioritized ? { priority: { urgency: 7 } } : {});
    started.push(new Promise((resolve) => req.once('data', () => { resolve(); })));
    req.on('data', (chunk: Buffer) => { bigReceived += chunk.length; });
    bigs.push(new Promise((resolve) => req.on('end', () => { bigDone++; resolve(); })));
  }
  await Promise.all(started);
  const before = bigReceived;
  const t0 = performance.now();
  const urgent = client.request({ ':path': '/urgent' }, prioritized ? { priority: { urgency: 0 } } : {});
  let urgentOctets = 0;
  urgent.on('data', (chunk: Buffer) => { urgentOctets += chunk.length; });
  await new Promise((resolve) => urgent.on('end', resolve));
  const outcome = { bigDuringUrgent: bigReceived - before, bigDoneBeforeUrgent: bigDone, urgentMs: performance.now() - t0 };
  expect(urgentOctets).to.equal(URGENT);
  await Promise.all(bigs);
  expect(bigReceived).to.equal(BIG * BIG_COUNT);
  return outcome;
}

/** Runs the race on `client`, prints its figures and checks them: strict urgency, or (the control) round robin. */
async function raceAndCheck(where: string, client: H2Duplex, prioritized: boolean): Promise<void> {
  const o = await race(client, prioritized);
  const mode = prioritized ? 'u=7 bigs, u=0 urgent' : 'no priorities       ';
  console.log(`      ${where} ${mode}: urgent 1 MiB done ${o.urgentMs.toFixed(1)} ms after its request; ${(o.bigDuringUrgent / MiB).toFixed(2)} MiB of the bigs arrived meanwhile; bigs done before it: ${o.bigDoneBeforeUrgent}`);
  expect(o.bigDoneBeforeUrgent).to.equal(0);
  if (prioritized) expect(o.bigDuringUrgent).to.be.below(2 * MiB);
  else expect(o.bigDuringUrgent).to.be.above(4 * MiB);
}

const TITLE = (prioritized: boolean): string => (prioritized ? 'sends the urgent response before the u=7 ones already under way' : 'without priorities, shares the connection round robin (the control)');

describe('H2Duplex: RFC 9218 priorities steer the send scheduler', function () {
  this.timeout(60_000);

  describe('over createPair', function () {
    for (const prioritized of [true, false]) {
      it(TITLE(prioritized), async function () {
        const { client, server } = createPair({ client: { authority: 'http://localhost' } });
        serve(server);
        try {
          await raceAndCheck('pair', client, prioritized);
        } finally {
          client.destroy();
          server.destroy();
        }
      });
    }
  });

  describe('over TCP (createServer and connect)', function () {
    let server: Http2Server;
    let port: number;

    before(async function () {
      server = createServer();
      server.on('session', serve);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as net.AddressInfo).port;
    });

    after(function () {
      server.close();
    });

    for (const prioritized of [true, false]) {
      it(TITLE(prioritized), async function () {
        const client = connect(`http://127.0.0.1:${port}`);
        try {
          await raceAndCheck('tcp ', client, prioritized);
        } finally {
          client.destroy();
        }
      });
    }
  });
});
