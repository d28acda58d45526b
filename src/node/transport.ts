/**
 * One session on one socket, as node:http2 ties them: the socket's octets go into the session
 * and its output back (`socket.pipe(session).pipe(socket)`, without `pipe()`'s closures on the
 * way in), a socket error destroys the session with that error, the socket closing destroys
 * it, and the session closing ends the socket. Used by `connect()` and by both servers.
 *
 * TCP_NODELAY is H2Duplex's own doing: it sets it on a `net.Socket` piped into it (its
 * `noDelay` option, default true).
 */
import type { Duplex } from 'node:stream';
import { ConnectionClosedError } from '../errors.js';
import type { H2Duplex } from '../duplex/index.js';

/**
 * Once the session is closed, what the socket may still take to write its last octets before
 * it is destroyed anyway (a peer that stops reading must not keep it open). By then the
 * session has already lingered for its GOAWAY (`goawayCloseTimeout`).
 */
const SOCKET_END_TIMEOUT_MS = 5000;

/** The session each socket carries, and the reverse, for the module-level listeners. */
const sessionOf = new WeakMap<Duplex, H2Duplex>();
const socketOf = new WeakMap<H2Duplex, Duplex>();
/** Sessions piped to their socket: before that, the socket closing is an error (node's ERR_SOCKET_CLOSED). */
const piped = new WeakSet<H2Duplex>();
/** Sessions whose peer sent GOAWAY: a reset after it is no error (node:http2's rule). */
const peerWentAway = new WeakSet<H2Duplex>();

/**
 * Ties the lifetimes of `socket` and `session` together without piping them (the pipe may
 * wait for a TLS handshake; see {@link pipeSession}). Idempotent per pair.
 */
export function bindSocket(socket: Duplex, session: H2Duplex): void {
  if (sessionOf.get(socket) === session) return;
  sessionOf.set(socket, session);
  socketOf.set(session, socket);
  socket.on('error', socketOnError);
  socket.on('close', socketOnClose);
  session.on('goaway', sessionOnGoaway);
  session.on('close', sessionOnClose);
}

/**
 * `socket.pipe(session).pipe(socket)`, with their lifetimes tied ({@link bindSocket}). The way
 * in is three shared listeners instead of `Readable.pipe()`, which makes ten closures and a
 * context per pair (~1.2 KiB of an idle connection's ~10): the socket's chunks are written to
 * the session, the socket pauses while the session's input queue is full and resumes on
 * 'drain', and its end ends the session's writable side. Errors and closes either way are
 * bindSocket's, as they were with `pipe()`. The way out is H2Duplex's own `pipe()`, which
 * writes to the socket directly.
 */
export function pipeSession(socket: Duplex, session: H2Duplex): void {
  bindSocket(socket, session);
  piped.add(session);
  // What `pipe()` announces: the session learns its transport (address, TLS, TCP_NODELAY).
  session.emit('pipe', socket);
  socket.on('data', socketOnData);
  socket.on('end', socketOnEnd);
  session.on('drain', sessionOnDrain);
  socket.resume();
  session.pipe(socket);
}

function socketOnData(this: Duplex, chunk: Buffer): void {
  const session = sessionOf.get(this);
  if (session !== undefined && !session.write(chunk)) this.pause();
}

function socketOnEnd(this: Duplex): void {
  const session = sessionOf.get(this);
  if (session !== undefined && !session.writableEnded) session.end();
}

function sessionOnDrain(this: H2Duplex): void {
  const socket = socketOf.get(this);
  if (socket !== undefined && !socket.destroyed) socket.resume();
}

/** The socket under `session`, once bound. */
export function socketOfSession(session: H2Duplex): Duplex | undefined {
  return socketOf.get(session);
}

/**
 * A socket error ends the session with that error ('error' on the session, as in node:http2),
 * except ECONNRESET after the peer's GOAWAY: the peer may close as it likes once it said so.
 */
function socketOnError(this: Duplex, error: Error & { code?: unknown }): void {
  const session = sessionOf.get(this);
  if (session === undefined || session.destroyed) return;
  if (error.code === 'ECONNRESET' && peerWentAway.has(session)) session.destroy();
  else session.destroy(error);
}

/**
 * The socket is gone: so is the session (its open streams fail with ConnectionClosedError).
 * Before the session was piped to it (a client still connecting), that is an error.
 */
function socketOnClose(this: Duplex): void {
  const session = sessionOf.get(this);
  if (session === undefined || session.destroyed) return;
  if (piped.has(session)) session.destroy();
  else session.destroy(new ConnectionClosedError('The socket closed before the session connected'));
}

function sessionOnGoaway(this: H2Duplex): void {
  peerWentAway.add(this);
}

/** The session is over: write what is queued, end the socket, and destroy it if it will not finish. */
function sessionOnClose(this: H2Duplex): void {
  const socket = socketOf.get(this);
  if (socket === undefined) return;
  // Octets still arriving have nowhere to go: stop reading (pipe()'s unpipe paused the socket
  // here; a socket with its 'data' listener removed would go on flowing).
  socket.off('data', socketOnData);
  socket.pause();
  if (socket.destroyed) return;
  socket.end(() => socket.destroy());
  const timer = setTimeout(() => socket.destroy(), SOCKET_END_TIMEOUT_MS);
  timer.unref();
  socket.once('close', () => {
    clearTimeout(timer);
  });
}
