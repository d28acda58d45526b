/**
 * The send side of the two extension frames the core speaks beyond h2: PRIORITY_UPDATE
 * (RFC 9218 §7.1, clients) and ORIGIN (RFC 8336, servers). Checks the arguments and builds the
 * frame; H2Connection checks its state and queues it.
 */
import { describeValue, InvalidArgumentError, UsageCodes, UsageError } from '../errors.js';
import { OriginFrame, PriorityUpdateFrame } from '../frame/index.js';
import { toOctetString } from './headers/normalize.js';
import { HIGHEST_ALLOWED_STREAM_ID } from './limits.js';

/**
 * RFC 8336 §2 bounds nothing but the frame: all Origin-Entries must fit one frame at the
 * default SETTINGS_MAX_FRAME_SIZE (16384 octets). node:http2 allows 16382 octets of origins
 * (`ERR_HTTP2_ORIGIN_LENGTH`); we count the 2-octet length of each entry as well.
 */
export const MAX_ORIGIN_PAYLOAD = 16384;

/**
 * A PRIORITY_UPDATE for `streamId` with `fieldValue` (a `priority` field value, RFC 9218 §4).
 * @throws UsageError (`ERR_H2_WRONG_SIDE`) on a server; InvalidArgumentError for a stream id
 *   outside 1..2^31-1 (odd for a request, even for a pushed response, RFC 9218 §7.1) or a
 *   field value that is not a string or Uint8Array.
 */
export function priorityUpdateFrame(clientSide: boolean, streamId: number, fieldValue: string | Uint8Array): PriorityUpdateFrame {
  if (!clientSide) throw new UsageError('sendPriorityUpdate(): only a client sends PRIORITY_UPDATE (RFC 9218 §7.1); a server changes its own scheduling', UsageCodes.WRONG_SIDE);
  if (!Number.isInteger(streamId) || streamId < 1 || streamId > HIGHEST_ALLOWED_STREAM_ID) {
    throw new InvalidArgumentError(`sendPriorityUpdate(): the stream id must be an integer 1..2^31-1, not ${describeValue(streamId)}`);
  }
  if (typeof fieldValue !== 'string' && !(fieldValue instanceof Uint8Array)) {
    throw new InvalidArgumentError(`sendPriorityUpdate(): the field value must be a string or a Uint8Array, not ${describeValue(fieldValue)}`);
  }
  return new PriorityUpdateFrame(streamId, Buffer.from(toOctetString(fieldValue), 'latin1'));
}

/**
 * An ORIGIN frame listing `origins` (ASCII serializations such as `https://example.com`).
 * @throws UsageError (`ERR_H2_WRONG_SIDE`) on a client; InvalidArgumentError when `origins`
 *   is not an iterable of non-empty ASCII strings, or (`ERR_H2_ORIGIN_LENGTH`) when they do
 *   not fit one frame.
 */
export function originFrame(clientSide: boolean, origins: Iterable<string>): OriginFrame {
  if (clientSide) throw new UsageError('sendOrigin(): only a server sends ORIGIN (RFC 8336 §2)', UsageCodes.WRONG_SIDE);
  if (typeof origins !== 'object' || (origins as unknown) === null || !(Symbol.iterator in origins)) {
    throw new InvalidArgumentError(`sendOrigin(): origins must be an array of strings, not ${describeValue(origins)}`);
  }
  const list: string[] = [];
  for (const origin of origins as Iterable<unknown>) {
    // RFC 6454 §6.2: the ASCII serialization (visible ASCII, no spaces).
    if (typeof origin !== 'string' || origin.length === 0 || !/^[\x21-\x7e]+$/.test(origin)) {
      throw new InvalidArgumentError(`sendOrigin(): each origin must be a non-empty ASCII serialization such as "https://example.com", not ${describeValue(origin)}`, 'ERR_H2_INVALID_ORIGIN');
    }
    list.push(origin);
  }
  const frame = new OriginFrame(list);
  if (frame.payloadLength > MAX_ORIGIN_PAYLOAD) {
    throw new InvalidArgumentError(`sendOrigin(): the origins take ${frame.payloadLength} octets, more than one ORIGIN frame holds (${MAX_ORIGIN_PAYLOAD})`, 'ERR_H2_ORIGIN_LENGTH');
  }
  return frame;
}
