/**
 * Deadlines: every time limit of one connection, checked on a tick shared with other connections.
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
 * (10 ms to 1 s), on an unref'd interval shared by every connection with that tick
 * (shared-ticker.ts), and runs only while something is watched.
 */
import type { ChangedSetting } from '../core/index.js';
import { AckTimeoutError } from '../errors.js';
import { joinTicker, leaveTicker, type TickMember } from './shared-ticker.js';

/** The connection's time limits in milliseconds; null is off. Shared by connections made with the same values (frozen). */
export interface DeadlineLimits {
  readonly preface: number | null;
  readonly settingsAck: number | null;
  readonly headerBlock: number | null;
  readonly idle: number | null;
  readonly goawayClose: number | null;
  readonly streamIdle: number | null;
  /** How long a ping() or settings() waits for its ACK. */
  readonly ack: number;
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

/** Who acts on the connection limits (H2Duplex's host): a method, not a closure per connection. */
export interface DeadlinesOwner {
  /** A tick, with the time: check {@link Deadlines.expired} and do the housekeeping. */
  deadlinesTick(now: number): void;
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

export class Deadlines implements TickMember {
  readonly limits: DeadlineLimits;
  readonly #owner: DeadlinesOwner;
  readonly #createdAt = Date.now();
  #lastInputAt = this.#createdAt;
  #settingsWaitSince: number | null = null;
  #headerBlockSince: number | null = null;
  /** The connection's limits are watched (until its output ends). */
  #watching = false;
  /** The tick length this connection shares with others (shared-ticker.ts); 0 while it does not tick. */
  #tickMs = 0;
  /** Pings in flight by payload (hex); created on the first ping, as most connections never send one. */
  #pings: Map<string, PingWaiter> | null = null;
  /** SETTINGS waiting for their ACK, oldest first; null when none (an idle connection keeps no arrays). */
  #settingsWaiters: Array<Waiter<Map<number, ChangedSetting>>> | null = null;
  /** Pending one-shots; null when none. */
  #oneShots: OneShot[] | null = null;

  /** @param owner its `deadlinesTick` runs on every tick, after the waiters and one-shots due were handled. */
  constructor(limits: DeadlineLimits, owner: DeadlinesOwner) {
    this.limits = limits;
    this.#owner = owner;
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
    this.#stopTicking();
    this.#watching = false;
    this.#oneShots = null;
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
    (this.#oneShots ??= []).push({ at: Date.now() + ms, run });
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
    (this.#settingsWaiters ??= []).push({ resolve, reject, deadline: Date.now() + this.limits.ack, what: 'SETTINGS' });
    this.#ensureTimer(this.limits.ack);
  }

  /** The peer acknowledged our oldest SETTINGS. */
  settingsAcked(changed: Map<number, ChangedSetting>): void {
    const waiters = this.#settingsWaiters;
    if (waiters === null) return;
    const waiter = waiters.shift();
    if (waiters.length === 0) this.#settingsWaiters = null;
    waiter?.resolve(changed);
  }

  /** PINGs or SETTINGS wait for their acknowledgement. */
  get hasWaiters(): boolean {
    return (this.#pings?.size ?? 0) > 0 || this.#settingsWaiters !== null;
  }

  /** Every waiter fails with `error` (the connection is gone or going). */
  failWaiters(error: Error): void {
    const pings = this.#pings;
    this.#pings = null;
    const settingsWaiters = this.#settingsWaiters;
    this.#settingsWaiters = null;
    for (const w of pings?.values() ?? []) w.reject(error);
    for (const w of settingsWaiters ?? []) w.reject(error);
  }

  // ---------------------------------------------------------------- the timer

  #busy(): boolean {
    return this.#watching || this.#oneShots !== null || this.#settingsWaiters !== null || (this.#pings?.size ?? 0) > 0;
  }

  /** Runs the tick while something is watched, often enough for the shortest limit in use (and `extra`, a new one). */
  #ensureTimer(extra?: number): void {
    if (!this.#busy()) return;
    const l = this.limits;
    const limits = [l.preface, l.settingsAck, l.headerBlock, l.idle, l.streamIdle, l.ack, extra].filter((v): v is number => typeof v === 'number');
    const tick = Math.max(10, Math.min(1000, Math.min(...limits) / 4));
    if (this.#tickMs !== 0 && tick >= this.#tickMs) return;
    this.#stopTicking();
    this.#tickMs = tick;
    joinTicker(tick, this);
  }

  #stopTicking(): void {
    if (this.#tickMs === 0) return;
    leaveTicker(this.#tickMs, this);
    this.#tickMs = 0;
  }

  /** The shared ticker's call (shared-ticker.ts): one-shots and waiters due, then the owner's tick. */
  tick(): void {
    const now = Date.now();
    const oneShots = this.#oneShots;
    if (oneShots !== null) {
      const due = oneShots.filter((o) => o.at <= now);
      if (due.length > 0) {
        const later = oneShots.filter((o) => o.at > now);
        this.#oneShots = later.length > 0 ? later : null;
        for (const o of due) o.run();
      }
    }
    this.#expireWaiters(now);
    // A one-shot may have destroyed the connection, which stops everything.
    if (!this.#running()) return;
    this.#owner.deadlinesTick(now);
    if (!this.#busy()) this.#stopTicking();
  }

  #running(): boolean {
    return this.#tickMs !== 0;
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
    const waiters = this.#settingsWaiters;
    if (waiters === null) return;
    while (waiters.length > 0 && (waiters[0]?.deadline ?? Infinity) <= now) {
      waiters.shift()?.reject(new AckTimeoutError(`SETTINGS not acknowledged within ${this.limits.ack} ms`));
    }
    if (waiters.length === 0 && this.#settingsWaiters === waiters) this.#settingsWaiters = null;
  }
}
