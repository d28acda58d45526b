/**
 * Priority (RFC 9113 §5.3, deprecated but still on the wire): PRIORITY frames and HEADERS
 * priority fields are validated and reported as PriorityUpdated; self-dependency is a stream
 * error; a prioritized HEADERS never exceeds the peer's MAX_FRAME_SIZE.
 */
import { expect } from 'chai';
import { ErrorCodes, PriorityUpdated, ProtocolError, RFC1122Error, RequestReceived } from '../../../src/index.js';
import { FrameReader, HeadersFrame } from '../../../src/frame/index.js';
import { rawFrame } from '../../helpers/bytes.js';
import { connectedPair, names, REQ } from '../../helpers/peers.js';

describe('H2Connection: priority', function () {
  it('sends a PRIORITY frame and the server reports it', function () {
    const { client, server } = connectedPair();
    client.prioritize(1, { weight: 32, dependsOn: 0, exclusive: true });
    const bytes = client.dataToSend();
    expect(bytes.toString('hex')).to.equal('0000050200000000018000000' + '01f');
    const events = server.receiveData(bytes);
    expect(events).to.have.length(1);
    expect(events[0]).to.be.instanceOf(PriorityUpdated).and.deep.include({ streamId: 1, weight: 32, dependsOn: 0, exclusive: true });
  });

  it('puts priority fields on HEADERS and reports them with the request', function () {
    const { client, server } = connectedPair();
    client.sendHeaders(1, REQ, { endStream: true, priorityWeight: 256, priorityDependsOn: 0, priorityExclusive: false });
    const events = server.receiveData(client.dataToSend());
    // h2's order: the stream's events, then the priority.
    expect(names(events)).to.deep.equal(['RequestReceived', 'StreamEnded', 'PriorityUpdated']);
    expect((events[0] as RequestReceived).priorityUpdated).to.equal(events[2]);
    expect(events[2]).to.deep.include({ streamId: 1, weight: 256, dependsOn: 0, exclusive: false });
  });

  it('validates weight and dependency when sending', function () {
    const { client, server } = connectedPair();
    expect(() => client.prioritize(1, { weight: 0 })).to.throw(ProtocolError, 'Weight must be between 1 and 256');
    expect(() => client.prioritize(1, { weight: 257 })).to.throw(ProtocolError);
    expect(() => client.prioritize(3, { dependsOn: 3 })).to.throw(ProtocolError, 'must not depend on itself');
    expect(() => server.prioritize(1, { weight: 1 })).to.throw(RFC1122Error);
    expect(() => server.sendHeaders(2, REQ, { priorityWeight: 1 })).to.throw(RFC1122Error);
  });

  it('answers a self-dependent PRIORITY with GOAWAY(PROTOCOL_ERROR) by default (escalated: MadeYouReset)', function () {
    const { server } = connectedPair();
    expect(() => server.receiveData(rawFrame(2, 0, 3, '00000003 10'))).to.throw(ProtocolError, 'may not depend on itself');
    expect(server.dataToSend().toString('hex')).to.equal('0000080700000000000000000000000001');
  });

  it('answers a PRIORITY of the wrong length with GOAWAY(FRAME_SIZE_ERROR) by default', function () {
    const { server } = connectedPair();
    expect(() => server.receiveData(rawFrame(2, 0, 1, '00000000'))).to.throw(ProtocolError);
    expect(server.dataToSend().toString('hex')).to.equal('0000080700000000000000000000000006');
  });

  it('answers a self-dependent PRIORITY with RST_STREAM(PROTOCOL_ERROR) with escalateStreamErrors: false', function () {
    const { server } = connectedPair({ escalateStreamErrors: false });
    const events = server.receiveData(rawFrame(2, 0, 3, '00000003 10'));
    expect(names(events)).to.deep.equal(['StreamReset']);
    expect(events[0]).to.deep.include({ streamId: 3, errorCode: ErrorCodes.PROTOCOL_ERROR, remoteReset: false });
    expect(server.dataToSend().toString('hex')).to.equal('00000403000000000300000001');
  });

  it('answers a PRIORITY of the wrong length with RST_STREAM(FRAME_SIZE_ERROR) with escalateStreamErrors: false', function () {
    const { server } = connectedPair({ escalateStreamErrors: false });
    const events = server.receiveData(rawFrame(2, 0, 1, '0000000010'.slice(0, 8)));
    expect(names(events)).to.deep.equal(['StreamReset']);
    expect(server.dataToSend().toString('hex')).to.equal('00000403000000000100000006');
  });

  it('answers a self-dependent HEADERS with RST_STREAM(PROTOCOL_ERROR) and keeps HPACK in sync (escalateStreamErrors: false)', function () {
    const { client, server } = connectedPair({ escalateStreamErrors: false });
    client.sendHeaders(1, REQ, { endStream: true, priorityWeight: 16, priorityDependsOn: 0 });
    const bytes = client.dataToSend();
    // Rewrite the dependency to the stream itself (priority fields follow the 9-octet header).
    bytes.writeUInt32BE(1, 9);
    const events = server.receiveData(bytes);
    expect(names(events)).to.deep.equal(['StreamReset']);
    client.sendHeaders(3, REQ, { endStream: true });
    expect(names(server.receiveData(client.dataToSend()))).to.deep.equal(['RequestReceived', 'StreamEnded']);
  });

  it('keeps a prioritized HEADERS within MAX_FRAME_SIZE when its block fills the frame', function () {
    const { client } = connectedPair();
    // A value long enough to need CONTINUATION, so the first frame is filled to the limit.
    const value = Buffer.from(Array.from({ length: 30000 }, (_, i) => 0x21 + ((i * 7919) % 90))).toString('latin1');
    client.sendHeaders(1, [...REQ, ['x-big', value]], { endStream: true, priorityWeight: 42 });
    const bytes = client.dataToSend();
    expect(bytes.readUIntBE(0, 3), 'first frame length').to.equal(16384);
    const reader = new FrameReader({ expectPreface: false, maxFrameSize: 16384 });
    reader.feed(bytes);
    const frame = reader.next();
    expect(frame).to.be.instanceOf(HeadersFrame);
    expect((frame as HeadersFrame).priority).to.deep.equal({ weight: 41, dependsOn: 0, exclusive: false });
  });
});
