/** RFC 9113 §4.3 and RFC 7541: header compression errors are connection errors (COMPRESSION_ERROR). */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

const E = ErrorCodes;
const block = (hex: string) => rawFrame(1, 0x5, 1, Buffer.from(hex.replace(/ /g, ''), 'hex'));
conformance('§4.3 header compression (RFC 7541 §2-6)', [
  { title: 'indexed field 0 (RFC 7541 §6.1)', send: () => block('80'), answer: { goaway: E.COMPRESSION_ERROR } },
  { title: 'an index beyond both tables', send: () => block('ff 80 01'), answer: { goaway: E.COMPRESSION_ERROR } },
  { title: 'a table size update above SETTINGS_HEADER_TABLE_SIZE (§4.2)', send: () => block('3f e1 ff 03 82'), answer: { goaway: E.COMPRESSION_ERROR } },
  { title: 'a table size update after a field (§4.2)', send: () => block('82 20'), answer: { goaway: E.COMPRESSION_ERROR } },
  { title: 'a string longer than the block', send: () => block('82 86 84 41 8a 08'), answer: { goaway: E.COMPRESSION_ERROR } },
  { title: 'Huffman padding longer than 7 bits (§5.2)', send: () => block('82 86 84 41 82 ff ff'), answer: { goaway: E.COMPRESSION_ERROR } },
  { title: 'Huffman EOS in a string (§5.2)', send: () => block('82 86 84 41 84 ff ff ff ff'), answer: { goaway: E.COMPRESSION_ERROR } },
  { title: 'an integer that overflows (§5.1)', send: () => block('82 ff ff ff ff ff ff ff ff ff 7f'), answer: { goaway: E.COMPRESSION_ERROR } },
  { title: 'a truncated literal (name length without name)', send: () => block('82 86 84 00 05'), answer: { goaway: E.COMPRESSION_ERROR } },
  { title: 'a dynamic table size update of 0 at the start is fine', send: (p) => rawFrame(1, 0x5, 1, Buffer.concat([Buffer.from([0x20]), p.encoder.encode([{ name: ':method', value: 'GET' }, { name: ':scheme', value: 'http' }, { name: ':authority', value: 'x' }, { name: ':path', value: '/' }])])), answer: { status: 200, stream: 1 } },
]);
