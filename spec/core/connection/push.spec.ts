/**
 * Server push both ways (RFC 9113 §8.4): PUSH_PROMISE only on a stream the client opened,
 * only while the client allows push; the client sees PushedStreamReceived and then the pushed
 * response on the promised (even) stream.
 */
import { expect } from 'chai';
import {
  DataReceived,
  ErrorCodes,
  ProtocolError,
  PushedStreamReceived,
  ResponseReceived,
  SettingCodes,
  StreamEnded,
} from '../../../src/index.js';
import { rawFrame } from '../../helpers/bytes.js';
import { connectedPair, names, REQ } from '../../helpers/peers.js';

const PUSHED_REQ: Array<[string, string]> = [
  [':method', 'GET'],
  [':path', '/style.css'],
  [':scheme', 'https'],
  [':authority', 'example.com'],
];

function requested() {
  const pair = connectedPair();
  pair.client.sendHeaders(1, REQ, { endStream: true });
  pair.server.receiveData(pair.client.dataToSend());
  return pair;
}

describe('H2Connection: server push', function () {
  it('delivers a promise and the pushed response to the client', function () {
    const { client, server } = requested();
    server.pushStream(1, 2, PUSHED_REQ);
    server.sendHeaders(1, [[':status', '200']], { endStream: true });
    server.sendHeaders(2, [[':status', '200']]);
    server.sendData(2, Buffer.from('body{}'), { endStream: true });
    const events = client.receiveData(server.dataToSend());
    expect(names(events)).to.deep.equal(['PushedStreamReceived', 'ResponseReceived', 'StreamEnded', 'ResponseReceived', 'DataReceived', 'StreamEnded']);
    const promise = events[0] as PushedStreamReceived;
    expect(promise.pushedStreamId).to.equal(2);
    expect(promise.parentStreamId).to.equal(1);
    expect(promise.headers).to.deep.equal(PUSHED_REQ);
    expect((events[3] as ResponseReceived).streamId).to.equal(2);
    expect((events[4] as DataReceived).data.toString()).to.equal('body{}');
    expect((events[5] as StreamEnded).streamId).to.equal(2);
  });

  it('reserves the promised stream on both sides; reserved streams do not count as open', function () {
    const { client, server } = requested();
    server.pushStream(1, 2, PUSHED_REQ);
    client.receiveData(server.dataToSend());
    expect(server.openOutboundStreams).to.equal(0);
    expect(client.openInboundStreams).to.equal(0);
    expect(server.getNextAvailableStreamId()).to.equal(4);
    // The reserved stream opens (half-closed) with its response headers.
    server.sendHeaders(2, [[':status', '200']]);
    expect(server.openOutboundStreams).to.equal(1);
    client.receiveData(server.dataToSend());
    expect(client.openInboundStreams).to.equal(1);
  });

  it('refuses to push when the client disabled push', function () {
    const { client, server } = connectedPair();
    client.updateSettings({ [SettingCodes.ENABLE_PUSH]: 0 });
    server.receiveData(client.dataToSend());
    client.sendHeaders(1, REQ, { endStream: true });
    server.receiveData(client.dataToSend());
    expect(() => server.pushStream(1, 2, PUSHED_REQ)).to.throw(ProtocolError, 'Remote peer has disabled stream push').with.property('code', 'ERR_H2_PUSH_DISABLED');
  });

  it('refuses to push on a pushed stream or with a client stream id', function () {
    const { server } = requested();
    server.pushStream(1, 2, PUSHED_REQ);
    expect(() => server.pushStream(2, 4, PUSHED_REQ)).to.throw(ProtocolError, 'Cannot recursively push streams.').with.property('code', 'ERR_H2_NESTED_PUSH');
    const other = requested().server;
    expect(() => other.pushStream(1, 3, PUSHED_REQ)).to.throw(ProtocolError);
  });

  it('refuses to push on a stream the client has not opened', function () {
    const { server } = requested();
    expect(() => server.pushStream(3, 2, PUSHED_REQ)).to.throw(Error, '3');
  });

  it('treats a PUSH_PROMISE at a server as a connection error', function () {
    const { server } = requested();
    expect(() => server.receiveData(rawFrame(5, 4, 1, '00000002 82'))).to.throw(ProtocolError, 'Received pushed stream');
    expect(server.dataToSend().toString('hex')).to.equal('0000080700000000000000000100000001');
  });

  it('treats a promise received after we disabled push as a connection error', function () {
    const { client, server } = requested();
    client.updateSettings({ [SettingCodes.ENABLE_PUSH]: 0 });
    server.receiveData(client.dataToSend());
    client.receiveData(server.dataToSend()); // the ACK: push is now off for the client
    expect(() => client.receiveData(rawFrame(5, 4, 1, '00000002 82 87 84 41 8a 08 9d 5c 0b 81 70 dc 78 0f 03'.replace(/ /g, '')))).to.throw(ProtocolError, 'Received pushed stream');
  });

  it('refuses (REFUSED_STREAM) a promise on a stream the client reset', function () {
    const { client, server } = requested();
    client.resetStream(1, ErrorCodes.CANCEL);
    client.dataToSend();
    server.pushStream(1, 2, PUSHED_REQ);
    const events = client.receiveData(server.dataToSend());
    expect(events).to.deep.equal([]);
    expect(client.dataToSend().toString('hex')).to.equal('00000403000000000200000007');
  });

  it('lets the client cancel a promised stream with RST_STREAM', function () {
    const { client, server } = requested();
    server.pushStream(1, 2, PUSHED_REQ);
    client.receiveData(server.dataToSend());
    client.resetStream(2, ErrorCodes.CANCEL);
    const events = server.receiveData(client.dataToSend());
    expect(names(events)).to.deep.equal(['StreamReset']);
    expect(events[0]).to.deep.include({ streamId: 2, errorCode: ErrorCodes.CANCEL, remoteReset: true });
    expect(() => server.sendHeaders(2, [[':status', '200']])).to.throw(Error);
  });

  it('validates the promised request headers', function () {
    const { server } = requested();
    expect(() => server.pushStream(1, 2, [[':method', 'GET']])).to.throw(ProtocolError);
  });

  it('rejects DATA on a reserved (remote) stream before its HEADERS', function () {
    const { client, server } = requested();
    server.pushStream(1, 2, PUSHED_REQ);
    client.receiveData(server.dataToSend());
    // A DATA frame on the reserved stream before its HEADERS is a stream error at the client.
    const events = client.receiveData(rawFrame(0, 0, 2, '6869'));
    expect(names(events)).to.deep.equal(['StreamReset']);
    expect(client.dataToSend().subarray(-13).toString('hex')).to.match(/^0000040300000000020000000[15]$/);
  });
});
