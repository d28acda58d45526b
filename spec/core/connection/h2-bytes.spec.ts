/**
 * The behaviour cases of notes/h2-behaviour.md §9, measured from Python h2 4.4.1 with exact
 * bytes: our core must produce the same bytes, events and errors (or the documented RFC
 * deviation).
 */
import { expect } from 'chai';
import {
  ConnectionState,
  DataReceived,
  ErrorCodes,
  FlowControlError,
  H2Configuration,
  H2Connection,
  InvalidSettingsValueError,
  NoAvailableStreamIDError,
  NoSuchStreamError,
  PingReceived,
  ProtocolError,
  RemoteSettingsChanged,
  RequestReceived,
  ResponseReceived,
  SettingCodes,
  SettingsAcknowledged,
  StreamClosedError,
  StreamIDTooLowError,
  StreamReset,
  TooManyStreamsError,
  InvalidBodyLengthError,
  PriorityUpdated,
  ConnectionTerminated,
} from '../../../src/index.js';
import { StreamState } from '../../../src/core/stream-state.js';
import { FrameWriter, HeadersFrame } from '../../../src/frame/index.js';
import { HpackEncoder } from '../../../src/hpack/index.js';
import { hex, rawFrame } from '../../helpers/bytes.js';
import { connectedPair, names, REQ, server } from '../../helpers/peers.js';

const out = (c: H2Connection) => c.dataToSend().toString('hex');

/** A HEADERS frame with REQ (or `headers`), encoded by a fresh encoder. */
function headersFrame(streamId: number, headers: Array<[string, string]> = REQ, endStream = true, priority: HeadersFrame['priority'] = null): Buffer {
  const w = new FrameWriter();
  new HeadersFrame(streamId, new HpackEncoder().encode(headers.map(([name, value]) => ({ name, value }))), endStream, true, null, priority).serializeInto(w);
  return Buffer.from(w.take());
}

describe('H2Connection: h2 behaviour cases (notes §9)', function () {
  it('1. queues the client preface and the 7 default settings (75 bytes)', function () {
    const c = new H2Connection();
    c.initiateConnection();
    expect(out(c)).to.equal(
      Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n').toString('hex') +
        '00002a040000000000' + '000100001000' + '000200000001' + '00040000ffff' + '000500004000' + '000800000000' + '000300000064' + '000600010000',
    );
  });

  it('2. queues the server SETTINGS with ENABLE_PUSH=0 and no preface (51 bytes)', function () {
    const s = new H2Connection(new H2Configuration({ clientSide: false }));
    s.initiateConnection();
    const bytes = s.dataToSend();
    expect(bytes.length).to.equal(51);
    expect(bytes.toString('hex')).to.contain('000200000000');
  });

  it('3. returns h2\'s HTTP2-Settings value for an upgrade and half-closes stream 1', function () {
    const c = new H2Connection();
    expect(c.initiateUpgradeConnection()).to.equal('AAEAABAAAAIAAAABAAQAAP__AAUAAEAAAAgAAAAAAAMAAABkAAYAAQAA');
    expect(c.state).to.equal(ConnectionState.CLIENT_OPEN);
    expect(c.getNextAvailableStreamId()).to.equal(3);
    const s = new H2Connection(new H2Configuration({ clientSide: false }));
    expect(s.initiateUpgradeConnection('AAEAABAAAAIAAAABAAQAAP__AAUAAEAAAAgAAAAAAAMAAABkAAYAAQAA')).to.equal(null);
    expect(s.dataToSend().length).to.equal(51); // its SETTINGS only, no ACK
    expect(s.remoteSettings.maxConcurrentStreams).to.equal(100);
    s.sendHeaders(1, [[':status', '200']], { endStream: true });
    expect(() => s.sendData(1, Buffer.from('x'))).to.throw(ProtocolError);
    expect(StreamState.HALF_CLOSED_REMOTE).to.equal(4);
  });

  it('4. hands out stream ids 1 / 2 and refuses past 2^31-1', function () {
    const c = new H2Connection();
    expect(c.getNextAvailableStreamId()).to.equal(1);
    expect(new H2Connection({ clientSide: false }).getNextAvailableStreamId()).to.equal(2);
    c.highestOutboundStreamId = 2 ** 31 - 1;
    expect(() => c.getNextAvailableStreamId()).to.throw(NoAvailableStreamIDError, 'Exhausted allowed stream IDs');
  });

  it('5. encodes a request HEADERS with END_STREAM exactly as h2', function () {
    const c = new H2Connection();
    c.initiateConnection();
    c.dataToSend();
    c.sendHeaders(1, REQ, { endStream: true });
    expect(out(c)).to.equal('00000d01050000000182848741882f91d35d055c87a7');
  });

  it('6. reports HEADERS with END_STREAM and PRIORITY as RequestReceived, StreamEnded, PriorityUpdated, linked', function () {
    const s = server();
    const ev = s.receiveData(headersFrame(1, REQ, true, { dependsOn: 0, weight: 255, exclusive: true }));
    expect(names(ev)).to.deep.equal(['RequestReceived', 'StreamEnded', 'PriorityUpdated']);
    const req = ev[0] as RequestReceived;
    expect(req.headers).to.deep.equal(REQ);
    expect(req.streamEnded).to.equal(ev[1]);
    expect(req.priorityUpdated).to.equal(ev[2]);
    expect(ev[2]).to.deep.include({ streamId: 1, weight: 256, dependsOn: 0, exclusive: true });
    expect(ev[2]).to.be.instanceOf(PriorityUpdated);
  });

  it('7. reports remote SETTINGS with original values and queues the ACK', function () {
    const s = server();
    const ev = s.receiveData(rawFrame(4, 0, 0, '0003 0000000a 0004 000003e8 0077 00000001'));
    const changed = (ev[0] as RemoteSettingsChanged).changedSettings;
    expect([...changed.values()].map((c) => [c.setting, c.originalValue, c.newValue])).to.deep.equal([
      [3, null, 10],
      [4, 65535, 1000],
      [0x77, null, 1],
    ]);
    expect(out(s)).to.equal('000000040100000000');
  });

  it('8. answers PING with a PING ACK carrying the same data', function () {
    const s = server();
    const ev = s.receiveData(rawFrame(6, 0, 0, Buffer.from('abcdefgh')));
    expect((ev[0] as PingReceived).pingData.toString()).to.equal('abcdefgh');
    expect(out(s)).to.equal('0000080601000000006162636465666768');
  });

  it('9. refuses ping data that is not 8 octets', function () {
    const c = new H2Connection();
    expect(() => c.ping(Buffer.from('1234567'))).to.throw(RangeError);
    expect(() => c.ping('12345678')).to.throw(RangeError);
  });

  it('10. refuses to send past the window, and bad pad lengths', function () {
    const { client } = connectedPair();
    client.sendHeaders(1, REQ);
    expect(() => client.sendData(1, Buffer.alloc(65536))).to.throw(FlowControlError, 'Cannot send 65536 bytes, flow control window is 65535');
    expect(() => client.sendData(1, Buffer.from('x'), { padLength: 256 })).to.throw(RangeError);
    expect(() => client.sendData(1, Buffer.from('x'), { padLength: '1' as unknown as number })).to.throw(TypeError);
  });

  it('11. sends padded DATA and counts the padding against the window', function () {
    const { client } = connectedPair();
    client.sendHeaders(3, REQ);
    client.dataToSend();
    client.sendData(3, Buffer.from('hi'), { padLength: 3 });
    expect(out(client)).to.equal('000006000800000003036869000000');
    expect(client.localFlowControlWindow(3)).to.equal(65529);
  });

  it('12. refuses a stream over the peer\'s MAX_CONCURRENT_STREAMS', function () {
    const { client, server: s } = connectedPair();
    s.updateSettings({ [SettingCodes.MAX_CONCURRENT_STREAMS]: 2 });
    client.receiveData(s.dataToSend());
    client.sendHeaders(1, REQ);
    client.sendHeaders(3, REQ);
    expect(() => client.sendHeaders(5, REQ)).to.throw(TooManyStreamsError, 'Max outbound streams is 2, 2 open');
  });

  it('13. enforces increasing stream ids of our parity', function () {
    const { client } = connectedPair();
    client.sendHeaders(3, REQ);
    expect(() => client.sendHeaders(1, REQ)).to.throw(StreamIDTooLowError).with.property('maxStreamId', 3);
    expect(() => client.sendHeaders(6, REQ)).to.throw(ProtocolError, 'Invalid stream ID for peer.');
  });

  it('14. refuses push when the peer disabled it, and PUSH_PROMISE received by a server', function () {
    const { client } = connectedPair();
    expect(() => client.pushStream(3, 2, REQ)).to.throw(ProtocolError, 'Remote peer has disabled stream push');
    const s = server();
    expect(() => s.receiveData(rawFrame(5, 4, 1, '00000002 82'))).to.throw(ProtocolError, 'Received pushed stream');
  });

  it('15. resets a stream with the given code, then treats it as closed', function () {
    const { client } = connectedPair();
    client.sendHeaders(1, REQ);
    client.dataToSend();
    client.resetStream(1, ErrorCodes.CANCEL);
    expect(out(client)).to.equal('00000403000000000100000008');
    expect(() => client.sendData(1, Buffer.from('x'))).to.throw(StreamClosedError).with.property('errorCode', ErrorCodes.STREAM_CLOSED);
    expect(client.openOutboundStreams).to.equal(0);
    expect(() => client.sendData(1, Buffer.from('x'))).to.throw(StreamClosedError);
    expect(() => client.sendData(7, Buffer.from('x'))).to.throw(NoSuchStreamError);
  });

  it('16. refuses DATA after END_STREAM and closes the stream', function () {
    const { client } = connectedPair();
    client.sendHeaders(1, REQ, { endStream: true });
    expect(() => client.sendData(1, Buffer.from('x'))).to.throw(ProtocolError, 'Invalid input StreamInputs.SEND_DATA in state StreamState.HALF_CLOSED_LOCAL (stream 1): END_STREAM was already sent on this stream');
    expect(client.state).to.equal(ConnectionState.CLIENT_OPEN);
  });

  it('17. poisons the connection on an invalid connection input', function () {
    const c = new H2Connection();
    expect(() => c.endStream(1)).to.throw(ProtocolError, 'Invalid input ConnectionInputs.SEND_DATA in state ConnectionState.IDLE');
    expect(() => c.ping(Buffer.from('12345678'))).to.throw(ProtocolError, 'SEND_PING in state ConnectionState.CLOSED');
  });

  it('18. sends GOAWAY, repeatedly, with code, last stream id and data', function () {
    const c = new H2Connection();
    c.closeConnection();
    expect(out(c)).to.equal('0000080700000000000000000000000000');
    expect(() => c.sendHeaders(1, REQ)).to.throw(ProtocolError);
    c.closeConnection(ErrorCodes.PROTOCOL_ERROR, { additionalData: Buffer.from('bye'), lastStreamId: 5 });
    expect(out(c)).to.equal('00000b0700000000000000000500000001627965');
  });

  it('19. applies our settings only when acknowledged', function () {
    // h2 accepts a SETTINGS ACK as the peer's first frame; RFC 9113 §3.4 does not (strictPreface).
    const c = new H2Connection({ strictPreface: false });
    c.updateSettings(new Map([[SettingCodes.INITIAL_WINDOW_SIZE, 100000], [0x99, 5]]));
    expect(out(c)).to.equal('00000c0400000000000004000186a0009900000005');
    expect(c.localSettings.initialWindowSize).to.equal(65535);
    expect(c.localSettings.get(0x99)).to.equal(undefined);
    const ev = c.receiveData(hex('000000040100000000'));
    const changed = (ev[0] as SettingsAcknowledged).changedSettings;
    expect([...changed.values()].map((x) => [x.setting, x.originalValue, x.newValue])).to.deep.equal([
      [4, 65535, 100000],
      [0x99, null, 5],
    ]);
    expect(c.localSettings.initialWindowSize).to.equal(100000);
    expect(() => c.updateSettings({ [SettingCodes.MAX_FRAME_SIZE]: 100 })).to.throw(InvalidSettingsValueError, 'Setting 5 has invalid value 100');
  });

  it('20. answers invalid received settings with GOAWAY carrying their code', function () {
    for (const [payload, code] of [
      ['0002 00000001', ErrorCodes.PROTOCOL_ERROR],
      ['0005 00000064', ErrorCodes.PROTOCOL_ERROR],
      ['0004 80000000', ErrorCodes.FLOW_CONTROL_ERROR],
    ] as const) {
      const c = new H2Connection();
      c.initiateConnection();
      c.dataToSend();
      expect(() => c.receiveData(rawFrame(4, 0, 0, payload))).to.throw(InvalidSettingsValueError).with.property('errorCode', code);
      expect(out(c)).to.equal(`00000807000000000000000000000000${code.toString(16).padStart(2, '0')}`);
    }
  });

  it('21. answers frames on closed and idle streams as h2 does', function () {
    let s = server();
    s.receiveData(headersFrame(1, REQ, false));
    const reset = s.receiveData(rawFrame(3, 0, 1, '00000008'));
    expect(reset[0]).to.deep.include({ streamId: 1, errorCode: 8, remoteReset: true });
    expect(s.receiveData(rawFrame(0, 0, 1, '6869'))).to.deep.equal([]);
    expect(out(s)).to.equal('00000403000000000100000005');
    expect(() => s.receiveData(rawFrame(0, 0, 7, '6869'))).to.throw(NoSuchStreamError);
    expect(out(s)).to.equal('0000080700000000000000000100000001');

    s = server();
    s.receiveData(headersFrame(1, REQ, true));
    s.sendHeaders(1, [[':status', '200']], { endStream: true });
    s.dataToSend();
    expect(() => s.receiveData(headersFrame(1, REQ, true))).to.throw(StreamClosedError);
    expect(out(s)).to.equal('0000080700000000000000000100000005');

    // h2's answer to DATA after the peer's END_STREAM; ours by default escalates it (21b).
    s = server({ escalateStreamErrors: false });
    s.receiveData(headersFrame(1, REQ, true));
    const ev = s.receiveData(rawFrame(0, 0, 1, '78'));
    expect(ev[0]).to.be.instanceOf(StreamReset);
    expect(ev[0]).to.deep.include({ streamId: 1, errorCode: 5, remoteReset: false });

    s = server();
    expect(() => s.receiveData(rawFrame(8, 0, 5, '00000001'))).to.throw(NoSuchStreamError);
  });

  it('21b. (deviation) escalates DATA after the peer END_STREAM to GOAWAY(STREAM_CLOSED) by default (MadeYouReset)', function () {
    const s = server();
    s.receiveData(headersFrame(1, REQ, true));
    expect(() => s.receiveData(rawFrame(0, 0, 1, '78'))).to.throw(StreamClosedError);
    expect(out(s)).to.equal('0000080700000000000000000100000005');
  });

  it('22. answers framing errors with GOAWAY of the right code', function () {
    const cases: Array<[Buffer, number]> = [
      [rawFrame(8, 0, 0, '00000000'), ErrorCodes.PROTOCOL_ERROR],
      [rawFrame(0, 0, 1, Buffer.alloc(16385)), ErrorCodes.FRAME_SIZE_ERROR],
      [rawFrame(6, 0, 0, Buffer.alloc(7)), ErrorCodes.FRAME_SIZE_ERROR],
      [rawFrame(4, 0, 1, ''), ErrorCodes.PROTOCOL_ERROR],
      [Buffer.concat([rawFrame(1, 0, 1, '82'), rawFrame(6, 0, 0, Buffer.alloc(8))]), ErrorCodes.PROTOCOL_ERROR],
    ];
    for (const [bytes, code] of cases) {
      const s = server();
      expect(() => s.receiveData(bytes)).to.throw(ProtocolError).with.property('errorCode', code);
      expect(out(s).slice(-8)).to.equal(code.toString(16).padStart(8, '0'));
      expect(s.receiveData(rawFrame(6, 0, 0, Buffer.alloc(8))), 'later input is ignored').to.deep.equal([]);
      expect(out(s)).to.equal('');
    }
  });

  it('22b. rejects an HTTP/1.1 request as the preface without a GOAWAY', function () {
    const s = new H2Connection({ clientSide: false });
    expect(() => s.receiveData(Buffer.from('GET / HTTP/1.1\r\n'))).to.throw(ProtocolError, 'Invalid HTTP/2 preamble.');
    expect(s.dataToSend().length).to.equal(0);
  });

  it('23. answers an oversized header list with GOAWAY(ENHANCE_YOUR_CALM) (a client here: our server answers 431, see budgets)', function () {
    const s = new H2Connection({ clientSide: true });
    s.initiateConnection();
    s.sendHeaders(1, REQ, { endStream: true });
    s.receiveData(Buffer.from('000000040000000000', 'hex'));
    const big = new HpackEncoder().encode([...REQ.map(([name, value]) => ({ name, value })), { name: 'x-big', value: 'v'.repeat(70000) }]);
    const w = new FrameWriter();
    new HeadersFrame(1, big.subarray(0, 16000), true, false).serializeInto(w); // a response: :status is not checked before the size
    for (let at = 16000; at < big.length; at += 16000) w.writeBytes(rawFrame(9, at + 16000 >= big.length ? 4 : 0, 1, big.subarray(at, at + 16000)));
    expect(() => s.receiveData(w.take())).to.throw(ProtocolError).with.property('errorCode', ErrorCodes.ENHANCE_YOUR_CALM);
  });

  it('24. sends WINDOW_UPDATEs once half the window is acknowledged, connection first', function () {
    const { client, server: s } = connectedPair();
    client.sendHeaders(1, REQ, { endStream: true });
    s.receiveData(client.dataToSend());
    s.sendHeaders(1, [[':status', '200']]);
    s.sendData(1, Buffer.alloc(16384));
    s.sendData(1, Buffer.alloc(16384));
    client.receiveData(s.dataToSend());
    client.acknowledgeReceivedData(32766, 1);
    expect(out(client)).to.equal('');
    client.acknowledgeReceivedData(1, 1);
    expect(out(client)).to.equal('00000408000000000000007fff' + '00000408000000000100007fff');
    expect(client.inboundFlowControlWindow).to.equal(65534);
    expect(client.remoteFlowControlWindow(1)).to.equal(65534);
    expect(() => client.acknowledgeReceivedData(10, 0)).to.throw(RangeError);
    expect(() => client.acknowledgeReceivedData(-1, 1)).to.throw(RangeError);
    expect(() => new H2Connection().acknowledgeReceivedData(1, 1)).to.throw(NoSuchStreamError);
  });

  it('25. checks the body against content-length (a stream error: RST_STREAM)', function () {
    const { client, server: s } = connectedPair();
    client.sendHeaders(1, REQ, { endStream: true });
    s.receiveData(client.dataToSend());
    s.sendHeaders(1, [[':status', '200'], ['content-length', '5']]);
    s.sendData(1, Buffer.from('hello'), { endStream: true });
    const ev = client.receiveData(s.dataToSend());
    expect(names(ev)).to.deep.equal(['ResponseReceived', 'DataReceived', 'StreamEnded']);
    expect((ev[0] as ResponseReceived).headers).to.deep.equal([[':status', '200'], ['content-length', '5']]);
    expect((ev[1] as DataReceived).data.toString()).to.equal('hello');

    client.sendHeaders(3, REQ, { endStream: true });
    s.receiveData(client.dataToSend());
    s.sendHeaders(3, [[':status', '200'], ['content-length', '5']]);
    s.sendData(3, Buffer.from('hell'), { endStream: true });
    const bad = client.receiveData(s.dataToSend());
    expect(names(bad)).to.deep.equal(['ResponseReceived', 'StreamReset']);
    expect(bad[1]).to.deep.include({ streamId: 3, errorCode: ErrorCodes.PROTOCOL_ERROR, remoteReset: false });
    expect(client.dataToSend().toString('hex')).to.contain('00000403000000000300000001');
    expect(InvalidBodyLengthError).to.be.a('function');
  });

  it('26. rejects malformed request headers with RST_STREAM(PROTOCOL_ERROR)', function () {
    const bad: Array<Array<[string, string]>> = [
      [...REQ, ['X-Foo', 'bar']],
      [...REQ, ['connection', 'close']],
      [...REQ, ['te', 'gzip']],
      REQ.filter(([n]) => n !== ':path'),
      [['x', 'y'], ...REQ],
    ];
    for (const headers of bad) {
      const s = server();
      const ev = s.receiveData(headersFrame(1, headers));
      expect(names(ev), JSON.stringify(headers)).to.deep.equal(['StreamReset']);
      expect(out(s)).to.equal('00000403000000000100000001');
    }
  });

  it('26b. joins cookies with "; " and moves them to the end', function () {
    const s = server();
    const ev = s.receiveData(headersFrame(1, [...REQ, ['cookie', 'a=b'], ['x', 'y'], ['cookie', 'c=d']]));
    expect((ev[0] as RequestReceived).headers.slice(4)).to.deep.equal([
      ['x', 'y'],
      ['cookie', 'a=b; c=d'],
    ]);
  });

  it('27. normalizes outbound headers and refuses te other than trailers as the caller\'s error', function () {
    const { client, server: s } = connectedPair();
    client.sendHeaders(1, [...REQ, ['X-Foo', ' bar '], ['Connection', 'close'], ['authorization', 'secret']], { endStream: true });
    const ev = s.receiveData(client.dataToSend());
    expect((ev[0] as RequestReceived).headers.slice(4)).to.deep.equal([
      ['x-foo', 'bar'],
      ['authorization', 'secret'],
    ]);
    expect(() => client.sendHeaders(3, [...REQ, ['te', 'gzip']]))
      .to.throw(ProtocolError, 'Invalid value for TE header')
      .with.property('scope', 'connection');
  });

  it('28. returns queued bytes in parts with dataToSend(amount)', function () {
    const { client } = connectedPair();
    client.sendHeaders(1, REQ);
    client.dataToSend();
    client.sendData(1, Buffer.from('abc'));
    expect(client.dataToSend(5).toString('hex')).to.equal('0000030000');
    expect(client.dataToSend().toString('hex')).to.equal('00000001616263');
    expect(client.dataToSend().length).to.equal(0);
  });

  it('29. reports GOAWAY; an error GOAWAY clears the outbound buffer', function () {
    const s = server();
    s.ping(Buffer.from('12345678'));
    const ev = s.receiveData(rawFrame(7, 0, 0, '00000000 00000002'));
    expect(ev[0]).to.be.instanceOf(ConnectionTerminated);
    expect(ev[0]).to.deep.include({ errorCode: 2, lastStreamId: 0, additionalData: null });
    expect(s.dataToSend().length).to.equal(0);
  });

  it('29b. (deviation) keeps the outbound buffer on a graceful GOAWAY (NO_ERROR)', function () {
    const s = server();
    s.ping(Buffer.from('12345678'));
    const ev = s.receiveData(rawFrame(7, 0, 0, '00000000 00000000'));
    expect(ev[0]).to.deep.include({ errorCode: 0, lastStreamId: 0, additionalData: null });
    // h2 drops the queued PING here; the bytes of streams that may still finish must not be lost.
    expect(out(s)).to.equal('0000080600000000003132333435363738');
  });

  it('19b. (deviation) treats a first frame other than SETTINGS as an invalid preface', function () {
    const c = new H2Connection();
    c.initiateConnection();
    c.dataToSend();
    expect(() => c.receiveData(hex('000000040100000000'))).to.throw(ProtocolError, 'not SETTINGS');
    expect(out(c)).to.equal('0000080700000000000000000000000001');
  });
});
