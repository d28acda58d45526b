/** RFC 9113 §4.2: frame size (SETTINGS_MAX_FRAME_SIZE, fixed-size frames). */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

const E = ErrorCodes;
conformance('§4.2 frame size', [
  { title: 'DATA of 16385 octets (over the default MAX_FRAME_SIZE)', send: (p) => Buffer.concat([p.request(1, '/', { body: true }), rawFrame(0, 0, 1, Buffer.alloc(16385))]), answer: { goaway: E.FRAME_SIZE_ERROR } },
  { title: 'HEADERS of 16385 octets', send: () => rawFrame(1, 0x5, 1, Buffer.alloc(16385, 0x82)), answer: { goaway: E.FRAME_SIZE_ERROR } },
  { title: 'an unknown frame of 16385 octets', send: () => rawFrame(0xfa, 0, 0, Buffer.alloc(16385)), answer: { goaway: E.FRAME_SIZE_ERROR } },
  { title: 'PING of 7 octets', send: () => rawFrame(6, 0, 0, '01020304050607'), answer: { goaway: E.FRAME_SIZE_ERROR } },
  { title: 'PING of 9 octets', send: () => rawFrame(6, 0, 0, '010203040506070809'), answer: { goaway: E.FRAME_SIZE_ERROR } },
  { title: 'RST_STREAM of 3 octets', send: (p) => Buffer.concat([p.request(1, '/', { body: true }), rawFrame(3, 0, 1, '000000')]), answer: { goaway: E.FRAME_SIZE_ERROR } },
  { title: 'RST_STREAM of 5 octets', send: (p) => Buffer.concat([p.request(1, '/', { body: true }), rawFrame(3, 0, 1, '0000000000')]), answer: { goaway: E.FRAME_SIZE_ERROR } },
  { title: 'WINDOW_UPDATE of 3 octets', send: () => rawFrame(8, 0, 0, '000001'), answer: { goaway: E.FRAME_SIZE_ERROR } },
  { title: 'WINDOW_UPDATE of 5 octets', send: () => rawFrame(8, 0, 0, '0000000100'), answer: { goaway: E.FRAME_SIZE_ERROR } },
  { title: 'SETTINGS of 7 octets', send: () => rawFrame(4, 0, 0, '00030000006400'), answer: { goaway: E.FRAME_SIZE_ERROR } },
  { title: 'SETTINGS ACK with a payload', send: () => rawFrame(4, 1, 0, '000300000064'), answer: { goaway: E.FRAME_SIZE_ERROR } },
  { title: 'GOAWAY of 7 octets', send: () => rawFrame(7, 0, 0, '00000000000000'), answer: { goaway: E.FRAME_SIZE_ERROR } },
  { title: 'PRIORITY of 4 octets', send: () => rawFrame(2, 0, 1, '00000000'), answer: { rst: E.FRAME_SIZE_ERROR, stream: 1 } },
  { title: 'PRIORITY of 6 octets', send: () => rawFrame(2, 0, 1, '000000000000'), answer: { rst: E.FRAME_SIZE_ERROR, stream: 1 } },
]);
