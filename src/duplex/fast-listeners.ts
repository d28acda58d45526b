/**
 * Fast-mode listener storage for our Duplexes. readable-stream's EventEmitter starts `_events`
 * as `{ __proto__: null }`, which V8 keeps in dictionary mode: ~550 octets for a handful of
 * listeners, on every H2Duplex and every H2Stream. An instance of a constructor whose
 * prototype has no prototype itself keeps fast properties (its keys share hidden classes across
 * instances), ~100 octets, and still finds nothing under 'toString' and the like. node's own
 * streams do the same with pre-shaped objects.
 */

/** The listener holder: no own keys, nothing inherited. */
const Listeners = function Listeners(): void {
  /* no own keys */
} as unknown as new () => Record<string | symbol, unknown>;
(Listeners as unknown as { prototype: object }).prototype = Object.create(null) as object;

/** Moves `emitter`'s listeners (usually none yet) into a fast-mode holder; call right after `super()`. */
export function useFastListeners(emitter: object): void {
  const target = emitter as { _events?: Record<string | symbol, unknown> };
  const before = target._events;
  const events = new Listeners();
  if (before !== undefined) for (const key of Reflect.ownKeys(before)) events[key] = before[key];
  target._events = events;
}
