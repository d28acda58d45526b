/**
 * ConnectionControl: the connection control messages of stream 0 (RFC 9113 §5.1.1) — SETTINGS
 * (§6.5), PING (§6.7), GOAWAY (§6.8) and the connection's WINDOW_UPDATE (§6.9).
 *
 * - Ours: `ping()`, `settings()`, `close()` and `goaway()` as node:http2 takes them, with a
 *   promise or node's callback. An ACK waits with Deadlines (and its ackTimeout); whether the
 *   connection can still send, and how it closes, is ConnectionEnd's.
 * - The peer's, as the core reports them ({@link ConnectionControl.deliver}, beside
 *   StreamRouter's delivery of stream events): what each means for the connection, and the
 *   duplex's node:http2 events ('ping', 'goaway', 'localSettings', 'remoteSettings').
 */
import { randomBytes } from 'node:crypto';
import { ErrorCodes } from '../error-codes.js';
import { StreamResetError, UsageCodes, UsageError } from '../errors.js';
import {
  AlternativeServiceAvailable,
  type ChangedSetting,
  ConnectionTerminated,
  type Event,
  type H2Connection,
  OriginReceived,
  PingAckReceived,
  PingReceived,
  RemoteSettingsChanged,
  SettingsAcknowledged,
  WindowUpdated,
} from '../core/index.js';
import { altSvcTarget } from './alt-svc.js';
import type { ConnectionEnd } from './connection-end.js';
import type { Deadlines } from './deadlines.js';
import { type OriginInput, type SettingsArgument, type SettingsInForce, toNodeSettings, toOrigins, toSettingsInput } from './node-session.js';
import type { Schedulable, SendScheduler } from './send-scheduler.js';

/** node:http2's `ping()` callback. */
export type PingCallback = (error: Error | null, duration: number, payload: Buffer) => void;
/** node:http2's `settings()` callback. */
export type SettingsCallback = (error: Error | null, settings: SettingsInForce, duration: number) => void;

/** What the control messages need from their H2Duplex. */
export interface ControlHost {
  readonly connection: H2Connection;
  readonly deadlines: Deadlines;
  readonly end: ConnectionEnd;
  /** The stream-blind part of the send scheduler: windows opened, queued requests. */
  readonly scheduler: Pick<SendScheduler<Schedulable>, 'windowOpened' | 'opensWaiting' | 'startOpens' | 'failOpens'>;
  /** Queue a flush of the core's output (coalesced: one per turn of the event loop). */
  scheduleFlush(): void;
  /** The duplex, which emits node:http2's session events ('ping', 'goaway', 'localSettings', 'remoteSettings', 'origin'). */
  readonly events: { emit(event: string, ...args: unknown[]): boolean; listenerCount(event: string): number; readonly encrypted?: boolean | undefined };
}

export class ConnectionControl {
  readonly #host: ControlHost;
  /** Round-trip time of the last answered ping(), in milliseconds. */
  #lastRtt: number | null = null;
  /** A WINDOW_UPDATE (or SETTINGS) in the input being dispatched may have opened a window. */
  #windowOpened = false;
  /** Client over TLS: origins the server named in ORIGIN frames (RFC 8336), for `originSet`. */
  #origins: Set<string> | null = null;

  constructor(host: ControlHost) {
    this.#host = host;
  }

  /** Round-trip time of the last answered ping(), in milliseconds; null before one. */
  get lastRtt(): number | null {
    return this.#lastRtt;
  }

  /**
   * Whether a window opened for parked writes since the last call (the read that opened it
   * then flushes at once instead of a turn later).
   */
  takeWindowOpened(): boolean {
    const opened = this.#windowOpened;
    this.#windowOpened = false;
    return opened;
  }

  /**
   * PING with `payload` (8 random octets when none). Without `done`: the promise of the
   * round-trip time. With it (node's form): `done(err, durationMs, payload)`, and whether the
   * PING was sent.
   */
  ping(payload: Uint8Array | undefined, done: PingCallback | undefined): Promise<number> | boolean {
    const host = this.#host;
    const sent = payload === undefined ? randomBytes(8) : Buffer.from(payload);
    let pinged = false; // the executor runs now: node's boolean answer
    const rtt = new Promise<number>((resolve, reject) => {
      const unavailable = host.end.unavailable('ping()', false);
      if (unavailable !== null) {
        reject(unavailable);
        return;
      }
      const key = sent.toString('hex');
      if (host.deadlines.pingInFlight(key)) {
        reject(new UsageError(`ping(): a ping with payload ${key} is already in flight; wait for it or use another payload`, UsageCodes.PING_IN_FLIGHT));
        return;
      }
      host.connection.ping(sent);
      pinged = true;
      host.deadlines.waitForPing(key, resolve, reject);
      host.scheduleFlush();
    });
    if (done === undefined) return rtt;
    rtt.then((ms) => { done(null, ms, sent); }, (err: unknown) => { done(err as Error, 0, sent); });
    return pinged;
  }

  /**
   * SETTINGS (node's names or codes). Without `callback`: the promise of what changed, once
   * acknowledged. With it (node's form): `callback(err, localSettings, durationMs)`.
   */
  settings(settings: SettingsArgument, callback: SettingsCallback | undefined): Promise<Map<number, ChangedSetting>> | undefined {
    const host = this.#host;
    const started = performance.now();
    const changed = new Promise<Map<number, ChangedSetting>>((resolve, reject) => {
      const unavailable = host.end.unavailable('settings()', false);
      if (unavailable !== null) {
        reject(unavailable);
        return;
      }
      host.connection.updateSettings(toSettingsInput(settings));
      host.deadlines.waitForSettings(resolve, reject);
      host.scheduleFlush();
    });
    if (callback === undefined) return changed;
    changed.then(() => { callback(null, this.#localSettings(), performance.now() - started); }, (err: unknown) => { callback(err as Error, this.#localSettings(), 0); });
    return undefined;
  }

  /**
   * GOAWAY with `errorCode` (the graceful close for NO_ERROR). Without `callback`: the promise
   * that the output ended; with it (node's form), `callback` then.
   */
  close(errorCode: number, callback: (() => void) | undefined): Promise<void> | undefined {
    const closed = this.#host.end.close(errorCode);
    this.#host.scheduleFlush();
    if (callback === undefined) return closed;
    void closed.then(callback);
    return undefined;
  }

  /** node:http2's `goaway()`: as close(), with the GOAWAY's last stream id and opaque data when given. */
  goaway(code: number, lastStreamId: number | undefined, opaqueData: Uint8Array | undefined): void {
    void this.#host.end.close(code, { ...(lastStreamId === undefined ? {} : { lastStreamId }), ...(opaqueData === undefined ? {} : { additionalData: opaqueData }) });
    this.#host.scheduleFlush();
  }

  /**
   * Server: ORIGIN (RFC 8336) with node:http2's reading of the origins (see `toOrigins`).
   * @throws what the connection's state makes of it (a closed connection), UsageError
   *   `ERR_H2_WRONG_SIDE` on a client, InvalidArgumentError `ERR_H2_INVALID_ORIGIN` /
   *   `ERR_H2_ORIGIN_LENGTH`.
   */
  origin(origins: readonly OriginInput[]): void {
    const host = this.#host;
    const unavailable = host.end.unavailable('origin()', false);
    if (unavailable !== null) throw unavailable;
    if (origins.length === 0) return;
    host.connection.sendOrigin(toOrigins(origins));
    host.scheduleFlush();
  }

  /**
   * Server: ALTSVC (RFC 7838), as node:http2's `session.altsvc(alt, originOrStream)`: for an
   * origin on stream 0, or on an open stream (its id).
   * @throws UsageError `ERR_H2_WRONG_SIDE` on a client; ConnectionClosedError after the end;
   *   node's argument errors (alt-svc.ts); the core's for a stream id that is not open.
   */
  altsvc(alt: unknown, originOrStream: OriginInput | number | undefined): void {
    const host = this.#host;
    const unavailable = host.end.unavailable('altsvc()', false);
    if (unavailable !== null) throw unavailable;
    if (host.connection.config.clientSide) throw new UsageError('altsvc(): only a server sends ALTSVC (RFC 7838 §4); a client receives it as the session\'s \'altsvc\' event', UsageCodes.WRONG_SIDE);
    const target = altSvcTarget(alt, originOrStream);
    host.connection.advertiseAlternativeService(alt as string, target.streamId === 0 ? { origin: target.origin } : { streamId: target.streamId });
    host.scheduleFlush();
  }

  /** Origins received in ORIGIN frames (client over TLS), in the order first named. */
  get receivedOrigins(): readonly string[] {
    return this.#origins === null ? [] : [...this.#origins];
  }

  /** Acts on `ev` if it is a connection control message; false for any other event. */
  deliver(ev: Event): boolean {
    if (ev instanceof WindowUpdated) this.#onWindow();
    else if (ev instanceof RemoteSettingsChanged) this.#onSettingsChanged();
    else if (ev instanceof SettingsAcknowledged) this.#onSettingsAcked(ev);
    else if (ev instanceof PingAckReceived) this.#onPingAck(ev);
    else if (ev instanceof PingReceived) this.#host.events.emit('ping', ev.pingData);
    else if (ev instanceof ConnectionTerminated) this.#onGoAway(ev);
    else if (ev instanceof OriginReceived) this.#onOrigin(ev);
    else if (ev instanceof AlternativeServiceAvailable) this.#onAltSvc(ev);
    else return false;
    return true;
  }

  /**
   * Window opened on a stream or on all of them (stream 0, SETTINGS): retry parked writes.
   * Only from the dispatch in `_write`, which then flushes at once: no flush is scheduled here.
   */
  #onWindow(): void {
    this.#windowOpened = true;
    this.#host.scheduler.windowOpened();
  }

  /** The peer's SETTINGS may open windows (INITIAL_WINDOW_SIZE) and stream slots. */
  #onSettingsChanged(): void {
    const host = this.#host;
    this.#onWindow();
    if (host.scheduler.opensWaiting > 0) host.scheduler.startOpens();
    if (host.events.listenerCount('remoteSettings') > 0) host.events.emit('remoteSettings', toNodeSettings(host.connection.remoteSettings));
  }

  #onSettingsAcked(ev: SettingsAcknowledged): void {
    this.#host.deadlines.settingsAcked(ev.changedSettings);
    if (this.#host.events.listenerCount('localSettings') > 0) this.#host.events.emit('localSettings', this.#localSettings());
  }

  #onPingAck(ev: PingAckReceived): void {
    const key = ev.pingData.toString('hex');
    // The fence of our graceful close: the read that carried the ACK flushes, and the flush
    // ends a drained connection.
    if (this.#host.end.fenceAcked(key)) return;
    const rtt = this.#host.deadlines.pingAcked(key);
    if (rtt !== null) this.#lastRtt = rtt;
  }

  #onGoAway(ev: ConnectionTerminated): void {
    this.#host.end.peerGoaway(ev);
    this.#host.events.emit('goaway', ev.errorCode, ev.lastStreamId, ev.additionalData);
    // Queued requests never reached the peer: they fail as retryable.
    this.#host.scheduler.failOpens(() => new StreamResetError(0, ErrorCodes.REFUSED_STREAM, true));
  }

  /**
   * ORIGIN, as node:http2 takes it: only over TLS, where the origin set means something (RFC
   * 8336 §2.3: a client still checks the certificate); the origins join `originSet` and the
   * session emits 'origin'. Over cleartext the core's OriginReceived event is all there is.
   */
  #onOrigin(ev: OriginReceived): void {
    if (this.#host.events.encrypted !== true) return;
    const set = (this.#origins ??= new Set());
    for (const origin of ev.origins) set.add(origin);
    this.#host.events.emit('origin', ev.origins);
  }

  /**
   * Client: ALTSVC, as node:http2 reports it: `'altsvc'` (alt, origin, streamId), the origin as
   * the frame named it ('' on a stream, whose origin is its own), the stream 0 on stream 0.
   */
  #onAltSvc(ev: AlternativeServiceAvailable): void {
    const origin = ev.streamId === 0 && ev.origin !== null ? ev.origin.toString('latin1') : '';
    this.#host.events.emit('altsvc', ev.fieldValue.toString('latin1'), origin, ev.streamId);
  }

  #localSettings(): SettingsInForce {
    return toNodeSettings(this.#host.connection.localSettings);
  }
}
