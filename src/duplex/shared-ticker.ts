/**
 * One interval per tick length for every connection's time limits ({@link Deadlines}), instead
 * of one timer each: a Timeout and its closure were ~0.2 KiB of every idle connection's heap,
 * and a server's connections mostly share one tick length (a quarter of the shortest limit).
 * A connection's limits are then checked on the shared tick; each is still checked at least
 * every quarter of its length, as with a timer of its own.
 *
 * The interval is unref'd (it never keeps the process alive) and cleared when its last member
 * leaves. Timers are looked up per `setInterval` function, so a test that installs fake timers
 * (sinon) gets intervals of its own, not one made before or after it.
 */

/** What the shared tick calls. */
export interface TickMember {
  tick(): void;
}

class TickGroup {
  readonly members = new Set<TickMember>();
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #clear: typeof clearInterval;

  constructor(ms: number, set: typeof setInterval, clear: typeof clearInterval) {
    this.#clear = clear;
    this.#timer = set(() => {
      this.#run();
    }, ms);
    this.#timer.unref();
  }

  stop(): void {
    this.#clear(this.#timer);
  }

  #run(): void {
    // Members may leave (a connection destroyed by its tick) or join during the loop: a Set's
    // iteration allows both.
    for (const member of this.members) {
      try {
        member.tick();
      } catch (err) {
        // Still an uncaught exception, as it was in a timer of its own, without skipping the
        // other connections' ticks.
        process.nextTick(() => {
          throw err;
        });
      }
    }
  }
}

/** Groups by the `setInterval` in use when they were made, then by tick length. */
const groups = new Map<typeof setInterval, Map<number, TickGroup>>();

/** `member.tick()` runs every `ms` milliseconds from now on (with the others of that length). */
export function joinTicker(ms: number, member: TickMember): void {
  const set = globalThis.setInterval;
  let byLength = groups.get(set);
  if (byLength === undefined) groups.set(set, (byLength = new Map<number, TickGroup>()));
  let group = byLength.get(ms);
  if (group === undefined) byLength.set(ms, (group = new TickGroup(ms, set, globalThis.clearInterval)));
  group.members.add(member);
}

/** `member` no longer ticks every `ms` milliseconds; the interval stops with its last member. */
export function leaveTicker(ms: number, member: TickMember): void {
  for (const [set, byLength] of groups) {
    const group = byLength.get(ms);
    if (group === undefined || !group.members.delete(member)) continue;
    if (group.members.size === 0) {
      group.stop();
      byLength.delete(ms);
      if (byLength.size === 0) groups.delete(set);
    }
    return;
  }
}
