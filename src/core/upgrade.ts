/**
 * h2c upgrade (RFC 7540 §3.2.1; RFC 9113 §3.1 keeps the token): the HTTP2-Settings header is
 * a SETTINGS payload in base64url. h2 keeps the `=` padding when encoding; we accept both.
 */
import { ProtocolError } from '../errors.js';
import { SettingsFrame } from '../frame/index.js';

/** The HTTP2-Settings value for `settings`. */
export function encodeHttp2Settings(settings: ReadonlyArray<readonly [number, number]>): string {
  return SettingsFrame.encodePayload(settings).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** Parses an HTTP2-Settings value. @throws ProtocolError when it is not a SETTINGS payload. */
export function decodeHttp2Settings(value: string | Uint8Array): Array<readonly [number, number]> {
  const text = typeof value === 'string' ? value : Buffer.from(value).toString('latin1');
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(text)) throw new ProtocolError('HTTP2-Settings is not base64url');
  const payload = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (payload.length % 6 !== 0) throw new ProtocolError(`HTTP2-Settings payload of ${payload.length} octets is not a multiple of 6`);
  const out: Array<readonly [number, number]> = [];
  for (let o = 0; o < payload.length; o += 6) out.push([payload.readUInt16BE(o), payload.readUInt32BE(o + 2)]);
  return out;
}
