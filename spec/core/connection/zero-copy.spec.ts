/**
 * `sendData(…, { zeroCopy: true })` (our extension): payloads of 4 KiB or more are kept by
 * reference and come out of `dataToSendChunks()` as their own chunks; the octets are the same
 * as a copying sendData's, `dataToSend()` still returns them joined, and small payloads or
 * calls without the option are copied.
 */
import { expect } from 'chai';
import { DataReceived } from '../../../src/index.js';
import { streamOpen } from '../../helpers/peers.js';

const shares = (chunk: Buffer, owner: Buffer) => chunk.buffer === owner.buffer && chunk.byteOffset >= owner.byteOffset && chunk.byteOffset + chunk.length <= owner.byteOffset + owner.length;

describe('H2Connection: zero-copy sendData (extension)', function () {
  it('keeps a large payload by reference, split at the frame size, with the same octets as a copy', function () {
    const body = Buffer.alloc(40000);
    for (let i = 0; i < body.length; i++) body[i] = i % 251;
    const lent = streamOpen();
    lent.server.sendData(1, body, { zeroCopy: true, endStream: true });
    const chunks = lent.server.dataToSendChunks();
    // 40000 at 16384 per frame: 16384 + 16384 + 7232, each its own chunk after its frame header.
    expect(chunks.filter((c) => shares(c, body)).map((c) => c.length)).to.deep.equal([16384, 16384, 7232]);
    const copied = streamOpen();
    copied.server.sendData(1, body, { endStream: true });
    const plain = copied.server.dataToSendChunks();
    expect(plain.some((c) => shares(c, body))).to.equal(false);
    expect(Buffer.concat(chunks).equals(Buffer.concat(plain))).to.equal(true);
    // And the peer reads the body back.
    const events = lent.client.receiveData(Buffer.concat(chunks));
    const data = Buffer.concat(events.filter((e): e is DataReceived => e instanceof DataReceived).map((e) => Buffer.from(e.data)));
    expect(data.equals(body)).to.equal(true);
  });

  it('copies payloads under 4 KiB, and joins (copies) in dataToSend()', function () {
    const small = Buffer.alloc(4095, 1);
    const a = streamOpen();
    a.server.sendData(1, small, { zeroCopy: true });
    expect(a.server.dataToSendChunks().some((c) => shares(c, small))).to.equal(false);
    const large = Buffer.alloc(5000, 2);
    const b = streamOpen();
    b.server.sendData(1, large, { zeroCopy: true });
    const joined = b.server.dataToSend();
    expect(shares(joined, large)).to.equal(false);
    expect(joined.length).to.equal(9 + 5000);
    expect(joined.subarray(9).equals(large)).to.equal(true);
  });

  it('does not lend a later sendData without the option, and frames after a lent payload keep their order', function () {
    const body = Buffer.alloc(8192, 3);
    const { server } = streamOpen();
    server.sendData(1, body, { zeroCopy: true });
    server.ping(Buffer.from('12345678'));
    const again = Buffer.alloc(8192, 4);
    server.sendData(1, again, { endStream: true });
    const chunks = server.dataToSendChunks();
    expect(chunks.some((c) => shares(c, body))).to.equal(true);
    expect(chunks.some((c) => shares(c, again))).to.equal(false);
    const all = Buffer.concat(chunks);
    // DATA(8192) then PING then DATA(8192, END_STREAM).
    expect(all.readUIntBE(0, 3)).to.equal(8192);
    expect(all[9 + 8192 + 3]).to.equal(0x6);
    expect(all.readUIntBE(9 + 8192 + 17, 3)).to.equal(8192);
    expect(all.subarray(all.length - 8192).every((b) => b === 4)).to.equal(true);
  });
});
