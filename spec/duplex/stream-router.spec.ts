/**
 * StreamRouter on its own: a real server core fed a real client's bytes, its events routed to
 * H2Streams; the duplex's side is a recording host.
 */
import { expect } from 'chai';
import { ErrorCodes, H2Stream } from '../../src/index.js';
import { sendPort } from '../../src/duplex/h2-stream.js';
import { SendScheduler } from '../../src/duplex/send-scheduler.js';
import type { StreamHost } from '../../src/duplex/stream-host.js';
import { type RouterHost, StreamRouter } from '../../src/duplex/stream-router.js';
import { connectedPair, REQ } from '../helpers/peers.js';

function setup(listeners: { stream?: number; push?: number } = {}) {
  const { client, server } = connectedPair();
  const emitted: unknown[][] = [];
  let admitted = 0;
  // eslint-disable-next-line prefer-const -- the host's adopt() needs the router made below
  let router: StreamRouter;
  const streamHost: StreamHost<H2Stream> = {
    connection: server,
    session: null,
    scheduler: new SendScheduler<H2Stream>(server, { outputRoom: () => 1 << 20, scheduleFlush: () => undefined, zeroCopy: () => false, afterSent: (cb) => { cb(); }, connectionFailed: () => undefined }, sendPort, 1 << 20),
    scheduleFlush: () => undefined,
    adopt: (id, role) => router.adopt(id, role),
    forget: (stream) => {
      router.forget(stream);
    },
    address: () => ({ remoteAddress: undefined, remotePort: undefined }),
  };
  const host: RouterHost = {
    connection: server,
    makeStream: (id, role, localEnded) => new H2Stream(streamHost, id, role, 65536, localEnded),
    listenerCount: (event) => listeners[event] ?? 0,
    emit: (event, ...args) => {
      emitted.push([event, ...args]);
      return true;
    },
    admitted: () => {
      admitted++;
    },
    scheduler: streamHost.scheduler,
  };
  router = new StreamRouter(host);
  /** The client's bytes so far, read by the server and routed. */
  const read = () => {
    const events = server.receiveData(client.dataToSend());
    router.beginRead(events);
    return events.filter((ev) => !router.deliver(ev)).map((ev) => ev.eventName);
  };
  return { client, server, router, emitted, read, admitted: () => admitted };
}

describe('StreamRouter', function () {
  it("makes a stream for a request and emits 'stream' with its headers", function () {
    const { client, router, emitted, read, admitted } = setup({ stream: 1 });
    client.sendHeaders(1, REQ, { endStream: true });
    expect(read()).to.deep.equal([]);
    expect(router.size).to.equal(1);
    expect(admitted()).to.equal(1);
    expect(emitted[0]?.[0]).to.equal('stream');
    expect(emitted[0]?.[1]).to.be.instanceOf(H2Stream);
    expect(emitted[0]?.[2]).to.include({ ':method': 'GET' });
  });

  it('never shows a request the peer reset in the same read', function () {
    const { client, router, emitted, read } = setup({ stream: 1 });
    client.sendHeaders(1, REQ);
    client.resetStream(1, ErrorCodes.CANCEL);
    read();
    expect(emitted).to.deep.equal([]);
    expect(router.size).to.equal(0);
  });

  it('refuses a request nobody listens for with RST_STREAM(REFUSED_STREAM)', function () {
    const { client, server, router, read } = setup({ stream: 0 });
    client.sendHeaders(1, REQ, { endStream: true });
    read();
    expect(router.size).to.equal(0);
    const events = client.receiveData(server.dataToSend());
    expect(events.map((e) => e.eventName)).to.include('StreamReset');
  });

  it('leaves connection-level events to the duplex, and pushes DATA into the stream it belongs to', async function () {
    const { client, emitted, read } = setup({ stream: 1 });
    client.ping(Buffer.alloc(8));
    expect(read()).to.deep.equal(['PingReceived']);
    client.sendHeaders(1, REQ);
    client.sendData(1, Buffer.from('body'), { endStream: true });
    expect(read()).to.deep.equal([]);
    const stream = emitted[0]?.[1] as H2Stream;
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).to.equal('body');
  });
});
