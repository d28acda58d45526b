/**
 * Data Dribble (CVE-2019-9511): a peer that keeps our flow-control window tiny forces a DATA
 * frame per WINDOW_UPDATE. sendData counts each frame without END_STREAM, under 256 octets,
 * that fills the whole window then open; past `smallDataFrameRateLimit` it queues nothing,
 * closes the connection with GOAWAY(ENHANCE_YOUR_CALM, "data_dribble") and throws
 * DenialOfServiceError. Small final writes and small writes into a larger window never count.
 */
import { expect } from 'chai';
import { ConnectionState, DenialOfServiceError, ErrorCodes, type H2Connection, SettingCodes } from '../../../src/index.js';
import { DataFrame, GoAwayFrame } from '../../../src/frame/index.js';
import { framesIn } from '../../helpers/frame-factory.js';
import { connectedPair, REQ } from '../../helpers/peers.js';

/** A client with stream 1 open to a server whose SETTINGS_INITIAL_WINDOW_SIZE is `window`. */
function tinyWindow(window: number, burst: number): { client: H2Connection; server: H2Connection } {
  const pair = connectedPair({ smallDataFrameRateLimit: { burst, perSecond: 0 }, clock: () => 0 });
  const { client, server } = pair;
  server.updateSettings({ [SettingCodes.INITIAL_WINDOW_SIZE]: window });
  client.receiveData(server.dataToSend());
  server.receiveData(client.dataToSend());
  client.sendHeaders(1, REQ);
  server.receiveData(client.dataToSend());
  return pair;
}

/** The server opens stream 1's window by `n` octets. */
function grant(pair: { client: H2Connection; server: H2Connection }, n: number): void {
  pair.server.incrementFlowControlWindow(n, 1);
  pair.client.receiveData(pair.server.dataToSend());
}

/** Sends `n` octets on stream 1 and delivers them; returns the DATA frames that went out. */
function send(pair: { client: H2Connection; server: H2Connection }, n: number, endStream = false): DataFrame[] {
  pair.client.sendData(1, Buffer.alloc(n), { endStream });
  const bytes = pair.client.dataToSend();
  pair.server.receiveData(bytes);
  return framesIn(bytes).filter((f): f is DataFrame => f instanceof DataFrame);
}

describe('H2Connection: data dribble (smallDataFrameRateLimit)', function () {
  it('sends forced small frames within the budget, then queues only GOAWAY "data_dribble" and throws', function () {
    const pair = tinyWindow(1, 3);
    for (let i = 0; i < 3; i++) {
      expect(send(pair, 1)).to.have.length(1);
      grant(pair, 1);
    }
    let error: unknown;
    try {
      pair.client.sendData(1, Buffer.alloc(1));
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(DenialOfServiceError);
    expect(error).to.include({ debugData: 'data_dribble', scope: 'connection', errorCode: ErrorCodes.ENHANCE_YOUR_CALM });
    const frames = framesIn(pair.client.dataToSend());
    expect(frames.map((f) => f.constructor.name)).to.deep.equal(['GoAwayFrame']);
    const goaway = frames[0] as GoAwayFrame;
    expect(goaway.errorCode).to.equal(ErrorCodes.ENHANCE_YOUR_CALM);
    expect(Buffer.from(goaway.additionalData).toString()).to.equal('data_dribble');
    expect(pair.client.state).to.equal(ConnectionState.CLOSED);
    expect(pair.client.receiveData(pair.server.dataToSend())).to.deep.equal([]);
  });

  it('never counts a small final write (END_STREAM), even one that fills the window', function () {
    const pair = tinyWindow(1, 1);
    expect(send(pair, 1, true)[0]?.endStream).to.equal(true);
    pair.client.sendHeaders(3, REQ);
    pair.server.receiveData(pair.client.dataToSend());
    // The budget of one is untouched: a forced frame still goes.
    pair.client.sendData(3, Buffer.alloc(1));
    expect(() => pair.client.sendData(3, Buffer.alloc(0))).to.not.throw();
  });

  it('never counts a small write into a larger window, nor a write of 256 octets or more that fills it', function () {
    const pair = tinyWindow(300, 1);
    for (let i = 0; i < 10; i++) {
      send(pair, 10);
      grant(pair, 10);
    }
    send(pair, 300); // fills the window, but is not small
    grant(pair, 5);
    send(pair, 5); // the one forced frame the budget allows
    grant(pair, 5);
    expect(() => pair.client.sendData(1, Buffer.alloc(5))).to.throw(DenialOfServiceError);
  });

  it('keeps a legitimate peer with a tiny window going: one token per forced frame, refilled at perSecond', function () {
    let now = 0;
    const pair = connectedPair({ smallDataFrameRateLimit: { burst: 1, perSecond: 10 }, clock: () => now });
    pair.server.updateSettings({ [SettingCodes.INITIAL_WINDOW_SIZE]: 1 });
    pair.client.receiveData(pair.server.dataToSend());
    pair.server.receiveData(pair.client.dataToSend());
    pair.client.sendHeaders(1, REQ);
    pair.server.receiveData(pair.client.dataToSend());
    for (let i = 0; i < 5; i++) {
      send(pair, 1);
      grant(pair, 1);
      now += 100;
    }
    expect(pair.client.state).to.not.equal(ConnectionState.CLOSED);
  });
});
