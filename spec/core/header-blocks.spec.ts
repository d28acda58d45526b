/**
 * HeaderBlocks: every received block is decoded in full (the HPACK table stays in sync, RFC
 * 9113 §4.3), then held to our header-list limits; the settings that change the HPACK contexts.
 */
import { expect } from 'chai';
import { CompressionError, DenialOfServiceError } from '../../src/index.js';
import { HpackEncoder } from '../../src/hpack/index.js';
import { HeaderBlocks } from '../../src/core/header-blocks.js';
import { thrown } from '../helpers/thrown.js';

const fields = (n: number, valueLength = 1): Array<{ name: string; value: string }> =>
  Array.from({ length: n }, (_, i) => ({ name: `x-${i}`, value: 'v'.repeat(valueLength) }));


describe('HeaderBlocks', function () {
  it('decodes a block into [name, value] pairs in wire order', function () {
    const blocks = new HeaderBlocks(128);
    const block = new HpackEncoder().encode([{ name: ':status', value: '200' }, { name: 'a', value: 'b' }]);
    expect(blocks.decodeHeaders(block)).to.deep.equal([[':status', '200'], ['a', 'b']]);
  });

  it('refuses more than maxHeaderListPairs fields: DenialOfServiceError "too_many_headers"', function () {
    const blocks = new HeaderBlocks(3);
    const decoded = blocks.decode(new HpackEncoder().encode(fields(4)));
    expect(blocks.isOversized(decoded)).to.equal(true);
    const err = thrown(() => blocks.headerList(decoded));
    expect(err).to.be.instanceOf(DenialOfServiceError).with.property('debugData', 'too_many_headers');
  });

  it("refuses a list over our SETTINGS_MAX_HEADER_LIST_SIZE with h2's DenialOfServiceError, after decoding all of it", function () {
    const blocks = new HeaderBlocks(128);
    blocks.setMaxHeaderListSize(100);
    const encoder = new HpackEncoder();
    const decoded = blocks.decode(encoder.encode(fields(3, 40)));
    expect(decoded.tooLarge).to.equal(true);
    expect(blocks.isOversized(decoded)).to.equal(true);
    const err = thrown(() => blocks.headerList(decoded));
    expect(err).to.be.instanceOf(DenialOfServiceError).with.property('debugData', 'Oversized header block');
    // The table is in sync: the next block, which indexes the first one's fields, decodes.
    blocks.setMaxHeaderListSize(65536);
    expect(blocks.decodeHeaders(encoder.encode(fields(3, 40)))).to.have.length(3);
  });

  it('holds blocks to our HEADER_TABLE_SIZE once acknowledged: a bigger table size update is a COMPRESSION_ERROR', function () {
    const blocks = new HeaderBlocks(128);
    blocks.setDecoderTableSize(0);
    const encoder = new HpackEncoder();
    encoder.setPeerMaxTableSize(4096); // the peer's encoder thinks it may use 4096
    blocks.decodeHeaders(Buffer.from([0x20])); // a size update to 0 is fine
    expect(() => blocks.decodeHeaders(Buffer.from([0x3f, 0xe1, 0x1f]))).to.throw(CompressionError);
  });

  it("sizes the encoder's table by the peer's HEADER_TABLE_SIZE", function () {
    const blocks = new HeaderBlocks(128);
    blocks.setEncoderTableSize(0);
    blocks.encoder.encode([{ name: 'x-a', value: 'b' }]);
    expect(blocks.encoder.tableSize).to.equal(0);
  });
});
