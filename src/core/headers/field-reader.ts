/**
 * How the header rules read a field: received blocks are [name, value] pairs, blocks we send
 * are the encoder's field objects. The rules read either in place: copying one shape into the
 * other to check it was an array and an object per field of every block.
 */
export interface FieldReader<F> {
  name(field: F): string;
  value(field: F): string;
}

/** Reads a received block's [name, value] pairs. */
export const PAIRS: FieldReader<readonly [string, string]> = { name: (f) => f[0], value: (f) => f[1] };

/** Reads field objects (`{ name, value }`: the blocks we send). */
export const FIELDS: FieldReader<{ readonly name: string; readonly value: string }> = { name: (f) => f.name, value: (f) => f.value };
