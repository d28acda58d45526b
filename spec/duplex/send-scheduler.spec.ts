/**
 * SendScheduler on its own: a real client H2Connection (the windows are the core's), fake
 * streams and a recording SendPort. Where a write waits, who goes next, and the request queue.
 */
import { expect } from 'chai';
import { DataFrame, WindowUpdateFrame } from '../../src/frame/index.js';
import { SettingCodes } from '../../src/index.js';
import { type PendingOpen, type SchedulerHost, SendScheduler } from '../../src/duplex/send-scheduler.js';
import { SendSlot } from '../../src/duplex/send-order.js';
import { frameBytes, framesIn } from '../helpers/frame-factory.js';
import { connectedPair, REQ } from '../helpers/peers.js';

/** A stream as the scheduler sees it. */
class FakeStream {
  destroyed = false;
  ended = false;
  error: Error | undefined;
  slot: SendSlot<FakeStream> | null = null;
  constructor(readonly id: number) {}
  destroy(error?: Error): void {
    this.destroyed = true;
    this.error = error;
  }
}

/** A scheduler over a connected client with `streams` open streams; `room` is the output room it reports. */
function setup(options: { streams?: number; room?: number; maxConcurrent?: number } = {}) {
  const { client, server } = connectedPair();
  const streams: FakeStream[] = [];
  for (let i = 0; i < (options.streams ?? 1); i++) {
    const id = client.getNextAvailableStreamId();
    client.sendHeaders(id, REQ);
    streams.push(new FakeStream(id));
  }
  server.receiveData(client.dataToSend());
  const log: string[] = [];
  let room = options.room ?? 1 << 20;
  let flushes = 0;
  const host: SchedulerHost = {
    outputRoom: () => room,
    scheduleFlush: () => {
      flushes++;
    },
    zeroCopy: () => false,
    afterSent: (callback) => {
      callback();
    },
    connectionFailed: (error) => {
      throw error;
    },
  };
  const scheduler = new SendScheduler<FakeStream>(
    client,
    host,
    {
      slot: (stream) => (stream.slot ??= new SendSlot<FakeStream>()),
      existingSlot: (stream) => stream.slot,
      beforeData: () => undefined,
      isLastWrite: (stream) => stream.ended,
      sent: (stream, octets, ended) => log.push(`${stream.id}:${octets}${ended ? ' END' : ''}`),
    },
    1 << 20,
  );
  return {
    client,
    server,
    streams,
    scheduler,
    log,
    setRoom: (n: number) => (room = n),
    flushes: () => flushes,
    /** What the client queued, as DATA frames (stream id, length). */
    data: () => framesIn(client.dataToSend()).filter((f): f is DataFrame => f instanceof DataFrame).map((f) => `${f.streamId}:${f.data.length}`),
  };
}

describe('SendScheduler', function () {
  it('hands a parked write to the core and calls back once all of it went', function () {
    const { scheduler, streams, log, data } = setup();
    const [a] = streams as [FakeStream];
    let done = false;
    scheduler.park(a, Buffer.alloc(1000), () => (done = true));
    expect(scheduler.hasParked(a)).to.equal(true);
    scheduler.run();
    expect(done).to.equal(true);
    expect(scheduler.hasParked(a)).to.equal(false);
    expect(log).to.deep.equal(['1:1000']);
    expect(data()).to.deep.equal(['1:1000']);
  });

  it('puts END_STREAM on the last write of an ended stream', function () {
    const { scheduler, streams, log } = setup();
    const [a] = streams as [FakeStream];
    a.ended = true;
    scheduler.park(a, Buffer.alloc(10), () => undefined);
    scheduler.run();
    expect(log).to.deep.equal(['1:10 END']);
  });

  it('waits for window: sends what the peer allows, the rest after a WINDOW_UPDATE', function () {
    const { scheduler, streams, log, client, server } = setup();
    const [a] = streams as [FakeStream];
    let done = false;
    scheduler.park(a, Buffer.alloc(70_000), () => (done = true)); // the default window is 65,535
    scheduler.run();
    expect(log).to.deep.equal(['1:65535']);
    expect(done).to.equal(false);
    scheduler.afterFlush();
    scheduler.run(); // nothing opened the window: no poll
    expect(log).to.have.length(1);
    server.receiveData(client.dataToSend());
    client.receiveData(frameBytes(new WindowUpdateFrame(0, 10_000), new WindowUpdateFrame(1, 10_000)));
    scheduler.windowOpened();
    scheduler.run();
    expect(log).to.deep.equal(['1:65535', '1:4465']);
    expect(done).to.equal(true);
  });

  it('waits for output room, and goes on when the output drains', function () {
    const { scheduler, streams, log, setRoom } = setup({ room: 5000 });
    const [a] = streams as [FakeStream];
    scheduler.park(a, Buffer.alloc(20_000), () => undefined);
    scheduler.run();
    expect(log).to.deep.equal(['1:5000']);
    setRoom(0);
    scheduler.afterFlush();
    scheduler.outputDrained(); // room wanted, but none yet: the flush it asks for sends nothing
    scheduler.run();
    expect(log).to.have.length(1);
    setRoom(20_000);
    scheduler.afterFlush();
    scheduler.run();
    expect(log).to.deep.equal(['1:5000', '1:15000']);
  });

  it('serves ready streams round robin, in the order they asked (nextToSend)', function () {
    const { scheduler, streams, log } = setup({ streams: 3 });
    // Each stream writes three chunks, the next from the callback of the last, as a Writable does.
    for (const s of streams) {
      let left = 3;
      const next = (): void => {
        if (left-- > 0) scheduler.park(s, Buffer.alloc(1000), next);
      };
      next();
    }
    scheduler.run();
    expect(log).to.deep.equal(['1:1000', '3:1000', '5:1000', '1:1000', '3:1000', '5:1000', '1:1000', '3:1000', '5:1000']);
  });

  it('shares one output budget per flush: a writer over it waits for the next flush', function () {
    const { scheduler, streams, log, setRoom } = setup({ streams: 2, room: 12_288 });
    for (const s of streams) scheduler.park(s, Buffer.alloc(10_000), () => undefined);
    scheduler.run();
    expect(log).to.deep.equal(['1:10000']); // 2,288 left: under the 4 KiB worth a frame
    setRoom(1 << 20);
    scheduler.afterFlush();
    scheduler.run();
    expect(log).to.deep.equal(['1:10000', '3:10000']);
  });

  it('drop() takes a parked write back and calls it back with the error', function () {
    const { scheduler, streams, log } = setup();
    const [a] = streams as [FakeStream];
    let got: unknown = 'not called';
    scheduler.park(a, Buffer.alloc(10), (err) => (got = err));
    const error = new Error('reset');
    scheduler.drop(a, error);
    expect(got).to.equal(error);
    scheduler.run();
    expect(log).to.deep.equal([]);
  });

  it('destroys a stream whose data the core refuses, instead of throwing from the flush', function () {
    const { scheduler } = setup({ streams: 0 });
    const ghost = new FakeStream(99); // never opened
    scheduler.park(ghost, Buffer.alloc(10), () => undefined);
    scheduler.run();
    expect(ghost.destroyed).to.equal(true);
    expect(ghost.error).to.be.instanceOf(Error);
  });

  it('queues requests beyond the peer\'s MAX_CONCURRENT_STREAMS and starts them in order as slots free up', function () {
    const { scheduler, client, server } = setup({ streams: 0 });
    server.updateSettings({ [SettingCodes.MAX_CONCURRENT_STREAMS]: 1 });
    client.receiveData(server.dataToSend());
    expect(scheduler.canOpen()).to.equal(true);
    const first = scheduler.open(REQ, false);
    expect(first).to.equal(1);
    expect(scheduler.canOpen()).to.equal(false);
    const opened: number[] = [];
    const request = (): PendingOpen => ({ headers: REQ, endStream: true, cancelled: false, opened: (id) => opened.push(id), failed: () => opened.push(-1) });
    scheduler.queueOpen(request());
    scheduler.queueOpen(request());
    expect(scheduler.opensWaiting).to.equal(2);
    scheduler.startOpens();
    expect(opened).to.deep.equal([]);
    client.resetStream(first);
    scheduler.startOpens();
    expect(opened).to.deep.equal([3]);
    scheduler.failOpens(() => new Error('goaway'));
    expect(opened).to.deep.equal([3, -1]);
    expect(scheduler.opensWaiting).to.equal(0);
  });
});
