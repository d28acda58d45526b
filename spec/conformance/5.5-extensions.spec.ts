/** RFC 9113 §5.5: extending HTTP/2 (unknown frames, settings; never inside a header block). */
import { ErrorCodes } from '../../src/index.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

conformance('§5.5 extensions', [
  { title: 'an unknown setting is ignored', send: () => rawFrame(4, 0, 0, '00ff00000001'), answer: { settingsAck: true } },
  { title: 'an unknown frame between requests is ignored', send: (p) => Buffer.concat([p.request(1), rawFrame(0x20, 0xff, 0, 'deadbeef'), p.request(3)]), answer: { status: 200, stream: 3 } },
  { title: 'an unknown frame inside a header block', send: (p) => { const r = p.request(1); r[4] = 0x1; return Buffer.concat([r, rawFrame(0x20, 0, 0, '00'), rawFrame(9, 0x4, 1)]); }, answer: { goaway: ErrorCodes.PROTOCOL_ERROR } },
]);
