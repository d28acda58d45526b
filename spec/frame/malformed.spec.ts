/**
 * Every malformed frame is a typed ProtocolError with the RFC 9113 error code and scope
 * (stream vs connection error) — never a TypeError, RangeError or out-of-bounds read.
 */
import { expect } from 'chai';
import { ErrorCodes } from '../../src/error-codes.js';
import { DenialOfServiceError, FrameDataMissingError, FrameTooLargeError, ProtocolError } from '../../src/errors.js';
import { FrameReader } from '../../src/frame/index.js';
import { rawFrame } from '../helpers/bytes.js';

interface Case {
  rule: string;
  bytes: Buffer;
  code: ErrorCodes;
  scope: 'stream' | 'connection';
  cls?: typeof ProtocolError;
}

const Z = (n: number) => Buffer.alloc(n);

const CASES: Case[] = [
  { rule: 'DATA on stream 0 (§6.1)', bytes: rawFrame(0x0, 0, 0, 'aa'), code: ErrorCodes.PROTOCOL_ERROR, scope: 'connection' },
  { rule: 'DATA padding as long as the payload (§6.1)', bytes: rawFrame(0x0, 0x8, 1, '03aaaa'), code: ErrorCodes.PROTOCOL_ERROR, scope: 'connection' },
  { rule: 'padded DATA with no Pad Length octet', bytes: rawFrame(0x0, 0x8, 1, ''), code: ErrorCodes.FRAME_SIZE_ERROR, scope: 'connection', cls: FrameDataMissingError },
  { rule: 'HEADERS on stream 0 (§6.2)', bytes: rawFrame(0x1, 0x4, 0, '82'), code: ErrorCodes.PROTOCOL_ERROR, scope: 'connection' },
  { rule: 'HEADERS padding longer than the block (§6.2)', bytes: rawFrame(0x1, 0xc, 1, '0582'), code: ErrorCodes.PROTOCOL_ERROR, scope: 'connection' },
  { rule: 'HEADERS with PRIORITY flag but 4 octets', bytes: rawFrame(0x1, 0x24, 1, '00000000'), code: ErrorCodes.FRAME_SIZE_ERROR, scope: 'connection' },
  { rule: 'HEADERS padded with priority: padding exceeds the remainder', bytes: rawFrame(0x1, 0x2c, 1, '02 00000000 0f 82'), code: ErrorCodes.PROTOCOL_ERROR, scope: 'connection' },
  { rule: 'PRIORITY on stream 0 (§6.3)', bytes: rawFrame(0x2, 0, 0, Z(5)), code: ErrorCodes.PROTOCOL_ERROR, scope: 'connection' },
  { rule: 'PRIORITY of 4 octets is a stream error (§6.3)', bytes: rawFrame(0x2, 0, 3, Z(4)), code: ErrorCodes.FRAME_SIZE_ERROR, scope: 'stream' },
  { rule: 'PRIORITY of 6 octets is a stream error (§6.3)', bytes: rawFrame(0x2, 0, 3, Z(6)), code: ErrorCodes.FRAME_SIZE_ERROR, scope: 'stream' },
  { rule: 'RST_STREAM on stream 0 (§6.4)', bytes: rawFrame(0x3, 0, 0, Z(4)), code: ErrorCodes.PROTOCOL_ERROR, scope: 'connection' },
  { rule: 'RST_STREAM of 3 octets (§6.4)', bytes: rawFrame(0x3, 0, 1, Z(3)), code: ErrorCodes.FRAME_SIZE_ERROR, scope: 'connection' },
  { rule: 'SETTINGS on stream 1 (§6.5)', bytes: rawFrame(0x4, 0, 1, Z(0)), code: ErrorCodes.PROTOCOL_ERROR, scope: 'connection' },
  { rule: 'SETTINGS ACK with a payload (§6.5)', bytes: rawFrame(0x4, 0x1, 0, Z(6)), code: ErrorCodes.FRAME_SIZE_ERROR, scope: 'connection' },
  { rule: 'SETTINGS of 7 octets (§6.5)', bytes: rawFrame(0x4, 0, 0, Z(7)), code: ErrorCodes.FRAME_SIZE_ERROR, scope: 'connection' },
  { rule: 'PUSH_PROMISE on stream 0 (§6.6)', bytes: rawFrame(0x5, 0x4, 0, '00000002'), code: ErrorCodes.PROTOCOL_ERROR, scope: 'connection' },
  { rule: 'PUSH_PROMISE of 3 octets', bytes: rawFrame(0x5, 0x4, 1, '000000'), code: ErrorCodes.FRAME_SIZE_ERROR, scope: 'connection' },
  { rule: 'PUSH_PROMISE padding too long (§6.6)', bytes: rawFrame(0x5, 0xc, 1, '09 00000002 82'), code: ErrorCodes.PROTOCOL_ERROR, scope: 'connection' },
  { rule: 'PING on stream 1 (§6.7)', bytes: rawFrame(0x6, 0, 1, Z(8)), code: ErrorCodes.PROTOCOL_ERROR, scope: 'connection' },
  { rule: 'PING of 7 octets (§6.7)', bytes: rawFrame(0x6, 0, 0, Z(7)), code: ErrorCodes.FRAME_SIZE_ERROR, scope: 'connection' },
  { rule: 'PING of 9 octets (§6.7)', bytes: rawFrame(0x6, 0, 0, Z(9)), code: ErrorCodes.FRAME_SIZE_ERROR, scope: 'connection' },
  { rule: 'GOAWAY on stream 1 (§6.8)', bytes: rawFrame(0x7, 0, 1, Z(8)), code: ErrorCodes.PROTOCOL_ERROR, scope: 'connection' },
  { rule: 'GOAWAY of 7 octets (§6.8)', bytes: rawFrame(0x7, 0, 0, Z(7)), code: ErrorCodes.FRAME_SIZE_ERROR, scope: 'connection' },
  { rule: 'WINDOW_UPDATE of 3 octets (§6.9)', bytes: rawFrame(0x8, 0, 0, Z(3)), code: ErrorCodes.FRAME_SIZE_ERROR, scope: 'connection' },
  { rule: 'WINDOW_UPDATE of 0 on stream 0 (§6.9)', bytes: rawFrame(0x8, 0, 0, Z(4)), code: ErrorCodes.PROTOCOL_ERROR, scope: 'connection' },
  { rule: 'WINDOW_UPDATE of 0 on a stream is a stream error (§6.9)', bytes: rawFrame(0x8, 0, 1, Z(4)), code: ErrorCodes.PROTOCOL_ERROR, scope: 'stream' },
  { rule: 'WINDOW_UPDATE of 0 with only the reserved bit set', bytes: rawFrame(0x8, 0, 1, '80000000'), code: ErrorCodes.PROTOCOL_ERROR, scope: 'stream' },
  { rule: 'CONTINUATION without HEADERS (§6.10)', bytes: rawFrame(0x9, 0x4, 1, '82'), code: ErrorCodes.PROTOCOL_ERROR, scope: 'connection' },
  { rule: 'ALTSVC of 1 octet', bytes: rawFrame(0xa, 0, 0, '00'), code: ErrorCodes.FRAME_SIZE_ERROR, scope: 'connection' },
  { rule: 'ALTSVC origin longer than the frame', bytes: rawFrame(0xa, 0, 0, '0005 6162'), code: ErrorCodes.FRAME_SIZE_ERROR, scope: 'connection' },
  { rule: 'a frame over SETTINGS_MAX_FRAME_SIZE (§4.2)', bytes: rawFrame(0x0, 0, 1, Z(16385)), code: ErrorCodes.FRAME_SIZE_ERROR, scope: 'connection', cls: FrameTooLargeError },
  { rule: 'an unknown type over SETTINGS_MAX_FRAME_SIZE (§4.2)', bytes: rawFrame(0xee, 0, 0, Z(0), 0xffffff), code: ErrorCodes.FRAME_SIZE_ERROR, scope: 'connection', cls: FrameTooLargeError },
  { rule: 'HEADERS then DATA before END_HEADERS (§6.10)', bytes: Buffer.concat([rawFrame(0x1, 0, 1, '82'), rawFrame(0x0, 0, 1, 'aa')]), code: ErrorCodes.PROTOCOL_ERROR, scope: 'connection' },
  { rule: 'HEADERS then CONTINUATION on another stream (§6.10)', bytes: Buffer.concat([rawFrame(0x1, 0, 1, '82'), rawFrame(0x9, 0x4, 3, '84')]), code: ErrorCodes.PROTOCOL_ERROR, scope: 'connection' },
  { rule: 'PUSH_PROMISE then PING before END_HEADERS (§6.10)', bytes: Buffer.concat([rawFrame(0x5, 0, 1, '00000002 82'), rawFrame(0x6, 0, 0, Z(8))]), code: ErrorCodes.PROTOCOL_ERROR, scope: 'connection' },
  {
    rule: 'more CONTINUATION frames than the budget',
    bytes: Buffer.concat([rawFrame(0x1, 0, 1, '82'), ...Array.from({ length: 9 }, () => rawFrame(0x9, 0, 1, '84'))]),
    code: ErrorCodes.ENHANCE_YOUR_CALM,
    scope: 'connection',
    cls: DenialOfServiceError,
  },
];

function readAll(reader: FrameReader, bytes: Buffer): void {
  reader.feed(bytes);
  while (reader.next() !== null);
}

describe('malformed frames', function () {
  for (const c of CASES) {
    it(`answers ${c.rule} with ${ErrorCodes[c.code]} as a ${c.scope} error`, function () {
      for (const chunking of ['whole', 'bytewise'] as const) {
        const reader = new FrameReader();
        let caught: unknown = null;
        try {
          if (chunking === 'whole') readAll(reader, c.bytes);
          else for (const b of c.bytes) readAll(reader, Buffer.from([b]));
        } catch (err) {
          caught = err;
        }
        expect(caught, chunking).to.be.instanceOf(c.cls ?? ProtocolError);
        const err = caught as ProtocolError;
        expect(err.errorCode, `${chunking}: ${err.message}`).to.equal(c.code);
        expect(err.scope, chunking).to.equal(c.scope);
        if (c.scope === 'connection') expect(() => reader.next(), 'reader stays dead').to.throw(ProtocolError);
      }
    });
  }

  it('keeps reading after a stream-scoped error', function () {
    const reader = new FrameReader();
    reader.feed(Buffer.concat([rawFrame(0x2, 0, 3, Buffer.alloc(4)), rawFrame(0x6, 0, 0, Buffer.alloc(8))]));
    expect(() => reader.next()).to.throw(FrameDataMissingError);
    expect(reader.next()?.type).to.equal(0x6);
  });

  it('rejects a field block over maxHeaderBlockSize as ENHANCE_YOUR_CALM before buffering it', function () {
    const reader = new FrameReader({ maxHeaderBlockSize: 100 });
    reader.feed(Buffer.concat([rawFrame(0x1, 0, 1, Buffer.alloc(60)), rawFrame(0x9, 0, 1, Buffer.alloc(60))]));
    expect(() => reader.next()).to.throw(DenialOfServiceError).with.property('errorCode', ErrorCodes.ENHANCE_YOUR_CALM);
  });

  it('names the values in the error message', function () {
    const reader = new FrameReader();
    reader.feed(rawFrame(0x0, 0, 1, Buffer.alloc(0), 20000));
    expect(() => reader.next()).to.throw('DATA frame length 20000 exceeds SETTINGS_MAX_FRAME_SIZE 16384');
  });
});
