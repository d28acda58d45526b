/**
 * OutputBuffer: frames serialized in order, taken joined or as chunks, lent payloads kept by
 * reference, and the control-frame flood guard (CVE-2019-9512/9514/9515), which counts only
 * answers queued while the peer's input is processed and not yet taken.
 */
import { expect } from 'chai';
import { DenialOfServiceError } from '../../src/index.js';
import { MIN_LENT_PAYLOAD } from '../../src/core/index.js';
import { CLIENT_PREFACE, DataFrame, GoAwayFrame, PingFrame, SettingsFrame, WindowUpdateFrame } from '../../src/frame/index.js';
import { OutputBuffer } from '../../src/core/output.js';
import { frameBytes, framesIn } from '../helpers/frame-factory.js';

describe('OutputBuffer', function () {
  it('serializes frames in order and counts them', function () {
    const out = new OutputBuffer(10);
    out.send([new PingFrame(Buffer.alloc(8)), new WindowUpdateFrame(0, 5)]);
    expect(out.framesSent).to.equal(2);
    expect(out.length).to.equal(17 + 13);
    expect(out.take()).to.deep.equal(frameBytes(new PingFrame(Buffer.alloc(8)), new WindowUpdateFrame(0, 5)));
    expect(out.length).to.equal(0);
  });

  it('queues the 24-octet client preface as bytes, not a frame', function () {
    const out = new OutputBuffer(10);
    out.sendClientPreface();
    expect(out.take()).to.deep.equal(CLIENT_PREFACE);
    expect(out.framesSent).to.equal(0);
  });

  it('counts control frames only while receiving: past the limit "flood", the frames before it queued', function () {
    const out = new OutputBuffer(2);
    const ack = new SettingsFrame([], true);
    out.send([ack, ack, ack]); // our own sends are never counted
    out.receiving = true;
    out.send([ack, ack]);
    let error: unknown;
    try {
      out.send([new GoAwayFrame(0, 0), ack]);
    } catch (err) {
      error = err;
    }
    expect(error).to.be.instanceOf(DenialOfServiceError);
    expect(error).to.have.property('debugData', 'flood');
    expect(framesIn(out.take()).map((f) => f.constructor.name)).to.deep.equal([...Array<string>(5).fill('SettingsFrame'), 'GoAwayFrame']);
  });

  it('starts counting again when the transport takes the output (take, takeChunks, clear)', function () {
    const out = new OutputBuffer(1);
    out.receiving = true;
    const ack = new PingFrame(Buffer.alloc(8), true);
    for (const empty of [() => out.take(), () => out.takeChunks(), () => out.clear()]) {
      out.send([ack]);
      empty();
    }
    out.send([ack]);
    expect(() => out.send([ack])).to.throw(DenialOfServiceError);
  });

  it('keeps a lent payload of MIN_LENT_PAYLOAD octets by reference, as its own chunk', function () {
    const out = new OutputBuffer(10);
    const payload = Buffer.alloc(MIN_LENT_PAYLOAD, 7);
    out.sendLent([new DataFrame(1, payload)]);
    const chunks = out.takeChunks();
    expect(chunks.some((c) => c.buffer === payload.buffer && c.byteOffset === payload.byteOffset)).to.equal(true);
    out.send([new DataFrame(1, payload)]); // not lent: copied
    expect(out.takeChunks().some((c) => c.buffer === payload.buffer)).to.equal(false);
  });
});
