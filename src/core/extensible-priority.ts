/**
 * RFC 9218 Extensible Priorities: the `priority` field's value (§4) as urgency and incremental,
 * read with the `structured-headers` library (RFC 8941/9651 Structured Field Values) rather
 * than by hand. Used for the `priority` request header and for PRIORITY_UPDATE frames alike.
 */
import { type Dictionary, parseDictionary } from 'structured-headers';
import { describeValue, InvalidArgumentError, OutOfRangeError } from '../errors.js';
import { toOctetString } from './headers/normalize.js';

/** The two RFC 9218 parameters, resolved to their values. */
export interface ExtensiblePriority {
  /** `u`: 0 (most urgent) to 7 (least); 3 when absent (RFC 9218 §4.1). */
  readonly urgency: number;
  /** `i`: the response is useful in pieces and may share the connection; false when absent (§4.2). */
  readonly incremental: boolean;
}

/** RFC 9218 §4.1: urgency when the field or its `u` member is absent or invalid. */
export const DEFAULT_URGENCY = 3;
/** RFC 9218 §4.1: the urgency range. */
export const MAX_URGENCY = 7;

/** The priority of a stream that sent no signal (RFC 9218 §4). */
export const DEFAULT_PRIORITY: ExtensiblePriority = Object.freeze({ urgency: DEFAULT_URGENCY, incremental: false });

/**
 * Reads a `priority` field value (RFC 9218 §4). A value that is not a Structured Fields
 * Dictionary is ignored as a whole; a `u` that is not an integer 0..7, or an `i` that is not a
 * boolean, is ignored as a member; other members are ignored (§4: "unknown parameters").
 */
export function parsePriorityField(value: string | Uint8Array): ExtensiblePriority {
  const text = typeof value === 'string' ? value : toOctetString(value);
  let dictionary: Dictionary;
  try {
    dictionary = parseDictionary(text);
  } catch {
    return DEFAULT_PRIORITY;
  }
  // Read as unknown: a bare item's type names DOM types (BufferSource) this project does not load.
  const u: unknown = dictionary.get('u')?.[0];
  const i: unknown = dictionary.get('i')?.[0];
  const urgency = typeof u === 'number' && Number.isInteger(u) && u >= 0 && u <= MAX_URGENCY ? u : DEFAULT_URGENCY;
  const incremental = typeof i === 'boolean' ? i : false;
  return urgency === DEFAULT_URGENCY && !incremental ? DEFAULT_PRIORITY : { urgency, incremental };
}

/**
 * The `priority` field value for a priority (RFC 9218 §4): `u=1, i`, `u=5`, `u=3`. The urgency
 * is always written (a receiver that treats an unsignalled stream apart from an explicit
 * `u=3` sees that one was given); `i` only when true, as §4.2 allows.
 * @throws OutOfRangeError for an urgency that is not an integer 0..7; InvalidArgumentError for
 *   an `incremental` that is not a boolean.
 */
export function serializePriority(priority: Partial<ExtensiblePriority>): string {
  checkPriority(priority);
  const urgency = priority.urgency ?? DEFAULT_URGENCY;
  return priority.incremental === true ? `u=${urgency}, i` : `u=${urgency}`;
}

/**
 * Checks a priority given by the application (`{ urgency?, incremental? }`).
 * @throws OutOfRangeError, InvalidArgumentError as {@link serializePriority} does.
 */
export function checkPriority(priority: Partial<ExtensiblePriority>): void {
  if (typeof priority !== 'object' || (priority as unknown) === null) throw new InvalidArgumentError(`a priority is an object { urgency?, incremental? }, not ${describeValue(priority)}`);
  const { urgency, incremental } = priority;
  if (urgency !== undefined && (!Number.isInteger(urgency) || urgency < 0 || urgency > MAX_URGENCY)) {
    throw new OutOfRangeError(`priority urgency must be an integer 0..7 (RFC 9218 §4.1), not ${describeValue(urgency)}`);
  }
  if (incremental !== undefined && typeof incremental !== 'boolean') {
    throw new InvalidArgumentError(`priority incremental must be a boolean (RFC 9218 §4.2), not ${describeValue(incremental)}`);
  }
}

/** A priority given by the application with its defaults filled in. @throws as {@link checkPriority}. */
export function resolvePriority(priority: Partial<ExtensiblePriority>): ExtensiblePriority {
  checkPriority(priority);
  const urgency = priority.urgency ?? DEFAULT_URGENCY;
  const incremental = priority.incremental ?? false;
  return urgency === DEFAULT_URGENCY && !incremental ? DEFAULT_PRIORITY : { urgency, incremental };
}
