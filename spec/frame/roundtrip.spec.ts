/**
 * Every frame type serializes to the exact RFC 9113 bytes and parses back to the same fields.
 */
import { expect } from 'chai';
import {
  AltSvcFrame,
  ContinuationFrame,
  DataFrame,
  GoAwayFrame,
  HeadersFrame,
  PingFrame,
  PriorityFrame,
  PushPromiseFrame,
  RstStreamFrame,
  SettingsFrame,
  UnknownFrame,
  WindowUpdateFrame,
  type Frame,
} from '../../src/frame/index.js';
import { hex } from '../helpers/bytes.js';
import { reparse, serialize } from '../helpers/frame-bytes.js';


const CASES: Array<{ name: string; frame: Frame; bytes: string }> = [
  { name: 'DATA', frame: new DataFrame(1, Buffer.from('hello')), bytes: '000005 00 00 00000001 68656c6c6f' },
  { name: 'DATA with END_STREAM and padding', frame: new DataFrame(3, Buffer.from('hi'), true, 2), bytes: '000005 00 09 00000003 02 6869 0000' },
  { name: 'empty DATA with END_STREAM', frame: new DataFrame(1, Buffer.alloc(0), true), bytes: '000000 00 01 00000001' },
  { name: 'HEADERS', frame: new HeadersFrame(1, hex('8287'), false, true), bytes: '000002 01 04 00000001 8287' },
  {
    name: 'HEADERS with padding, priority, END_STREAM',
    frame: new HeadersFrame(5, hex('82'), true, true, 1, { dependsOn: 3, weight: 255, exclusive: true }),
    bytes: '000008 01 2d 00000005 01 80000003 ff 82 00',
  },
  { name: 'HEADERS without END_HEADERS', frame: new HeadersFrame(1, hex('82'), false, false), bytes: '000001 01 00 00000001 82' },
  { name: 'PRIORITY', frame: new PriorityFrame(7, 1, 15, false), bytes: '000005 02 00 00000007 00000001 0f' },
  { name: 'RST_STREAM', frame: new RstStreamFrame(1, 8), bytes: '000004 03 00 00000001 00000008' },
  {
    name: 'SETTINGS',
    frame: new SettingsFrame([
      [1, 4096],
      [4, 65535],
    ]),
    bytes: '00000c 04 00 00000000 0001 00001000 0004 0000ffff',
  },
  { name: 'SETTINGS ACK', frame: new SettingsFrame([], true), bytes: '000000 04 01 00000000' },
  { name: 'PUSH_PROMISE', frame: new PushPromiseFrame(1, 2, hex('8287')), bytes: '000006 05 04 00000001 00000002 8287' },
  { name: 'PUSH_PROMISE padded', frame: new PushPromiseFrame(1, 4, hex('82'), false, 3), bytes: '000009 05 08 00000001 03 00000004 82 000000' },
  { name: 'PING', frame: new PingFrame(hex('0102030405060708')), bytes: '000008 06 00 00000000 0102030405060708' },
  { name: 'PING ACK', frame: new PingFrame(hex('0102030405060708'), true), bytes: '000008 06 01 00000000 0102030405060708' },
  { name: 'GOAWAY', frame: new GoAwayFrame(5, 1, Buffer.from('bye')), bytes: '00000b 07 00 00000000 00000005 00000001 627965' },
  { name: 'WINDOW_UPDATE', frame: new WindowUpdateFrame(0, 0x7fffffff), bytes: '000004 08 00 00000000 7fffffff' },
  { name: 'CONTINUATION', frame: new ContinuationFrame(1, hex('84'), true), bytes: '000001 09 04 00000001 84' },
  {
    name: 'ALTSVC',
    frame: new AltSvcFrame(0, Buffer.from('a.example'), Buffer.from('h2=":443"')),
    bytes: `000014 0a 00 00000000 0009 ${Buffer.from('a.example').toString('hex')} ${Buffer.from('h2=":443"').toString('hex')}`,
  },
  { name: 'an unknown type', frame: new UnknownFrame(0xbe, 0xff, 9, hex('abcd')), bytes: '000002 be ff 00000009 abcd' },
];

describe('frame round trips', function () {
  for (const c of CASES) {
    it(`serializes ${c.name} to the RFC bytes and parses it back`, function () {
      const bytes = serialize(c.frame);
      expect(bytes.toString('hex')).to.equal(c.bytes.replace(/\s+/g, ''));
      const back = reparse(bytes);
      expect(back.constructor).to.equal(c.frame.constructor);
      expect(serialize(back).toString('hex')).to.equal(bytes.toString('hex'));
    });
  }

  it('reports padding and priority fields of a parsed HEADERS frame', function () {
    const f = reparse(hex('000008 01 2d 00000005 01 80000003 ff 82 00'));
    expect(f).to.be.instanceOf(HeadersFrame);
    const h = f as HeadersFrame;
    expect(h.padLength).to.equal(1);
    expect(h.priority).to.deep.equal({ exclusive: true, dependsOn: 3, weight: 255 });
    expect(h.endStream).to.equal(true);
    expect(Buffer.from(h.headerBlock).toString('hex')).to.equal('82');
  });

  it('counts padding in the flow-controlled length of DATA', function () {
    const f = reparse(hex('000005 00 09 00000003 02 6869 0000')) as DataFrame;
    expect(Buffer.from(f.data).toString()).to.equal('hi');
    expect(f.flowControlledLength).to.equal(5);
  });

  it('ignores the reserved bit of stream ids, window increments and promised ids', function () {
    expect(reparse(hex('000004 08 00 80000001 80000010'))).to.include({ streamId: 1, windowIncrement: 16 });
    expect(reparse(hex('000004 05 04 00000001 80000002'))).to.include({ promisedStreamId: 2 });
    expect(reparse(hex('000008 07 00 00000000 80000003 00000000'))).to.include({ lastStreamId: 3 });
  });

  it('ignores unknown flags on known types', function () {
    const f = reparse(hex('000008 06 fe 00000000 0000000000000000')) as PingFrame;
    expect(f.ack).to.equal(false);
    expect(serialize(f).toString('hex')).to.equal('0000080600000000000000000000000000');
  });

  it('keeps duplicate settings in wire order', function () {
    const f = reparse(hex('00000c 04 00 00000000 0004 00000001 0004 00000002')) as SettingsFrame;
    expect(f.settings).to.deep.equal([
      [4, 1],
      [4, 2],
    ]);
  });

  it('refuses a pad length outside 0..255 when serializing', function () {
    expect(() => serialize(new DataFrame(1, Buffer.alloc(1), false, 256))).to.throw(RangeError);
    expect(() => serialize(new DataFrame(1, Buffer.alloc(1), false, 1.5))).to.throw(TypeError);
  });
});
