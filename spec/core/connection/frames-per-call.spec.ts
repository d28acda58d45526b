/**
 * `receiveData(data, maxFrames)`: an adapter bounds the frames one call handles (H2Duplex, so
 * that a read full of small costly frames does not hold its event loop); the rest of the read
 * waits in the core (`inputPending`), and its answers still count as one read's.
 */
import { expect } from 'chai';
import { DenialOfServiceError, ErrorCodes } from '../../../src/index.js';
import { GoAwayFrame, PingFrame } from '../../../src/frame/index.js';
import { rawFrame } from '../../helpers/bytes.js';
import { framesIn } from '../../helpers/frame-factory.js';
import { names, server } from '../../helpers/peers.js';

const PING = rawFrame(6, 0, 0, '0102030405060708');
const NOTHING = Buffer.alloc(0);
const pings = (n: number): Buffer => Buffer.concat(Array.from({ length: n }, () => PING));

describe('H2Connection: receiveData with maxFrames', function () {
  it('handles at most maxFrames frames a call and keeps the rest for the next call (inputPending)', function () {
    const s = server();
    expect(names(s.receiveData(pings(5), 2))).to.deep.equal(['PingReceived', 'PingReceived']);
    expect(s.inputPending).to.equal(true);
    expect(names(s.receiveData(NOTHING, 2))).to.deep.equal(['PingReceived', 'PingReceived']);
    expect(s.inputPending).to.equal(true);
    expect(names(s.receiveData(NOTHING, 2))).to.deep.equal(['PingReceived']);
    expect(s.inputPending).to.equal(false);
    expect(framesIn(s.dataToSend()).filter((f) => f instanceof PingFrame && f.ack)).to.have.length(5);
  });

  it('takes new octets behind the ones still pending, in order', function () {
    const s = server();
    s.receiveData(pings(3), 1);
    expect(names(s.receiveData(rawFrame(6, 0, 0, '0a0b0c0d0e0f1011'))).length).to.equal(3);
    expect(s.inputPending).to.equal(false);
    const acks = framesIn(s.dataToSend()).filter((f): f is PingFrame => f instanceof PingFrame && f.ack);
    expect(acks.map((f) => Buffer.from(f.opaqueData).toString('hex'))).to.deep.equal(['0102030405060708', '0102030405060708', '0102030405060708', '0a0b0c0d0e0f1011']);
  });

  it('counts the answers of one read as a whole, however many calls it takes: maxOutboundControlFrames → "flood"', function () {
    const s = server({ maxOutboundControlFrames: 100 });
    // Two reads of 100 PINGs, 10 frames a call, the ACKs taken after every call: fine.
    for (let read = 0; read < 2; read++) {
      s.receiveData(pings(100), 10);
      while (s.inputPending) {
        s.dataToSend();
        s.receiveData(NOTHING, 10);
      }
      s.dataToSend();
    }
    // One read of 101: taking the ACKs between its calls does not start the count over.
    const flood = (): void => {
      s.receiveData(pings(101), 10);
      while (s.inputPending) {
        s.dataToSend();
        s.receiveData(NOTHING, 10);
      }
    };
    expect(flood).to.throw(DenialOfServiceError);
    const goaway = framesIn(s.dataToSend()).find((f): f is GoAwayFrame => f instanceof GoAwayFrame);
    expect(goaway?.errorCode).to.equal(ErrorCodes.ENHANCE_YOUR_CALM);
    expect(Buffer.from(goaway?.additionalData ?? []).toString()).to.equal('flood');
  });
});
