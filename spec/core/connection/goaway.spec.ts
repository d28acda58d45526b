/**
 * GOAWAY both ways: h2's hard close for error codes, and the graceful drain (NO_ERROR) that
 * h2 lacks and RFC 9113 §6.8 describes: streams at or below the last-stream-id finish, ours
 * above it are refused, and no new stream starts.
 */
import { expect } from 'chai';
import {
  ConnectionState,
  ConnectionTerminated,
  DataReceived,
  ErrorCodes,
  PingAckReceived,
  ProtocolError,
  RequestReceived,
  ResponseReceived,
  SettingCodes,
  StreamEnded,
  StreamReset,
  WindowUpdated,
} from '../../../src/index.js';
import { GoAwayFrame, PingFrame, RstStreamFrame, SettingsFrame } from '../../../src/frame/index.js';
import { rawFrame } from '../../helpers/bytes.js';
import { framesIn } from '../../helpers/frame-factory.js';
import { connectedPair, names, REQ } from '../../helpers/peers.js';

const RESP: Array<[string, string]> = [[':status', '200']];

describe('H2Connection: GOAWAY', function () {
  it('lets streams at or below last-stream-id finish after a graceful GOAWAY is received', function () {
    const { client, server } = connectedPair();
    client.sendHeaders(1, REQ, { endStream: true });
    client.sendHeaders(3, REQ, { endStream: true });
    server.receiveData(client.dataToSend());
    // The server saw stream 1 only (as if 3 crossed its GOAWAY on the wire).
    server.closeConnection(ErrorCodes.NO_ERROR, { lastStreamId: 1 });
    expect(server.state).to.equal(ConnectionState.CLOSED);
    expect(server.draining).to.equal(true);
    server.sendHeaders(1, RESP);
    server.sendData(1, Buffer.from('ok'), { endStream: true });
    const events = client.receiveData(server.dataToSend());
    expect(names(events)).to.deep.equal(['ConnectionTerminated', 'StreamReset', 'ResponseReceived', 'DataReceived', 'StreamEnded']);
    expect(events[0]).to.be.instanceOf(ConnectionTerminated).and.deep.include({ errorCode: 0, lastStreamId: 1 });
    expect(events[1]).to.be.instanceOf(StreamReset).and.deep.include({ streamId: 3, errorCode: ErrorCodes.REFUSED_STREAM, remoteReset: true });
    expect(events[2]).to.be.instanceOf(ResponseReceived).and.deep.include({ streamId: 1 });
    expect((events[3] as DataReceived).data.toString()).to.equal('ok');
    expect(events[4]).to.be.instanceOf(StreamEnded);
    expect(client.draining).to.equal(true);
    expect(client.openOutboundStreams).to.equal(0);
  });

  it('refuses new streams from the peer above the last-stream-id it sent', function () {
    const { client, server } = connectedPair();
    client.sendHeaders(1, REQ, { endStream: true });
    server.receiveData(client.dataToSend());
    server.closeConnection();
    server.dataToSend();
    // Stream 3 was sent before the client saw the GOAWAY.
    client.sendHeaders(3, REQ, { endStream: false });
    client.sendData(3, Buffer.from('body'), { endStream: true });
    const events = server.receiveData(client.dataToSend());
    expect(events).to.deep.equal([]);
    // RST_STREAM(3, REFUSED_STREAM); the DATA after it meets a reset stream and is ignored.
    const bytes = server.dataToSend().toString('hex');
    expect(bytes.startsWith('00000403000000000300000007')).to.equal(true);
    expect(server.openInboundStreams).to.equal(1);
  });

  it('refuses to open a stream of our own after GOAWAY either way, without poisoning the connection', function () {
    const { client, server } = connectedPair();
    client.sendHeaders(1, REQ, { endStream: false });
    server.receiveData(client.dataToSend());
    server.closeConnection();
    client.receiveData(server.dataToSend());
    expect(() => client.sendHeaders(3, REQ, { endStream: true })).to.throw(ProtocolError, /going away/);
    // Stream 1 carries on.
    client.sendData(1, Buffer.from('x'), { endStream: true });
    const events = server.receiveData(client.dataToSend());
    expect(names(events)).to.deep.equal(['DataReceived', 'StreamEnded']);
    expect(() => server.pushStream(1, 2, REQ)).to.throw(ProtocolError, /going away/);
  });

  it('finishes the connection on a GOAWAY with an error code (h2 behaviour)', function () {
    const { client, server } = connectedPair();
    client.sendHeaders(1, REQ, { endStream: true });
    server.receiveData(client.dataToSend());
    client.ping(Buffer.from('abcdefgh'));
    const events = client.receiveData(rawFrame(7, 0, 0, '00000001 00000002'));
    expect(names(events)).to.deep.equal(['ConnectionTerminated']);
    expect(client.draining).to.equal(false);
    expect(client.dataToSend().length).to.equal(0);
    expect(() => client.ping(Buffer.from('abcdefgh'))).to.throw(ProtocolError, /in state ConnectionState.CLOSED/);
  });

  it('ends draining with a connection error on a frame the open state never allowed', function () {
    const { client, server } = connectedPair();
    client.sendHeaders(1, REQ, { endStream: true });
    const requests = server.receiveData(client.dataToSend());
    expect(requests[0]).to.be.instanceOf(RequestReceived);
    server.closeConnection();
    server.dataToSend();
    // A server never receives PUSH_PROMISE.
    expect(() => server.receiveData(rawFrame(5, 4, 1, '00000002 82'))).to.throw(ProtocolError);
    expect(server.draining).to.equal(false);
    expect(server.dataToSend().subarray(0, 9).toString('hex')).to.equal('000008070000000000');
  });

  it('narrows the last-stream-id with a second GOAWAY', function () {
    const { client, server } = connectedPair();
    for (const id of [1, 3, 5]) client.sendHeaders(id, REQ, { endStream: true });
    server.receiveData(client.dataToSend());
    server.closeConnection(ErrorCodes.NO_ERROR, { lastStreamId: 0x7fffffff });
    server.closeConnection(ErrorCodes.NO_ERROR, { lastStreamId: 3 });
    const events = client.receiveData(server.dataToSend());
    expect(names(events)).to.deep.equal(['ConnectionTerminated', 'ConnectionTerminated', 'StreamReset']);
    expect(events[2]).to.deep.include({ streamId: 5, errorCode: ErrorCodes.REFUSED_STREAM });
  });

  describe('graceful close with no stream open (RFC 9113 §6.8: connection-level frames still flow)', function () {
    /** The frames in `bytes`, as `Type`, `Type:ack`, `GoAwayFrame:code` or `RstStreamFrame:stream:code`. */
    const show = (bytes: Uint8Array) =>
      framesIn(bytes).map((f) =>
        f instanceof GoAwayFrame ? `GoAwayFrame:${f.errorCode}` : f instanceof RstStreamFrame ? `RstStreamFrame:${f.streamId}:${f.errorCode}` : f instanceof PingFrame || f instanceof SettingsFrame ? `${f.constructor.name}${f.ack ? ':ack' : ''}` : f.constructor.name,
      );

    it('answers PING and SETTINGS and takes WINDOW_UPDATE after our graceful GOAWAY', function () {
      const { client, server } = connectedPair();
      server.closeConnection();
      expect(show(server.dataToSend())).to.deep.equal(['GoAwayFrame:0']);
      expect(server.state).to.equal(ConnectionState.CLOSED);
      expect(server.draining).to.equal(true);
      client.ping(Buffer.from('abcdefgh'));
      client.updateSettings({ [SettingCodes.MAX_CONCURRENT_STREAMS]: 7 });
      client.incrementFlowControlWindow(100);
      const events = server.receiveData(client.dataToSend());
      expect(names(events)).to.deep.equal(['PingReceived', 'RemoteSettingsChanged', 'WindowUpdated']);
      expect(events[2]).to.be.instanceOf(WindowUpdated).and.deep.include({ streamId: 0, delta: 100 });
      expect(show(server.dataToSend())).to.deep.equal(['PingFrame:ack', 'SettingsFrame:ack']);
      expect(server.draining).to.equal(true);
    });

    it('refuses a new peer stream above our last-stream-id with RST_STREAM(REFUSED_STREAM), as while draining with streams', function () {
      const { client, server } = connectedPair();
      server.closeConnection();
      server.dataToSend();
      // The request crossed the GOAWAY on the wire.
      client.sendHeaders(1, REQ, { endStream: true });
      expect(server.receiveData(client.dataToSend())).to.deep.equal([]);
      expect(show(server.dataToSend())).to.deep.equal(['RstStreamFrame:1:7']);
      expect(server.draining).to.equal(true);
      expect(server.openInboundStreams).to.equal(0);
    });

    it('lets a stream at or below the last-stream-id we sent run to its end', function () {
      const { client, server } = connectedPair();
      server.closeConnection(ErrorCodes.NO_ERROR, { lastStreamId: 0x7fffffff });
      server.dataToSend();
      client.sendHeaders(1, REQ);
      client.sendData(1, Buffer.from('body'), { endStream: true });
      expect(names(server.receiveData(client.dataToSend()))).to.deep.equal(['RequestReceived', 'DataReceived', 'StreamEnded']);
      server.sendHeaders(1, RESP, { endStream: true });
      expect(names(client.receiveData(server.dataToSend()))).to.deep.equal(['ResponseReceived', 'StreamEnded']);
      expect(server.draining).to.equal(true);
    });

    it("takes the peer's graceful GOAWAY after ours and goes on answering PING", function () {
      const { client, server } = connectedPair();
      server.closeConnection();
      client.receiveData(server.dataToSend());
      client.closeConnection();
      client.ping(Buffer.from('12345678'));
      const events = server.receiveData(client.dataToSend());
      expect(names(events)).to.deep.equal(['ConnectionTerminated', 'PingReceived']);
      expect(events[0]).to.deep.include({ errorCode: ErrorCodes.NO_ERROR });
      const answer = server.dataToSend();
      expect(show(answer)).to.deep.equal(['PingFrame:ack']);
      expect(names(client.receiveData(answer))).to.deep.equal(['PingAckReceived']);
      expect([client.draining, server.draining]).to.deep.equal([true, true]);
    });

    it("answers a client's PING that was in flight when the server closed gracefully, and neither side sends GOAWAY(PROTOCOL_ERROR)", function () {
      const { client, server } = connectedPair();
      client.ping(Buffer.from('inflight'));
      const ping = client.dataToSend();
      // The server closes while the PING is on the wire.
      server.closeConnection();
      expect(names(server.receiveData(ping))).to.deep.equal(['PingReceived']);
      const answer = server.dataToSend();
      expect(show(answer)).to.deep.equal(['GoAwayFrame:0', 'PingFrame:ack']);
      const events = client.receiveData(answer);
      expect(names(events)).to.deep.equal(['ConnectionTerminated', 'PingAckReceived']);
      expect((events[1] as PingAckReceived).pingData.toString()).to.equal('inflight');
      expect(client.dataToSend().length, 'no GOAWAY from the client').to.equal(0);
      expect([client.state, client.draining]).to.deep.equal([ConnectionState.CLOSED, true]);
      // The server may still ping the client, which answers.
      server.ping(Buffer.from('fromsrv!'));
      expect(names(client.receiveData(server.dataToSend()))).to.deep.equal(['PingReceived']);
      expect(show(client.dataToSend())).to.deep.equal(['PingFrame:ack']);
      // But no new stream starts.
      expect(() => client.sendHeaders(1, REQ)).to.throw(ProtocolError, /going away/).with.property('code', 'ERR_H2_GOAWAY');
    });

    it('tells the adapter apart: graceful with nothing open (draining) vs dead (an error code, or a connection error)', function () {
      const graceful = connectedPair().server;
      graceful.closeConnection();
      expect({ state: graceful.state, draining: graceful.draining, open: graceful.openInboundStreams + graceful.openOutboundStreams }).to.deep.equal({ state: ConnectionState.CLOSED, draining: true, open: 0 });

      const errored = connectedPair().server;
      errored.closeConnection(ErrorCodes.INTERNAL_ERROR);
      expect([errored.state, errored.draining]).to.deep.equal([ConnectionState.CLOSED, false]);
      expect(() => errored.receiveData(rawFrame(6, 0, 0, '0102030405060708'))).to.throw(ProtocolError, /RECV_PING in state ConnectionState.CLOSED/);

      // A graceful GOAWAY after an error one does not bring the connection back.
      errored.closeConnection();
      expect(errored.draining).to.equal(false);

      // The peer's GOAWAY with an error code ends our graceful close.
      const { client, server } = connectedPair();
      server.closeConnection();
      expect(names(server.receiveData(rawFrame(7, 0, 0, '00000000 00000002')))).to.deep.equal(['ConnectionTerminated']);
      expect([server.state, server.draining]).to.deep.equal([ConnectionState.CLOSED, false]);
      // So does a frame the connection never allowed without a stream (DATA on an idle stream).
      server.receiveData(Buffer.alloc(0));
      client.closeConnection();
      expect(() => client.receiveData(rawFrame(0, 1, 2, '78'))).to.throw(ProtocolError);
      expect(client.draining).to.equal(false);
      expect(show(client.dataToSend())).to.deep.equal(['GoAwayFrame:0', 'GoAwayFrame:1']);
    });
  });
});
