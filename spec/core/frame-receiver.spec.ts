/**
 * FrameReceiver, through H2Connection: the one place a stream error becomes RST_STREAM. Each
 * cause counts against its own budget and leaves the stream closed through the state table, so
 * a later frame on it meets "a stream we reset" (RFC 9113 §5.1, §5.4.2, §8.7).
 */
import { expect } from 'chai';
import { ErrorCodes, type H2Connection, RequestReceived, SettingCodes, StreamClosedError, StreamReset } from '../../src/index.js';
import { GoAwayFrame, PushPromiseFrame, RstStreamFrame } from '../../src/frame/index.js';
import { HpackEncoder } from '../../src/hpack/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { frameBytes, framesIn } from '../helpers/frame-factory.js';
import { connectedPair, REQ, server } from '../helpers/peers.js';

/** The RST_STREAMs in a connection's output, as [streamId, errorCode]. */
function resets(c: H2Connection): Array<[number, number]> {
  return framesIn(c.dataToSend())
    .filter((f): f is RstStreamFrame => f instanceof RstStreamFrame)
    .map((f) => [f.streamId, f.errorCode]);
}

function request(encoder: HpackEncoder, id: number, extra: Array<[string, string]> = [], flags = 0x4): Buffer {
  return rawFrame(1, flags, id, encoder.encode([...REQ, ...extra].map(([name, value]) => ({ name, value }))));
}

describe('FrameReceiver: stream errors become RST_STREAM in one place', function () {
  it('resets a malformed request, reports StreamReset, and answers its late DATA as a stream we reset', function () {
    const s = server();
    const encoder = new HpackEncoder();
    const events = s.receiveData(request(encoder, 1, [['X-Upper', 'bad']]));
    expect(events).to.have.length(1);
    expect(events[0]).to.be.instanceOf(StreamReset).and.deep.include({ streamId: 1, errorCode: ErrorCodes.PROTOCOL_ERROR, remoteReset: false });
    expect(resets(s)).to.deep.equal([[1, ErrorCodes.PROTOCOL_ERROR]]);
    expect(s.receiveData(rawFrame(0, 0, 1, 'late'))).to.deep.equal([]);
    expect(resets(s)).to.deep.equal([[1, ErrorCodes.STREAM_CLOSED]]);
  });

  it('counts stream errors against maxLocalErrorResets, refusals against maxRefusedStreams only', function () {
    const { client, server: s } = connectedPair({ maxLocalErrorResets: 1, maxRefusedStreams: 100 });
    s.updateSettings({ [SettingCodes.MAX_CONCURRENT_STREAMS]: 1 });
    client.receiveData(s.dataToSend());
    s.receiveData(client.dataToSend());
    client.remoteSettings.set(SettingCodes.MAX_CONCURRENT_STREAMS, 1000);
    client.remoteSettings.acknowledge();
    for (const id of [1, 3, 5, 7, 9]) client.sendHeaders(id, REQ);
    const events = s.receiveData(client.dataToSend());
    expect(events.filter((e) => e instanceof RequestReceived)).to.have.length(1);
    expect(resets(s)).to.deep.equal([3, 5, 7, 9].map((id) => [id, ErrorCodes.REFUSED_STREAM]));
    // The refused ids are used up, their streams closed by our reset.
    expect(s.highestInboundStreamId).to.equal(9);
    expect(() => s.localFlowControlWindow(5)).to.throw(StreamClosedError);
  });

  it('refuses a PUSH_PROMISE on a stream we reset without creating the promised stream', function () {
    const { client, server: s } = connectedPair();
    client.sendHeaders(1, REQ, { endStream: true });
    s.receiveData(client.dataToSend());
    client.resetStream(1, ErrorCodes.CANCEL);
    client.dataToSend();
    const block = new HpackEncoder().encode(REQ.map(([name, value]) => ({ name, value })));
    const events = client.receiveData(frameBytes(new PushPromiseFrame(1, 2, block, true)));
    expect(events).to.deep.equal([]);
    expect(resets(client)).to.deep.equal([[2, ErrorCodes.REFUSED_STREAM]]);
    expect(client.highestInboundStreamId).to.equal(0);
  });

  it('closes our streams above a graceful GOAWAY as reset by the peer with REFUSED_STREAM', function () {
    const { client, server: s } = connectedPair();
    for (const id of [1, 3, 5]) client.sendHeaders(id, REQ);
    s.receiveData(client.dataToSend());
    const events = client.receiveData(frameBytes(new GoAwayFrame(1, ErrorCodes.NO_ERROR)));
    const reset = events.filter((e): e is StreamReset => e instanceof StreamReset);
    expect(reset.map((e) => [e.streamId, e.errorCode, e.remoteReset])).to.deep.equal([
      [3, ErrorCodes.REFUSED_STREAM, true],
      [5, ErrorCodes.REFUSED_STREAM, true],
    ]);
    expect(() => client.sendData(3, Buffer.from('x'))).to.throw(StreamClosedError);
    expect(client.localFlowControlWindow(1)).to.be.greaterThan(0);
  });
});
