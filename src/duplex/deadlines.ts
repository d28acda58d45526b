/**
 * Deadlines: every time limit of one connection, on one timer.
 *
 * - The connection's limits, checked on each tick: the client preface (`prefaceTimeout`), the
 *   ACK of our SETTINGS (`settingsAckTimeout`, RFC 9113 §6.5.3), an unfinished header block
 *   (`headerBlockTimeout`), a connection with no stream and no input (`idleTimeout`). Which
 *   one passed is returned as an {@link Expiry}; what to do about it is H2Duplex's decision.
 * - The waiters of `ping()` and `settings()`, rejected with AckTimeoutError after `ackTimeout`.
 * - One-shot deadlines (`after`): the GOAWAY close (`goawayCloseTimeout`) and the graceful
 *   close's PING fence.
 *
 * The core sets no timers; it exposes what these limits read (`remoteSettingsReceived`,
 * `outstandingSettings`, `inHeaderBlock`). The tick is a quarter of the shortest limit in use
 * (10 ms to 1 s), unref'd, and runs only while something is watched.
 */
import type { ChangedSetting } from '../core/index.js';
import { AckTimeoutError } from '../errors.js';

/** The connection's time limits in milliseconds; null is off. */
export interface DeadlineLimits {
  preface: number | null;
  settingsAck: number | null;
  headerBlock: number | null;
  idle: number | null;
  goawayClose: number | null;
  streamIdle: number | null;
  /** How long a ping() or settings() waits for its ACK. */
  ack: number;
}

/** A connection limit that passed. */
export type Expiry = 'preface' | 'settingsAck' | 'headerBlock' | 'idle';

/** What the limits read of the connection on each tick. */
export interface WatchedConnection {
  /** The peer's first SETTINGS arrived (the preface is complete). */
  readonly remoteSettingsReceived: boolean;
  /** Our SETTINGS frames not yet acknowledged. */
  readonly outstandingSettings: number;
  /** A header block is waiting for CONTINUATION frames. */
  readonly inHeaderBlock: boolean;
  /** No open stream and no queued request: the idle limit applies. */
  readonly quiet: boolean;
}

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: Error): void;
  /** When it fails with AckTimeoutError. */
  deadline: number;
  /** What the AckTimeoutError says. */
  what: string;
}

interface PingWaiter extends Waiter<number> {
  /** When the PING went out (process.hrtime.bigint), for the round-trip time. */
  start: bigint;
}

interface OneShot {
  at: number;
  run(): void;
}

export class Deadlines {
  readonly limits: DeadlineLimits;
  readonly #onTick: (now: number) => void;
  readonly #createdAt = Date.now();
  #lastInputAt = this.#createdAt;
  #settingsWaitSince: number | null = null;
  #headerBlockSince: number | null = null;
  /** The connection's limits are watched (until its output ends). */
  #watching = false;
  #timer: NodeJS.Timeout | null = null;
  #tickMs = 0;
  /** Pings in flight by payload (hex); created on the first ping, as most connections never send one. */
  #pings: Map<string, PingWaiter> | null = null;
  readonly #settingsWaiters: Array<Waiter<Map<number, ChangedSetting>>> = [];
  #oneShots: OneShot[] = [];

  /** @param onTick runs on every tick with the time, after the waiters and one-shots due were handled. */
  constructor(limits: DeadlineLimits, onTick: (now: number) => void) {
    this.limits = limits;
    this.#onTick = onTick;
  }

  /** Starts watching the connection's limits (after everything in the constructor that can throw). */
  watch(): void {
    const l = this.limits;
    this.#watching = [l.preface, l.settingsAck, l.headerBlock, l.idle, l.streamIdle].some((v) => v !== null);
    this.#ensureTimer();
  }

  /** The connection's output ended: its limits no longer apply (waiters and one-shots still run). */
  unwatch(): void {
    this.#watching = false;
  }

  /** Stops everything (the connection is destroyed); pending waiters are the caller's to fail first. */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    this.#watching = false;
    this.#oneShots = [];
  }

  /** Input arrived: the idle limit counts from now. */
  inputArrived(now: number): void {
    this.#lastInputAt = now;
  }

  /** When input last arrived. */
  get lastInputAt(): number {
    return this.#lastInputAt;
  }

  /** The connection limit that has passed as of `now`, if any. */
  expired(connection: WatchedConnection, now: number): Expiry | null {
    const l = this.limits;
    if (l.preface !== null && !connection.remoteSettingsReceived && now - this.#createdAt >= l.preface) return 'preface';
    if (connection.outstandingSettings > 0) this.#settingsWaitSince ??= now;
    else this.#settingsWaitSince = null;
    if (l.settingsAck !== null && this.#settingsWaitSince !== null && now - this.#settingsWaitSince >= l.settingsAck) return 'settingsAck';
    if (connection.inHeaderBlock) this.#headerBlockSince ??= now;
    else this.#headerBlockSince = null;
    if (l.headerBlock !== null && this.#headerBlockSince !== null && now - this.#headerBlockSince >= l.headerBlock) return 'headerBlock';
    if (l.idle !== null && connection.quiet && now - this.#lastInputAt >= l.idle) return 'idle';
    return null;
  }

  /** Runs `run` once, `ms` from now (checked on the tick, so up to a tick late). */
  after(ms: number, run: () => void): void {
    this.#oneShots.push({ at: Date.now() + ms, run });
    this.#ensureTimer(ms);
  }

  // ---------------------------------------------------------------- ping and settings waiters

  /** True while a PING with this payload (hex) waits for its ACK. */
  pingInFlight(key: string): boolean {
    return this.#pings?.has(key) === true;
  }

  /** A PING went out with payload `key` (hex): settle on its ACK, or fail after `ackTimeout`. */
  waitForPing(key: string, resolve: (rtt: number) => void, reject: (error: Error) => void): void {
    const pings = (this.#pings ??= new Map());
    pings.set(key, { resolve, reject, deadline: Date.now() + this.limits.ack, what: `PING ${key}`, start: process.hrtime.bigint() });
    this.#ensureTimer(this.limits.ack);
  }

  /** The ACK of PING `key` arrived: resolves its waiter; returns the round trip in ms, or null if nobody waited. */
  pingAcked(key: string): number | null {
    const w = this.#pings?.get(key);
    if (w === undefined) return null;
    this.#pings?.delete(key);
    const rtt = Number(process.hrtime.bigint() - w.start) / 1e6;
    w.resolve(rtt);
    return rtt;
  }

  /** Our SETTINGS went out: settle on their ACK (in order), or fail after `ackTimeout`. */
  waitForSettings(resolve: (changed: Map<number, ChangedSetting>) => void, reject: (error: Error) => void): void {
    this.#settingsWaiters.push({ resolve, reject, deadline: Date.now() + this.limits.ack, what: 'SETTINGS' });
    this.#ensureTimer(this.limits.ack);
  }

  /** The peer acknowledged our oldest SETTINGS. */
  settingsAcked(changed: Map<number, ChangedSetting>): void {
    this.#settingsWaiters.shift()?.resolve(changed);
  }

  /** Every waiter fails with `error` (the connection is gone or going). */
  failWaiters(error: Error): void {
    const pings = this.#pings;
    this.#pings = null;
    for (const w of pings?.values() ?? []) w.reject(error);
    for (const w of this.#settingsWaiters.splice(0)) w.reject(error);
  }

  // ---------------------------------------------------------------- the timer

  #busy(): boolean {
    return this.#watching || this.#oneShots.length > 0 || this.#settingsWaiters.length > 0 || (this.#pings?.size ?? 0) > 0;
  }

  /** Runs the tick while something is watched, often enough for the shortest limit in use (and `extra`, a new one). */
  #ensureTimer(extra?: number): void {
    if (!this.#busy()) return;
    const l = this.limits;
    const limits = [l.preface, l.settingsAck, l.headerBlock, l.idle, l.streamIdle, l.ack, extra].filter((v): v is number => typeof v === 'number');
    const tick = Math.max(10, Math.min(1000, Math.min(...limits) / 4));
    if (this.#timer !== null && tick >= this.#tickMs) return;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#tickMs = tick;
    this.#timer = setInterval(() => {
      this.#tick();
    }, tick).unref();
  }

  #tick(): void {
    const now = Date.now();
    if (this.#oneShots.length > 0) {
      const due = this.#oneShots.filter((o) => o.at <= now);
      if (due.length > 0) {
        this.#oneShots = this.#oneShots.filter((o) => o.at > now);
        for (const o of due) o.run();
      }
    }
    this.#expireWaiters(now);
    // A one-shot may have destroyed the connection, which stops everything.
    if (!this.#running()) return;
    this.#onTick(now);
    if (!this.#busy() && this.#timer !== null) {
      clearInterval(this.#timer);
      this.#timer = null;
    }
  }

  #running(): boolean {
    return this.#timer !== null;
  }

  #expireWaiters(now: number): void {
    const pings = this.#pings;
    if (pings !== null) {
      for (const [key, w] of pings) {
        if (w.deadline > now) continue;
        pings.delete(key);
        w.reject(new AckTimeoutError(`${w.what} not acknowledged within ${this.limits.ack} ms`));
      }
    }
    while (this.#settingsWaiters.length > 0 && (this.#settingsWaiters[0]?.deadline ?? Infinity) <= now) {
      this.#settingsWaiters.shift()?.reject(new AckTimeoutError(`SETTINGS not acknowledged within ${this.limits.ack} ms`));
    }
  }
}
