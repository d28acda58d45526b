/**
 * The two extension frames the frame layer parses beyond RFC 9113: PRIORITY_UPDATE (type 0x10,
 * RFC 9218 §7.1) and ORIGIN (type 0xc, RFC 8336 §2). Exact bytes both ways, the errors of a
 * malformed PRIORITY_UPDATE (with their codes), and ORIGIN's "ignore, never fail" parsing.
 */
import { expect } from 'chai';
import { ErrorCodes } from '../../src/error-codes.js';
import { FrameDataMissingError, FrameTooLargeError, ProtocolError } from '../../src/errors.js';
import { FrameReader, FrameType, OriginFrame, PriorityUpdateFrame, type Frame } from '../../src/frame/index.js';
import { hex, rawFrame } from '../helpers/bytes.js';
import { reparse, serialize } from '../helpers/frame-bytes.js';


/** The error `parse()` throws for `bytes`, or null. */
function parseError(bytes: Buffer): ProtocolError | null {
  try {
    reparse(bytes);
  } catch (err) {
    return err as ProtocolError;
  }
  return null;
}

const ascii = (s: string) => Buffer.from(s, 'latin1').toString('hex');

describe('extension frames', function () {
  describe('PRIORITY_UPDATE (RFC 9218 §7.1)', function () {
    it('has type 0x10 in the frame type table', function () {
      expect(FrameType.PRIORITY_UPDATE).to.equal(0x10);
      expect(PriorityUpdateFrame.TYPE).to.equal(0x10);
    });

    it('serializes to the RFC bytes (stream 0, no flags, prioritized id, field value) and parses back', function () {
      const frame = new PriorityUpdateFrame(5, Buffer.from('u=0, i'));
      const bytes = serialize(frame);
      expect(bytes.toString('hex')).to.equal(`00000a 10 00 00000000 00000005 ${ascii('u=0, i')}`.replace(/\s+/g, ''));
      const back = reparse(bytes);
      expect(back).to.be.instanceOf(PriorityUpdateFrame);
      const p = back as PriorityUpdateFrame;
      expect(p).to.include({ type: 0x10, streamId: 0, flags: 0, prioritizedStreamId: 5 });
      expect(Buffer.from(p.fieldValue).toString('latin1')).to.equal('u=0, i');
      expect(serialize(p).toString('hex')).to.equal(bytes.toString('hex'));
    });

    it('carries an empty field value in a 4-octet payload', function () {
      const bytes = serialize(new PriorityUpdateFrame(0x7fffffff, Buffer.alloc(0)));
      expect(bytes.toString('hex')).to.equal('000004100000000000' + '7fffffff');
      const p = reparse(bytes) as PriorityUpdateFrame;
      expect(p.prioritizedStreamId).to.equal(0x7fffffff);
      expect(p.fieldValue.length).to.equal(0);
    });

    it('ignores the reserved bit of the prioritized stream id and unused flags when parsing, and never sends either', function () {
      const p = reparse(rawFrame(0x10, 0xff, 0, `80000003 ${ascii('u=1')}`)) as PriorityUpdateFrame;
      expect(p.prioritizedStreamId).to.equal(3);
      expect(p.flags).to.equal(0);
      expect(serialize(p).toString('hex')).to.equal(`000007 10 00 00000000 00000003 ${ascii('u=1')}`.replace(/\s+/g, ''));
      // A frame built with the reserved bit set still sends it unset (§7.1: "MUST remain unset").
      expect(serialize(new PriorityUpdateFrame(0x80000001, Buffer.alloc(0))).subarray(9).toString('hex')).to.equal('00000001');
    });

    it('refuses a frame on a stream other than 0 with PROTOCOL_ERROR (a connection error)', function () {
      const err = parseError(rawFrame(0x10, 0, 1, `00000001 ${ascii('u=1')}`));
      expect(err).to.be.instanceOf(ProtocolError);
      expect(err?.errorCode).to.equal(ErrorCodes.PROTOCOL_ERROR);
      expect(err?.scope).to.equal('connection');
      expect(err?.message).to.equal('PRIORITY_UPDATE frame on stream 1: it is sent on stream 0 (RFC 9218 §7.1)');
    });

    for (const length of [0, 1, 3]) {
      it(`refuses a payload of ${length} octets (no room for the prioritized stream id) with FRAME_SIZE_ERROR`, function () {
        const err = parseError(rawFrame(0x10, 0, 0, Buffer.alloc(length)));
        expect(err).to.be.instanceOf(FrameDataMissingError);
        expect(err?.errorCode).to.equal(ErrorCodes.FRAME_SIZE_ERROR);
        expect(err?.scope).to.equal('connection');
        expect(err?.message).to.equal(`PRIORITY_UPDATE frame length ${length} is less than 4`);
      });
    }

    it('checks the stream before the length (stream 1 and 3 octets: PROTOCOL_ERROR)', function () {
      expect(parseError(rawFrame(0x10, 0, 1, '000000'))?.errorCode).to.equal(ErrorCodes.PROTOCOL_ERROR);
    });

    it('goes through FrameReader whole and octet by octet, and is refused over SETTINGS_MAX_FRAME_SIZE', function () {
      const bytes = rawFrame(0x10, 0, 0, `00000007 ${ascii('u=7')}`);
      for (const chunking of ['whole', 'bytewise'] as const) {
        const reader = new FrameReader();
        const chunks = chunking === 'whole' ? [bytes] : [...bytes].map((b) => Buffer.from([b]));
        let frame: Frame | null = null;
        for (const c of chunks) {
          reader.feed(c);
          frame = reader.next() ?? frame;
        }
        expect(frame, chunking).to.be.instanceOf(PriorityUpdateFrame);
        expect((frame as PriorityUpdateFrame).prioritizedStreamId, chunking).to.equal(7);
      }
      const reader = new FrameReader();
      reader.feed(rawFrame(0x10, 0, 0, Buffer.alloc(16385)));
      expect(() => reader.next()).to.throw(FrameTooLargeError).with.property('errorCode', ErrorCodes.FRAME_SIZE_ERROR);
    });
  });

  describe('ORIGIN (RFC 8336 §2)', function () {
    it('has type 0xc in the frame type table', function () {
      expect(FrameType.ORIGIN).to.equal(0xc);
      expect(OriginFrame.TYPE).to.equal(0xc);
    });

    it('serializes each origin as a 16-bit length and its ASCII octets, on stream 0, and parses back', function () {
      const frame = new OriginFrame(['https://a.example', 'https://b.example:8443']);
      expect(frame.payloadLength).to.equal(2 + 17 + 2 + 22);
      const bytes = serialize(frame);
      expect(bytes.toString('hex')).to.equal(`00002b 0c 00 00000000 0011 ${ascii('https://a.example')} 0016 ${ascii('https://b.example:8443')}`.replace(/\s+/g, ''));
      const back = reparse(bytes);
      expect(back).to.be.instanceOf(OriginFrame);
      expect(back).to.deep.include({ type: 0xc, streamId: 0, flags: 0, wellFormed: true, origins: ['https://a.example', 'https://b.example:8443'] });
      expect(serialize(back).toString('hex')).to.equal(bytes.toString('hex'));
    });

    it('serializes an empty list as an empty payload, which parses as well formed', function () {
      const bytes = serialize(new OriginFrame([]));
      expect(bytes.toString('hex')).to.equal('0000000c0000000000');
      expect(reparse(bytes)).to.deep.include({ origins: [], wellFormed: true });
    });

    it('keeps the stream id and flags of a received frame (the receiver decides to ignore it)', function () {
      const f = reparse(rawFrame(0xc, 0xa5, 3, `0001 ${ascii('a')}`)) as OriginFrame;
      expect(f).to.deep.include({ streamId: 3, flags: 0xa5, wellFormed: true, origins: ['a'] });
    });

    it('accepts a zero-length entry as an empty origin', function () {
      expect(reparse(rawFrame(0xc, 0, 0, `0000 0001 ${ascii('b')}`))).to.deep.include({ origins: ['', 'b'], wellFormed: true });
    });

    const TRUNCATED: Array<{ what: string; payload: string; origins: string[] }> = [
      { what: 'a length longer than the rest of the payload', payload: `0003 ${ascii('ab')}`, origins: [] },
      { what: 'a second entry longer than the payload', payload: `0001 ${ascii('a')} 0005 ${ascii('bc')}`, origins: ['a'] },
      { what: 'one octet left where a 2-octet length belongs', payload: `0001 ${ascii('a')} 00`, origins: ['a'] },
      { what: 'a payload of a single octet', payload: '00', origins: [] },
    ];
    for (const c of TRUNCATED) {
      it(`parses ${c.what} without throwing, as wellFormed: false`, function () {
        let frame: Frame | null = null;
        expect(() => (frame = reparse(rawFrame(0xc, 0, 0, c.payload)))).not.to.throw();
        expect(frame).to.be.instanceOf(OriginFrame);
        expect(frame).to.deep.include({ wellFormed: false, origins: c.origins });
      });
    }

    it('goes through FrameReader octet by octet', function () {
      const bytes = serialize(new OriginFrame(['https://example.com']));
      const reader = new FrameReader();
      let frame: Frame | null = null;
      for (const b of bytes) {
        reader.feed(Buffer.from([b]));
        frame = reader.next() ?? frame;
      }
      expect(frame).to.deep.include({ origins: ['https://example.com'], wellFormed: true });
    });

    it('reads origin octets as latin1 (ASCII serializations are one octet per character)', function () {
      const f = reparse(rawFrame(0xc, 0, 0, '0002 e9ff')) as OriginFrame;
      expect(f.origins).to.deep.equal(['\u00e9\u00ff']);
      expect(serialize(f).subarray(9).toString('hex')).to.equal(hex('0002 e9ff').toString('hex'));
    });
  });
});
