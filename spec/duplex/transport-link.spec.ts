/**
 * TransportLink on its own: a plain readable-stream Duplex stands in for H2Duplex, a
 * PassThrough for the transport. Input held while the output is over its mark, output written
 * to a piped transport or pushed to the readable side, and node's view of the source.
 */
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import { Duplex } from 'readable-stream';
import sinon from 'sinon';
import { TransportLink } from '../../src/duplex/transport-link.js';
import { createPair } from '../../src/index.js';

function setup(highWaterMark = 16) {
  const duplex = new Duplex({ readableHighWaterMark: highWaterMark, read: () => undefined, write: (_c, _e, cb) => { cb(); } });
  let drained = 0;
  const link = new TransportLink(duplex, { noDelay: false, trace: null, writers: { outputDrained: () => { drained++; } } });
  return { duplex, link, drained: () => drained };
}

describe('TransportLink', function () {
  it("calls back the transport's write at once while the output is under its mark", function () {
    const { link } = setup();
    let called = false;
    link.inputDone(() => (called = true), performance.now());
    expect(called).to.equal(true);
  });

  it('holds the input while the output is over its mark, until a reader asks for more', function () {
    const { duplex, link } = setup(16);
    link.write([Buffer.alloc(32)]);
    expect(link.buffered).to.equal(32);
    let called = false;
    link.inputDone(() => (called = true), performance.now());
    expect(called).to.equal(false);
    duplex.read();
    link.releaseInput();
    expect(called).to.equal(true);
  });

  it('defers the callback a turn once input work passed a millisecond, so other connections get the loop', async function () {
    const { link } = setup();
    let called = false;
    link.inputDone(() => (called = true), performance.now() - 5);
    expect(called).to.equal(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(called).to.equal(true);
  });

  it('sums input work per turn of the event loop: cheap reads in turns of their own never wait a turn', async function () {
    // performance.now() stands still, so each call's work is exactly what it claims (0.6 ms).
    const clock = sinon.useFakeTimers({ toFake: ['performance'] });
    try {
      await sumsPerTurn();
    } finally {
      clock.restore();
    }
  });

  async function sumsPerTurn(): Promise<void> {
    const { link } = setup();
    let calls = 0;
    // 0.6 ms of work a turn, for five turns (3 ms in all): each called back at once.
    for (let turn = 0; turn < 5; turn++) {
      link.inputDone(() => calls++, performance.now() - 0.6);
      expect(calls).to.equal(turn + 1);
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Twice that in one turn passes the millisecond: the second waits for the next turn.
    link.inputDone(() => calls++, performance.now() - 0.6);
    link.inputDone(() => calls++, performance.now() - 0.6);
    expect(calls).to.equal(6);
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).to.equal(7);
  }

  it('lets a chunk the core left part of go on now, after a turn once input work passed a millisecond, or once the output drains', async function () {
    const { duplex, link } = setup(16);
    expect(link.continueInput(() => undefined, performance.now())).to.equal(true);
    let resumed = 0;
    expect(link.continueInput(() => resumed++, performance.now() - 5)).to.equal(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(resumed).to.equal(1);
    link.write([Buffer.alloc(32)]);
    expect(link.continueInput(() => resumed++, performance.now())).to.equal(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(resumed).to.equal(1);
    duplex.read();
    link.releaseInput();
    expect(resumed).to.equal(2);
  });

  it('writes to a piped Writable directly, counts what it wrote, and wakes the writers when a batch is written', async function () {
    const { link, drained } = setup();
    const transport = new PassThrough();
    expect(link.attach(transport, true)).to.equal(true);
    link.write([Buffer.from('ab'), Buffer.from('cd')]);
    expect(link.bytesSent).to.equal(4);
    expect(String(transport.read())).to.equal('abcd');
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained()).to.be.at.least(1);
    expect(link.buffered).to.equal(0);
  });

  it('leaves pipe() to Readable when the output is being read already, or has ended', function () {
    const reading = setup();
    reading.duplex.on('data', () => undefined);
    expect(reading.link.attach(new PassThrough(), true)).to.equal(false);
    const ended = setup();
    ended.link.end();
    expect(ended.link.ended).to.equal(true);
    expect(ended.link.attach(new PassThrough(), true)).to.equal(false);
  });

  it('lets go of the transport on unpipe: later output waits in the readable side', function () {
    const { duplex, link } = setup();
    const transport = new PassThrough();
    link.attach(transport, true);
    expect(link.detach(new PassThrough())).to.equal(false);
    expect(link.detach(transport)).to.equal(true);
    link.write([Buffer.from('xy')]);
    expect(transport.read()).to.equal(null);
    expect((duplex.read() as Buffer).toString()).to.equal('xy');
  });

  it("reads node's session view off the source piped in: no source, then a cleartext one", function () {
    const { link } = setup();
    expect(link.source).to.equal(null);
    expect(link.encrypted).to.equal(undefined);
    expect(link.alpnProtocol).to.equal(undefined);
    const source = Object.assign(new PassThrough(), { remoteAddress: '127.0.0.1', remotePort: 4000 });
    link.piped(source);
    expect(link.source).to.equal(source);
    expect(link.encrypted).to.equal(false);
    expect(link.alpnProtocol).to.equal('h2c');
    expect(link.connecting).to.equal(false);
    expect([link.remoteAddress, link.remotePort]).to.deep.equal(['127.0.0.1', 4000]);
  });

  it('reads encrypted and alpnProtocol off a TLS socket only: over createPair each side is the other one\'s source', function () {
    // Reading the source's own `encrypted` recursed without end here (each H2Duplex asking the other).
    const { client, server } = createPair();
    expect([client.encrypted, client.alpnProtocol, server.encrypted, server.alpnProtocol]).to.deep.equal([false, 'h2c', false, 'h2c']);
    expect(client.originSet).to.equal(undefined);
    client.destroy();
    server.destroy();
  });
});
