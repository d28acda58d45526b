/**
 * RFC 9218 §7.1: PRIORITY_UPDATE from a client (the server is the only side that receives it),
 * and §2.1: SETTINGS_NO_RFC7540_PRIORITIES. nghttp2 (nghttpd, node:http2) reads PRIORITY_UPDATE
 * only when it sent SETTINGS_NO_RFC7540_PRIORITIES = 1 itself, which neither anchor does: they
 * ignore the frame (RFC 9113 §5.5), so the cases that expect a GOAWAY read "differs" for them.
 */
import { ErrorCodes } from '../../src/index.js';
import { PREFACE } from '../helpers/attacker.js';
import { rawFrame } from '../helpers/bytes.js';
import { conformance } from './harness.js';

const E = ErrorCodes;

/** PRIORITY_UPDATE on stream 0 for `id` with `fieldValue`. */
function priorityUpdate(id: number, fieldValue = 'u=1'): Buffer {
  const payload = Buffer.alloc(4 + fieldValue.length);
  payload.writeUInt32BE(id, 0);
  payload.write(fieldValue, 4, 'latin1');
  return rawFrame(0x10, 0, 0, payload);
}

conformance('§7.1 PRIORITY_UPDATE (RFC 9218)', [
  { title: 'PRIORITY_UPDATE for an open stream is accepted', send: (p) => Buffer.concat([p.request(1, '/', { body: true }), priorityUpdate(1, 'u=0, i'), rawFrame(0, 1, 1)]), answer: { status: 200, stream: 1 } },
  { title: 'PRIORITY_UPDATE for an idle stream, then its request', send: (p) => Buffer.concat([priorityUpdate(1, 'u=5, i'), p.request(1)]), answer: { status: 200, stream: 1 } },
  { title: 'PRIORITY_UPDATE for a half-closed (remote) stream is accepted', send: (p) => Buffer.concat([p.request(1), priorityUpdate(1, 'u=7')]), answer: { status: 200, stream: 1 } },
  { title: 'PRIORITY_UPDATE for a closed (skipped) stream is ignored', send: (p) => Buffer.concat([p.request(3), priorityUpdate(1), p.request(5)]), answer: { status: 200, stream: 5 } },
  { title: 'PRIORITY_UPDATE with a field value that does not parse is ignored', send: (p) => Buffer.concat([priorityUpdate(1, ';;;'), p.request(1)]), answer: { status: 200, stream: 1 } },
  { title: 'PRIORITY_UPDATE with an empty field value (the defaults)', send: (p) => Buffer.concat([priorityUpdate(1, ''), p.request(1)]), answer: { status: 200, stream: 1 } },
  { title: 'PRIORITY_UPDATE with the reserved bit of the prioritized stream id set', send: (p) => Buffer.concat([priorityUpdate(0x80000001), p.request(1)]), answer: { status: 200, stream: 1 } },
  { title: 'PRIORITY_UPDATE on stream 1', send: () => rawFrame(0x10, 0, 1, '00000001 753d31'), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'PRIORITY_UPDATE prioritizing stream 0', send: () => priorityUpdate(0), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'PRIORITY_UPDATE of 3 octets', send: () => rawFrame(0x10, 0, 0, '000001'), answer: { goaway: E.FRAME_SIZE_ERROR } },
  { title: 'PRIORITY_UPDATE for a push stream never promised (idle)', send: () => priorityUpdate(2), answer: { goaway: E.PROTOCOL_ERROR } },
  {
    title: 'PRIORITY_UPDATE for 101 idle streams, over SETTINGS_MAX_CONCURRENT_STREAMS = 100',
    send: () => Buffer.concat(Array.from({ length: 101 }, (_, i) => priorityUpdate(2 * i + 1))),
    answer: { goaway: E.PROTOCOL_ERROR },
  },
  { title: 'PRIORITY_UPDATE in the middle of a header block', send: (p) => { const r = p.request(1); r[4] = 0x1; return Buffer.concat([r, priorityUpdate(1)]); }, answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'PRIORITY_UPDATE over SETTINGS_MAX_FRAME_SIZE', send: () => rawFrame(0x10, 0, 0, Buffer.alloc(16385)), answer: { goaway: E.FRAME_SIZE_ERROR } },
]);

conformance('§2.1 SETTINGS_NO_RFC7540_PRIORITIES (RFC 9218)', [
  { title: 'SETTINGS_NO_RFC7540_PRIORITIES = 2', send: () => rawFrame(4, 0, 0, '000900000002'), answer: { goaway: E.PROTOCOL_ERROR } },
  { title: 'SETTINGS_NO_RFC7540_PRIORITIES = 1 in the first SETTINGS is accepted', raw: true, send: () => Buffer.concat([PREFACE, rawFrame(4, 0, 0, '000900000001')]), answer: { settingsAck: true } },
  {
    title: 'SETTINGS_NO_RFC7540_PRIORITIES = 1, then a request with RFC 7540 priority fields and a PRIORITY_UPDATE',
    raw: true,
    send: (p) => {
      const r = p.request(1);
      // HEADERS with the PRIORITY flag: exclusive dependency on 0, weight 256.
      const prioritized = rawFrame(1, r[4]! | 0x20, 1, Buffer.concat([Buffer.from('80000000ff', 'hex'), r.subarray(9)]));
      return Buffer.concat([PREFACE, rawFrame(4, 0, 0, '000900000001'), priorityUpdate(1, 'u=2'), prioritized]);
    },
    answer: { status: 200, stream: 1 },
  },
  { title: 'SETTINGS_NO_RFC7540_PRIORITIES changed from 1 to 0', raw: true, send: () => Buffer.concat([PREFACE, rawFrame(4, 0, 0, '000900000001'), rawFrame(4, 0, 0, '000900000000')]), answer: { goaway: E.PROTOCOL_ERROR } },
]);
