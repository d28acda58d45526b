/**
 * pipeSession() (src/node/transport.ts), which createServer(), createSecureServer() and
 * connect() use to tie a socket to its session without `Readable.pipe()` on the way in: the
 * session learns its transport, the socket is read only while the session takes its input,
 * its end ends the session's input, and the session's close lets go of it.
 */
import { Duplex } from 'node:stream';
import { expect } from 'chai';
import { H2Duplex } from '../../src/index.js';
import { pipeSession } from '../../src/node/transport.js';
import { CLIENT_PREFACE } from '../../src/frame/index.js';
import { rawFrame } from '../helpers/bytes.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A socket whose writes complete only when the test says so (a peer that does not read). */
function stalledSocket(): { socket: Duplex; completeWrites: () => void } {
  const pending: Array<() => void> = [];
  const socket = new Duplex({
    read() {
      /* input is pushed by the test */
    },
    write(_chunk: Buffer, _encoding: string, callback: () => void) {
      pending.push(callback);
    },
  });
  return {
    socket,
    completeWrites: () => {
      for (const callback of pending.splice(0)) callback();
    },
  };
}

describe('node layer: a session tied to its socket (pipeSession)', function () {
  it('announces the socket as pipe() does: session.socket, and its pipe event', function () {
    const { socket } = stalledSocket();
    const session = new H2Duplex({ config: { clientSide: false } });
    const piped: unknown[] = [];
    session.on('pipe', (source: unknown) => piped.push(source));
    pipeSession(socket, session);
    expect(session.socket).to.equal(socket);
    expect(piped).to.deep.equal([socket]);
    session.destroy();
  });

  it('stops reading the socket while the session holds input, and reads again once it drains', async function () {
    const { socket, completeWrites } = stalledSocket();
    // Output room of 1 KiB: a peer that does not read 100 PING ACKs (1.7 KiB) holds our input.
    const session = new H2Duplex({ config: { clientSide: false }, highWaterMark: 1024 });
    session.on('error', () => undefined);
    pipeSession(socket, session);
    socket.push(Buffer.concat([CLIENT_PREFACE, rawFrame(4, 0, 0)]));
    const ping = rawFrame(6, 0, 0, '0102030405060708');
    for (let i = 0; i < 100 && !socket.isPaused(); i++) {
      socket.push(Buffer.concat(Array.from({ length: 10 }, () => ping)));
      await tick();
    }
    expect(socket.isPaused(), 'the socket is paused while the session cannot take more').to.equal(true);
    expect(session.writableLength).to.be.at.least(session.writableHighWaterMark);
    // The peer reads: our output is written, the held input runs, the session drains.
    for (let i = 0; i < 50 && socket.isPaused(); i++) {
      completeWrites();
      await tick();
    }
    expect(socket.isPaused(), 'read again after the drain').to.equal(false);
    expect(session.destroyed).to.equal(false);
    session.destroy();
  });

  it("ends the session's input when the socket ends, and lets go of the socket when the session closes", async function () {
    const { socket, completeWrites } = stalledSocket();
    const session = new H2Duplex({ config: { clientSide: false } });
    session.on('error', () => undefined);
    pipeSession(socket, session);
    expect(socket.listenerCount('data')).to.equal(1);
    socket.push(Buffer.concat([CLIENT_PREFACE, rawFrame(4, 0, 0)]));
    socket.push(null);
    for (let i = 0; i < 100 && !session.writableFinished; i++) {
      completeWrites();
      await tick();
    }
    expect(session.writableEnded).to.equal(true);
    session.destroy();
    await tick();
    expect(socket.listenerCount('data')).to.equal(0);
    expect(socket.isPaused(), 'not read after the close').to.equal(true);
  });
});
