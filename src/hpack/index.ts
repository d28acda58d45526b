/**
 * Header compression (RFC 7541) over hpack.js: public surface of the layer; defines nothing.
 */
export { HpackDecoder, DEFAULT_HEADER_TABLE_SIZE, HEADER_FIELD_OVERHEAD } from './decoder.js';
export type { DecodedBlock, DecodedField, HpackDecoderOptions } from './decoder.js';
export { HpackEncoder } from './encoder.js';
export type { EncodeField, HpackEncoderOptions } from './encoder.js';
