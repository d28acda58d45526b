/**
 * node:http2's `session.altsvc(alt, originOrStream)` arguments, checked as node checks them
 * (`lib/internal/http2/core.js`), for an ALTSVC frame (RFC 7838 §4): on stream 0 for an
 * origin, or on a stream (the origin is then the stream's own).
 */
import { describeValue, InvalidArgumentError, OutOfRangeError } from '../errors.js';
import type { OriginInput } from './node-session.js';

/** The largest `alt` plus origin node sends in one ALTSVC frame (its `kMaxALTSVC`: 16,384 less the 2-octet origin length). */
const MAX_ALTSVC_LENGTH = 16382;
/** The characters node admits in an Alt-Svc field value (its kQuotedString: tab, visible ASCII but `\`, and obs-text). */
const ALT_VALUE = /^[\x09\x20-\x5b\x5d-\x7e\x80-\xff]*$/;

/** What to send: the stream (0 for the connection) and the origin ('' on a stream). */
export interface AltSvcTarget {
  streamId: number;
  origin: string;
}

/**
 * node's checks of `altsvc(alt, originOrStream)`.
 * @throws InvalidArgumentError `ERR_H2_ALTSVC_INVALID_ORIGIN` for an origin that is not a URL or
 *   is opaque (`'null'`), `ERR_H2_INVALID_ARG` for arguments of the wrong type,
 *   `ERR_H2_INVALID_CHAR` for `alt` outside RFC 7838's characters, `ERR_H2_ALTSVC_LENGTH` past
 *   one frame; OutOfRangeError for a stream id that is not 1..2^32-1.
 */
export function altSvcTarget(alt: unknown, originOrStream: OriginInput | number | undefined): AltSvcTarget {
  let streamId = 0;
  let origin = '';
  if (typeof originOrStream === 'string') {
    if (!URL.canParse(originOrStream)) throw new InvalidArgumentError(`altsvc(): ${JSON.stringify(originOrStream)} is not a URL`, 'ERR_H2_ALTSVC_INVALID_ORIGIN');
    origin = new URL(originOrStream).origin;
    if (origin === 'null') throw new InvalidArgumentError(`altsvc(): ${JSON.stringify(originOrStream)} has an opaque origin`, 'ERR_H2_ALTSVC_INVALID_ORIGIN');
  } else if (typeof originOrStream === 'number') {
    if (originOrStream >>> 0 !== originOrStream || originOrStream === 0) throw new OutOfRangeError(`altsvc(): a stream id is > 0 and < 2^32, not ${originOrStream}`);
    streamId = originOrStream;
  } else if (originOrStream !== undefined) {
    const given: unknown = typeof originOrStream === 'object' && (originOrStream as unknown) !== null ? originOrStream.origin : undefined;
    if (typeof given !== 'string') throw new InvalidArgumentError(`altsvc(): originOrStream must be a string, a number, a URL or an object with an origin, not ${describeValue(originOrStream)}`);
    if (given === 'null' || given.length === 0) throw new InvalidArgumentError(`altsvc(): ${describeValue(originOrStream)} has no origin a client could use`, 'ERR_H2_ALTSVC_INVALID_ORIGIN');
    origin = given;
  }
  if (typeof alt !== 'string') throw new InvalidArgumentError(`altsvc(): alt must be a string (an Alt-Svc field value), not ${describeValue(alt)}`);
  if (!ALT_VALUE.test(alt)) throw new InvalidArgumentError('altsvc(): alt has characters an Alt-Svc field value cannot carry (RFC 7838 §3)', 'ERR_H2_INVALID_CHAR');
  if (alt.length + origin.length > MAX_ALTSVC_LENGTH) throw new InvalidArgumentError(`altsvc(): alt and origin are ${alt.length + origin.length} characters, over the ${MAX_ALTSVC_LENGTH} of one ALTSVC frame`, 'ERR_H2_ALTSVC_LENGTH');
  return { streamId, origin };
}
