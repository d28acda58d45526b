/**
 * ConnectionEnd on its own: a real server H2Connection, a recording EndHost. The order of a
 * graceful close (GOAWAY, fence PING, end at the ACK), an error close, and what a closed or
 * closing connection says to new work.
 */
import { expect } from 'chai';
import { GoAwayFrame, PingFrame } from '../../src/frame/index.js';
import { ConnectionClosedError, ErrorCodes, UsageError } from '../../src/index.js';
import { ConnectionEnd, type EndHost } from '../../src/duplex/connection-end.js';
import { Deadlines } from '../../src/duplex/deadlines.js';
import { framesIn } from '../helpers/frame-factory.js';
import { connectedPair } from '../helpers/peers.js';

function setup(openStreams = 0) {
  const { client, server } = connectedPair();
  const log: string[] = [];
  const state = { destroyed: false, outputEnded: false, openStreams };
  const deadlines = new Deadlines({ preface: null, settingsAck: null, headerBlock: null, idle: null, goawayClose: 50, streamIdle: null, ack: 1000 }, { deadlinesTick: () => undefined });
  const host: EndHost = {
    connection: server,
    deadlines,
    get destroyed() {
      return state.destroyed;
    },
    get outputEnded() {
      return state.outputEnded;
    },
    outputPending: 0,
    get openStreams() {
      return state.openStreams;
    },
    flush: () => log.push('flush'),
    endOutput: () => {
      state.outputEnded = true;
      log.push('endOutput');
    },
    failAll: (make) => {
      const error = make();
      log.push(`failAll ${error.code} ${error.errorCode}`);
    },
    destroyQuietly: (error) => {
      state.destroyed = true;
      log.push(`destroy ${error === undefined ? '-' : error.constructor.name}`);
    },
  };
  return { end: new ConnectionEnd(host), server, client, log, state, deadlines };
}

describe('ConnectionEnd', function () {
  it('closes gracefully: GOAWAY, then a fence PING; the output ends only at the fence ACK', async function () {
    const { end, server, log, deadlines } = setup();
    const closed = end.close(ErrorCodes.NO_ERROR);
    const sent = framesIn(server.dataToSend());
    expect(sent.map((f) => f.constructor.name)).to.deep.equal(['GoAwayFrame', 'PingFrame']);
    expect((sent[0] as GoAwayFrame).errorCode).to.equal(ErrorCodes.NO_ERROR);
    end.maybeFinishDraining();
    expect(log).to.deep.equal([]); // the fence is out: wait
    const fence = (sent[1] as PingFrame).opaqueData;
    expect(end.fenceAcked('00'.repeat(8))).to.equal(false);
    expect(end.fenceAcked(Buffer.from(fence).toString('hex'))).to.equal(true);
    end.maybeFinishDraining();
    expect(log).to.deep.equal(['endOutput']);
    end.ended();
    await closed;
    deadlines.stop();
  });

  it('waits for open streams before it ends, whatever the fence says', function () {
    const { end, server, log, state, deadlines } = setup(1);
    void end.close(ErrorCodes.NO_ERROR);
    const ping = framesIn(server.dataToSend()).find((f): f is PingFrame => f instanceof PingFrame);
    end.fenceAcked(Buffer.from(ping?.opaqueData ?? []).toString('hex'));
    end.maybeFinishDraining();
    expect(log).to.deep.equal([]);
    state.openStreams = 0;
    end.maybeFinishDraining();
    expect(log).to.deep.equal(['endOutput']);
    deadlines.stop();
  });

  it('refuses new streams with ERR_H2_GOAWAY once closing, and everything with ERR_H2_CONNECTION_CLOSED once dead', function () {
    const { end, state, deadlines } = setup();
    expect(end.unavailable('request()', true)).to.equal(null);
    end.gracefulBecause('idleTimeout closed the idle connection');
    const goaway = end.unavailable('request()', true);
    expect(goaway).to.be.instanceOf(UsageError).and.have.property('code', 'ERR_H2_GOAWAY');
    expect(goaway?.message).to.match(/idleTimeout/);
    expect(end.unavailable('ping()', false)).to.equal(null); // PING still works while draining
    end.destroying(null);
    state.destroyed = true;
    expect(end.unavailable('ping()', false)).to.be.instanceOf(ConnectionClosedError).and.have.property('code', 'ERR_H2_CONNECTION_CLOSED');
    deadlines.stop();
  });

  it('an error close: GOAWAY with the code, every stream failed, output ended, input discarded, destroyed after goawayCloseTimeout', async function () {
    const { end, server, log, deadlines } = setup();
    end.abort(ErrorCodes.ENHANCE_YOUR_CALM, 'a budget was spent', 'flood');
    const [goaway] = framesIn(server.dataToSend());
    expect(goaway).to.be.instanceOf(GoAwayFrame);
    expect((goaway as GoAwayFrame).errorCode).to.equal(ErrorCodes.ENHANCE_YOUR_CALM);
    expect(Buffer.from((goaway as GoAwayFrame).additionalData).toString()).to.equal('flood');
    expect(end.inputClosed).to.equal(true);
    expect(log).to.deep.equal([`failAll ERR_H2_CONNECTION_CLOSED ${ErrorCodes.ENHANCE_YOUR_CALM}`, 'flush', 'endOutput']);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(log.at(-1)).to.equal('destroy -');
    expect(end.unavailable('request()', true)?.message).to.match(/a budget was spent/);
    deadlines.stop();
  });
});
