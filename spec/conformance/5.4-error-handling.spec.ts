/** RFC 9113 §5.4: error handling. */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

conformance('§5.4 error handling', [
  { title: 'GOAWAY(NO_ERROR) from the client: in-flight requests still answered', send: (p) => Buffer.concat([p.request(1), rawFrame(7, 0, 0, '0000000000000000')]), answer: { status: 200, stream: 1 } },
  { title: 'WINDOW_UPDATE after an unknown frame type with unknown flags', send: (p) => Buffer.concat([rawFrame(0x30, 0xff, 1, '01'), rawFrame(8, 0, 0, '00000001'), p.request(1)]), answer: { status: 200, stream: 1 } },
  { title: 'a connection error ends with GOAWAY naming the last stream processed', send: (p) => Buffer.concat([p.request(1), rawFrame(0, 0, 0, '00')]), answer: { goaway: ErrorCodes.PROTOCOL_ERROR } },
]);
