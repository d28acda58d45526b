/**
 * The DoS budgets the core enforces (notes/dos-defences.md §4): each is exceeded on purpose
 * and must end in GOAWAY(ENHANCE_YOUR_CALM) with the budget's name as debug data (or the RFC
 * code for the escalated MadeYouReset primitives), after which input is ignored.
 */
import { expect } from 'chai';
import {
  DenialOfServiceError,
  ErrorCodes,
  H2Configuration,
  H2Connection,
  type H2ConfigurationOptions,
  H2Error,
  ProtocolError,
  SettingCodes,
  ConnectionState,
} from '../../../src/index.js';
import { GoAwayFrame, HeadersFrame, RstStreamFrame } from '../../../src/frame/index.js';
import { HpackDecoder, HpackEncoder } from '../../../src/hpack/index.js';
import { rawFrame } from '../../helpers/bytes.js';
import { framesIn } from '../../helpers/frame-factory.js';
import { connectedPair, names, REQ, server } from '../../helpers/peers.js';

/** The last GOAWAY among a connection's output, or null. */
function goaway(c: H2Connection): GoAwayFrame | null {
  return framesIn(c.dataToSend()).filter((f) => f instanceof GoAwayFrame).pop() ?? null;
}

function expectCalm(c: H2Connection, debug: string): void {
  const g = goaway(c);
  expect(g, 'a GOAWAY').to.not.equal(null);
  expect(g?.errorCode).to.equal(ErrorCodes.ENHANCE_YOUR_CALM);
  expect(Buffer.from(g?.additionalData ?? []).toString()).to.equal(debug);
}

/** HEADERS (END_STREAM) for a GET on `streamId`, encoded with `encoder` (one per connection). */
function request(encoder: HpackEncoder, streamId: number, extra: Array<[string, string]> = []): Buffer {
  const block = encoder.encode([...REQ, ...extra].map(([name, value]) => ({ name, value })));
  return rawFrame(1, 0x5, streamId, block);
}

function fixedClock(): { clock: () => number; advance: (ms: number) => void } {
  let now = 0;
  return { clock: () => now, advance: (ms) => (now += ms) };
}

function budgetServer(options: H2ConfigurationOptions): H2Connection {
  return server(options);
}

describe('H2Connection: DoS budgets', function () {
  it('stops Rapid Reset: RST_STREAM on peer streams beyond resetRateLimit → GOAWAY "too_many_resets"', function () {
    const time = fixedClock();
    const s = budgetServer({ resetRateLimit: { burst: 5, perSecond: 1 }, clock: time.clock });
    const enc = new HpackEncoder();
    let id = 1;
    const round = () => {
      s.receiveData(Buffer.concat([request(enc, id), rawFrame(3, 0, id, '00000008')]));
      id += 2;
    };
    for (let i = 0; i < 5; i++) round();
    s.dataToSend();
    // The bucket refills with time: 2 s later two more resets are fine.
    time.advance(2000);
    round();
    round();
    s.dataToSend();
    expect(() => round()).to.throw(DenialOfServiceError);
    expectCalm(s, 'too_many_resets');
    // Input after the connection error is ignored unparsed.
    expect(s.receiveData(Buffer.from('garbage that is not a frame at all'))).to.deep.equal([]);
  });

  it('caps our own error resets: maxLocalErrorResets → GOAWAY "too_many_local_resets"', function () {
    const s = budgetServer({ maxLocalErrorResets: 3 });
    const enc = new HpackEncoder();
    // An uppercase header name makes each request malformed: RST_STREAM(PROTOCOL_ERROR).
    for (const id of [1, 3, 5]) expect(names(s.receiveData(request(enc, id, [['X-Upper', '1']])))).to.deep.equal(['StreamReset']);
    expect(() => s.receiveData(request(enc, 7, [['X-Upper', '1']]))).to.throw(DenialOfServiceError);
    expectCalm(s, 'too_many_local_resets');
  });

  it('counts each RST_STREAM(FLOW_CONTROL_ERROR) for a stream window overflow against maxLocalErrorResets', function () {
    const overflow = (id: number) => Buffer.concat([rawFrame(8, 0, id, '7fffffff')]);
    const s = budgetServer({ maxLocalErrorResets: 3 });
    const enc = new HpackEncoder();
    for (const id of [1, 3, 5]) {
      const events = s.receiveData(Buffer.concat([rawFrame(1, 0x4, id, enc.encode(REQ.map(([name, value]) => ({ name, value })))), overflow(id)]));
      expect(names(events)).to.deep.equal(['RequestReceived', 'StreamReset']);
    }
    expect(() => s.receiveData(Buffer.concat([rawFrame(1, 0x4, 7, enc.encode(REQ.map(([name, value]) => ({ name, value })))), overflow(7)]))).to.throw(DenialOfServiceError);
    expectCalm(s, 'too_many_local_resets');
  });

  it('counts a refused PUSH_PROMISE on a stream we reset against maxLocalErrorResets (the promised id is not used up, so it could repeat forever)', function () {
    const { client, server: srv } = connectedPair({ maxLocalErrorResets: 2 });
    client.sendHeaders(1, REQ, { endStream: true });
    srv.receiveData(client.dataToSend());
    client.resetStream(1, ErrorCodes.CANCEL);
    client.dataToSend();
    const push = rawFrame(5, 0x4, 1, Buffer.concat([Buffer.from('00000002', 'hex'), new HpackEncoder().encode(REQ.map(([name, value]) => ({ name, value })))]));
    client.receiveData(push);
    client.receiveData(push);
    expect(framesIn(client.dataToSend()).map((f) => `${f.constructor.name}:${f.streamId}`)).to.deep.equal(['RstStreamFrame:2', 'RstStreamFrame:2']);
    expect(() => client.receiveData(push)).to.throw(DenialOfServiceError);
    expectCalm(client, 'too_many_local_resets');
  });

  it('cuts off a peer that keeps overflowing stream windows with GOAWAY(ENHANCE_YOUR_CALM), with the default budgets', function () {
    const s = budgetServer({});
    const enc = new HpackEncoder();
    const req = (id: number) => rawFrame(1, 0x4, id, enc.encode(REQ.map(([name, value]) => ({ name, value }))));
    let id = 1;
    let error: unknown = null;
    for (; id < 2 * 1100; id += 2) {
      try {
        s.receiveData(Buffer.concat([req(id), rawFrame(8, 0, id, '7fffffff')]));
      } catch (err) {
        error = err;
        break;
      }
      expect(framesIn(s.dataToSend()).map((f) => `${f.constructor.name}:${(f as RstStreamFrame).errorCode}`)).to.deep.equal(['RstStreamFrame:3']);
    }
    expect(error).to.be.instanceOf(DenialOfServiceError);
    // The glitch bucket (1000) or maxLocalErrorResets (1024), whichever comes first.
    expect(id).to.be.at.most(2 * 1024 + 1);
    const g = goaway(s);
    expect(g?.errorCode).to.equal(ErrorCodes.ENHANCE_YOUR_CALM);
  });

  it('counts glitches: unknown, empty DATA and PRIORITY frames beyond glitchRateLimit → "too_many_glitches"', function () {
    for (const frame of [rawFrame(0xfa, 0, 0, 'abcd'), rawFrame(2, 0, 3, '00000000 10')]) {
      const s = budgetServer({ glitchRateLimit: { burst: 10, perSecond: 0 }, clock: () => 0 });
      for (let i = 0; i < 10; i++) s.receiveData(frame);
      expect(() => s.receiveData(frame)).to.throw(DenialOfServiceError);
      expectCalm(s, 'too_many_glitches');
    }
    const s = budgetServer({ glitchRateLimit: { burst: 10, perSecond: 0 }, clock: () => 0 });
    s.receiveData(rawFrame(1, 0x4, 1, '82848741882f91d35d055c87a7'));
    for (let i = 0; i < 10; i++) s.receiveData(rawFrame(0, 0, 1));
    expect(() => s.receiveData(rawFrame(0, 0, 1))).to.throw(DenialOfServiceError);
  });

  it('stops a PING flood whose answers are not taken: maxOutboundControlFrames → "flood"', function () {
    const s = budgetServer({ maxOutboundControlFrames: 100 });
    const ping = rawFrame(6, 0, 0, '0102030405060708');
    // 100 PINGs per read with the ACKs taken in between: fine.
    for (let round = 0; round < 3; round++) {
      s.receiveData(Buffer.concat(Array.from({ length: 100 }, () => ping)));
      expect(s.dataToSend().length).to.equal(100 * 17);
    }
    expect(() => s.receiveData(Buffer.concat(Array.from({ length: 101 }, () => ping)))).to.throw(DenialOfServiceError);
    expectCalm(s, 'flood');
  });

  it('refuses SETTINGS frames with more than maxSettingsEntries entries → "too_many_settings"', function () {
    const s = budgetServer({});
    const payload = Buffer.concat(Array.from({ length: 33 }, () => Buffer.from('000300000064', 'hex')));
    expect(() => s.receiveData(rawFrame(4, 0, 0, payload))).to.throw(DenialOfServiceError);
    expectCalm(s, 'too_many_settings');
    const ok = budgetServer({});
    expect(names(ok.receiveData(rawFrame(4, 0, 0, payload.subarray(0, 32 * 6))))).to.deep.equal(['RemoteSettingsChanged']);
  });

  describe('header lists over maxHeaderListSize or maxHeaderListPairs', function () {
    const many = Array.from({ length: 17 }, (_, i): [string, string] => [`x-${i}`, 'v']);

    it('a server answers the request alone with 431 and END_STREAM; the next request is served', function () {
      const s = budgetServer({ maxHeaderListPairs: 20 });
      const enc = new HpackEncoder();
      expect(s.receiveData(request(enc, 1, many))).to.deep.equal([]);
      const answer = framesIn(s.dataToSend());
      expect(answer.map((f) => `${f.constructor.name}:${f.streamId}`)).to.deep.equal(['HeadersFrame:1']);
      expect((answer[0] as HeadersFrame).endStream).to.equal(true);
      expect(new HpackDecoder().decode((answer[0] as HeadersFrame).headerBlock).fields.map((f) => [f.name, f.value])).to.deep.equal([[':status', '431']]);
      expect(names(s.receiveData(request(enc, 3)))).to.deep.equal(['RequestReceived', 'StreamEnded']);
    });

    it('counts a glitch per KiB of a refused header block: a flood of large ones meets "too_many_glitches" sooner', function () {
      const s = budgetServer({ maxHeaderListPairs: 20, glitchRateLimit: { burst: 130, perSecond: 0 }, clock: () => 0 });
      const enc = new HpackEncoder();
      // A small refused list (too many fields) costs one glitch, as any glitch.
      s.receiveData(request(enc, 1, many));
      // ~60 KiB of never-indexed literal (HEADERS + CONTINUATIONs): 60 glitches each, so the
      // third one is over the burst of 130 (1 + 60 + 60 fit).
      const big = (id: number): Buffer => {
        const fields: Array<[string, string]> = [...REQ, ['x-big', 'v'.repeat(70_000)]];
        const block = enc.encode(fields.map(([name, value]) => ({ name, value, neverIndex: true })));
        const frames: Buffer[] = [];
        for (let at = 0; at < block.length; at += 16384) {
          const last = at + 16384 >= block.length;
          frames.push(rawFrame(at === 0 ? 1 : 9, (at === 0 ? 0x1 : 0) | (last ? 0x4 : 0), id, block.subarray(at, at + 16384)));
        }
        expect(frames).to.have.length(4);
        return Buffer.concat(frames);
      };
      s.receiveData(big(3));
      s.receiveData(big(5));
      s.dataToSend();
      expect(() => s.receiveData(big(7))).to.throw(DenialOfServiceError);
      expectCalm(s, 'too_many_glitches');
    });

    it('asks for the rest of an unfinished request body to stop: 431, then RST_STREAM(NO_ERROR)', function () {
      const s = budgetServer({});
      const enc = new HpackEncoder();
      const block = enc.encode([...REQ, ['x-big', 'v'.repeat(70000)] as [string, string]].map(([name, value]) => ({ name, value })));
      const frames = [rawFrame(1, 0, 1, block.subarray(0, 16384))];
      for (let at = 16384; at < block.length; at += 16384) frames.push(rawFrame(9, at + 16384 >= block.length ? 4 : 0, 1, block.subarray(at, at + 16384)));
      expect(s.receiveData(Buffer.concat(frames))).to.deep.equal([]);
      const answer = framesIn(s.dataToSend());
      expect(answer.map((f) => f.constructor.name)).to.deep.equal(['HeadersFrame', 'RstStreamFrame']);
      expect((answer[1] as RstStreamFrame).errorCode).to.equal(ErrorCodes.NO_ERROR);
      // Its body, still in flight, meets a stream we reset: answered, not a connection error.
      s.receiveData(rawFrame(0, 1, 1, '78'));
      expect(goaway(s)).to.equal(null);
    });

    it('a client keeps h2\'s answer to an oversized response: GOAWAY "too_many_headers"', function () {
      const { client, server: s } = connectedPair({ maxHeaderListPairs: 20 });
      client.sendHeaders(1, REQ, { endStream: true });
      s.receiveData(client.dataToSend());
      s.sendHeaders(1, [[':status', '200'], ...many, ...many], { endStream: true });
      expect(() => client.receiveData(s.dataToSend())).to.throw(DenialOfServiceError);
      expectCalm(client, 'too_many_headers');
    });
  });

  it('ends a run of refused streams: maxRefusedStreams → "too_many_refused_streams"', function () {
    const { client, server: s } = connectedPair({ maxRefusedStreams: 3 });
    s.updateSettings({ [SettingCodes.MAX_CONCURRENT_STREAMS]: 1 });
    client.receiveData(s.dataToSend());
    s.receiveData(client.dataToSend());
    const enc = new HpackEncoder();
    // Skip the client's own encoder: the server decodes with a fresh context on a fresh block.
    const raw = (id: number) => rawFrame(1, 0x4, id, enc.encode(REQ.map(([name, value]) => ({ name, value }))));
    s.receiveData(raw(1));
    for (const id of [3, 5, 7]) s.receiveData(raw(id));
    expect(() => s.receiveData(raw(9))).to.throw(DenialOfServiceError);
    expectCalm(s, 'too_many_refused_streams');
  });

  it('refuses every new peer stream while refuseNewStreams is set (H2Duplex: maxSessionMemory), counted as refusals', function () {
    const s = budgetServer({ maxRefusedStreams: 2 });
    const enc = new HpackEncoder();
    s.refuseNewStreams = true;
    expect(s.receiveData(Buffer.concat([request(enc, 1), request(enc, 3)]))).to.deep.equal([]);
    expect(framesIn(s.dataToSend()).map((f) => `${f.constructor.name}:${(f as RstStreamFrame).errorCode}`)).to.deep.equal(['RstStreamFrame:7', 'RstStreamFrame:7']);
    s.refuseNewStreams = false;
    expect(names(s.receiveData(request(enc, 5)))).to.deep.equal(['RequestReceived', 'StreamEnded']);
    s.refuseNewStreams = true;
    s.receiveData(Buffer.concat([request(enc, 7), request(enc, 9)]));
    expect(() => s.receiveData(request(enc, 11))).to.throw(DenialOfServiceError);
    expectCalm(s, 'too_many_refused_streams');
  });

  it('limits our own outstanding PINGs and SETTINGS (local errors, no frame)', function () {
    const { client, server: s } = connectedPair({ maxOutstandingPings: 2, maxOutstandingSettings: 2 });
    client.ping(Buffer.from('aaaaaaaa'));
    client.ping(Buffer.from('bbbbbbbb'));
    expect(() => client.ping(Buffer.from('cccccccc'))).to.throw(H2Error, 'maxOutstandingPings');
    s.receiveData(client.dataToSend());
    client.receiveData(s.dataToSend());
    client.ping(Buffer.from('cccccccc'));
    client.updateSettings({ [SettingCodes.MAX_CONCURRENT_STREAMS]: 5 });
    client.updateSettings({ [SettingCodes.MAX_CONCURRENT_STREAMS]: 6 });
    expect(() => client.updateSettings({ [SettingCodes.MAX_CONCURRENT_STREAMS]: 7 })).to.throw(H2Error, 'maxOutstandingSettings');
  });

  describe('escalated MadeYouReset primitives (escalateStreamErrors, default true)', function () {
    const open = () => {
      const s = budgetServer({});
      s.receiveData(rawFrame(1, 0x4, 1, '82848741882f91d35d055c87a7'));
      s.dataToSend();
      return s;
    };
    const cases: Array<[string, Buffer, number]> = [
      ['WINDOW_UPDATE of 0 on a stream', rawFrame(8, 0, 1, '00000000'), ErrorCodes.PROTOCOL_ERROR],
      ['PRIORITY self-dependency', rawFrame(2, 0, 1, '00000001 10'), ErrorCodes.PROTOCOL_ERROR],
      ['PRIORITY of 4 octets', rawFrame(2, 0, 1, '00000000'), ErrorCodes.FRAME_SIZE_ERROR],
      ['DATA after END_STREAM', Buffer.concat([rawFrame(0, 1, 1, '78'), rawFrame(0, 0, 1, '78')]), ErrorCodes.STREAM_CLOSED],
      ['HEADERS after END_STREAM', Buffer.concat([rawFrame(0, 1, 1, '78'), rawFrame(1, 0x5, 1, '82848741882f91d35d055c87a7')]), ErrorCodes.STREAM_CLOSED],
    ];
    for (const [name, bytes, code] of cases) {
      it(`${name} → GOAWAY(${code})`, function () {
        const s = open();
        expect(() => s.receiveData(bytes)).to.throw(ProtocolError);
        expect(goaway(s)?.errorCode).to.equal(code);
      });
    }

    it('answers a WINDOW_UPDATE overflowing a stream window with RST_STREAM(FLOW_CONTROL_ERROR), not GOAWAY (RFC 9113 §6.9.1; nghttpd does the same)', function () {
      const s = open();
      const events = s.receiveData(Buffer.concat([rawFrame(8, 0, 1, '40000000'), rawFrame(8, 0, 1, '40000000')]));
      expect(names(events)).to.deep.equal(['WindowUpdated', 'StreamReset']);
      expect(events[1]).to.deep.include({ streamId: 1, errorCode: ErrorCodes.FLOW_CONTROL_ERROR, remoteReset: false });
      expect(framesIn(s.dataToSend()).map((f) => `${f.constructor.name}:${f.streamId}:${(f as RstStreamFrame).errorCode}`)).to.deep.equal(['RstStreamFrame:1:3']);
      expect(s.draining).to.equal(false);
      expect(s.state).to.equal(ConnectionState.SERVER_OPEN);
    });

    it('still answers a late frame on a stream we reset with RST_STREAM (a race, not an attack)', function () {
      const s = open();
      s.resetStream(1, ErrorCodes.CANCEL);
      s.dataToSend();
      expect(s.receiveData(rawFrame(0, 0, 1, '78'))).to.deep.equal([]);
      expect(s.dataToSend().toString('hex')).to.equal('00000403000000000100000005');
    });
  });

  describe('resetStreamRetention: closed streams remembered for late frames', function () {
    /** A server that answered `count` GETs (all closed by END_STREAM both ways), then pruned them. */
    const answered = (count: number, clock: () => number) => {
      const s = budgetServer({ clock, resetStreamRetention: { max: 50, ms: 1000 } });
      const enc = new HpackEncoder();
      for (let i = 0, id = 1; i < count; i++, id += 2) {
        s.receiveData(request(enc, id));
        s.sendHeaders(id, [[':status', '204']], { endStream: true });
      }
      expect(s.openInboundStreams).to.equal(0); // prunes the closed streams into the record
      s.dataToSend();
      return s;
    };
    const lastId = 2 * 200 - 1;

    it('answers DATA after END_STREAM on a remembered stream with GOAWAY(STREAM_CLOSED)', function () {
      const s = answered(200, () => 0);
      expect(() => s.receiveData(rawFrame(0, 0, lastId, '78'))).to.throw(ProtocolError);
      expect(goaway(s)?.errorCode).to.equal(ErrorCodes.STREAM_CLOSED);
    });

    it('keeps at most max records: an older stream is answered with RST_STREAM(STREAM_CLOSED), as h2 answers one it forgot', function () {
      const s = answered(200, () => 0);
      expect(s.receiveData(rawFrame(0, 0, lastId - 2 * 50, '78'))).to.deep.equal([]);
      const out = framesIn(s.dataToSend()).map((f) => `${f.constructor.name}:${f.streamId}`);
      expect(out).to.deep.equal([`RstStreamFrame:${lastId - 100}`]);
    });

    it('forgets records after ms: the newest stream is then answered like a forgotten one', function () {
      const time = fixedClock();
      const s = answered(200, time.clock);
      time.advance(1001);
      expect(s.receiveData(rawFrame(0, 0, lastId, '78'))).to.deep.equal([]);
      expect(framesIn(s.dataToSend()).map((f) => f.constructor.name)).to.deep.equal(['RstStreamFrame']);
      // WINDOW_UPDATE and RST_STREAM on it are ignored; a HEADERS on it is a stream id below the highest.
      expect(s.receiveData(Buffer.concat([rawFrame(8, 0, lastId, '00000010'), rawFrame(3, 0, lastId, '00000008')]))).to.deep.equal([]);
      expect(() => s.receiveData(request(new HpackEncoder(), lastId))).to.throw(ProtocolError);
      expect(goaway(s)?.errorCode).to.equal(ErrorCodes.PROTOCOL_ERROR);
    });
  });

  it('validates budget options', function () {
    expect(() => new H2Configuration({ resetRateLimit: { burst: 0, perSecond: 1 } })).to.throw(RangeError);
    expect(() => new H2Configuration({ maxLocalErrorResets: -1 })).to.throw(RangeError);
    expect(() => new H2Configuration({ resetStreamRetention: { max: -1, ms: 10 } })).to.throw(RangeError);
    expect(new H2Configuration({ resetStreamRetention: { max: 65536, ms: Infinity } }).resetStreamRetention.ms).to.equal(Infinity);
    expect(new H2Configuration({ glitchRateLimit: { burst: Infinity, perSecond: 0 } }).glitchRateLimit.burst).to.equal(Infinity);
    expect(new H2Connection(new H2Configuration({ maxOutboundControlFrames: Infinity }))).to.be.instanceOf(H2Connection);
  });
});
