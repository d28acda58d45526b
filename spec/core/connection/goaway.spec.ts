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
  ProtocolError,
  RequestReceived,
  ResponseReceived,
  StreamEnded,
  StreamReset,
} from '../../../src/index.js';
import { rawFrame } from '../../helpers/bytes.js';
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
});
