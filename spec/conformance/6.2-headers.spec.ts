/** RFC 9113 §6.2: HEADERS. */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

const E = ErrorCodes;
conformance('§6.2 HEADERS', [
  { title: 'HEADERS on stream 0', send: () => rawFrame(1, 0x5, 0, '82'), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'padded HEADERS whose padding exceeds the payload', send: () => rawFrame(1, 0xd, 1, '0a82'), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'padded HEADERS are accepted', send: (p) => { const block = p.request(1).subarray(9); return rawFrame(1, 0xd, 1, Buffer.concat([Buffer.from([4]), block, Buffer.alloc(4)])); }, answer: { status: 200, stream: 1 } },
  { title: 'HEADERS with PRIORITY flag but too short for its fields', send: () => rawFrame(1, 0x25, 1, '000000'), answer: { goaway: E.FRAME_SIZE_ERROR } },
  { title: 'HEADERS split over CONTINUATION', send: (p) => { const block = p.request(1).subarray(9); return Buffer.concat([rawFrame(1, 0x1, 1, block.subarray(0, 3)), rawFrame(9, 0x4, 1, block.subarray(3))]); }, answer: { status: 200, stream: 1 } },
]);
