/**
 * The placeholder of a Map made on its first write: every idle connection shares this one
 * instead of holding empty Maps of its own (~180 octets each). It refuses writes, so a code
 * path that forgot to make its own Map fails at once rather than filling a Map every
 * connection reads.
 */
class EmptyMap<K, V> extends Map<K, V> {
  override set(): this {
    throw new Error('internal error: a write to the shared empty placeholder Map (make the collection first)');
  }
}

/** The shared empty placeholder (see the module comment); cast it to the Map type it stands for. */
export const EMPTY_MAP: ReadonlyMap<never, never> = new EmptyMap<never, never>();
