import { FrameReader, FrameWriter, HeadersFrame } from 'h2duplex/frame';
import { HpackDecoder, HpackEncoder } from 'h2duplex/hpack';

const encoder = new HpackEncoder();
const block = encoder.encode([
  { name: ':method', value: 'GET' },
  { name: ':path', value: '/' },
  { name: 'authorization', value: 'secret', neverIndex: true },
]);

const writer = new FrameWriter();
new HeadersFrame(1, block, /* endStream */ true).serializeInto(writer);
const bytes = writer.take();

const reader = new FrameReader();            // server side: new FrameReader({ expectPreface: true })
reader.feed(bytes);                          // any chunking: 1 byte at a time works
const frame = reader.next() as HeadersFrame; // null until a whole frame (and its CONTINUATIONs) arrived
console.log(new HpackDecoder().decode(frame.headerBlock).fields);
