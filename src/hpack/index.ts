/**
 * Header compression (RFC 7541) over hpack.js. Published as the subpath `h2duplex/hpack`; the
 * errors it throws (`CompressionError`, a `ProtocolError`, for a block that does not decode) are
 * exported from the package root.
 *
 * Public surface of the layer; defines nothing.
 * @module h2duplex/hpack
 */
export { HpackDecoder, DEFAULT_HEADER_TABLE_SIZE, HEADER_FIELD_OVERHEAD } from './decoder.js';
export type { DecodedBlock, DecodedField, FieldMaker, HpackDecoderOptions } from './decoder.js';
export { HpackEncoder } from './encoder.js';
export type { EncodeField, HpackEncoderOptions } from './encoder.js';
