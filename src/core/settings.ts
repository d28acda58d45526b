/**
 * HTTP/2 settings (RFC 9113 §6.5.2) as h2's `Settings` mapping: each setting has an
 * acknowledged value and a FIFO of pending values, so local settings take effect only when
 * the peer acknowledges them (h2 `settings.py`). Not the SETTINGS frame (frame/settings.ts).
 */
import { ErrorCodes } from '../error-codes.js';
import { InvalidArgumentError, InvalidSettingsValueError } from '../errors.js';

/** Setting identifiers. h2: `SettingCodes`. */
export enum SettingCodes {
  HEADER_TABLE_SIZE = 0x1,
  ENABLE_PUSH = 0x2,
  MAX_CONCURRENT_STREAMS = 0x3,
  INITIAL_WINDOW_SIZE = 0x4,
  MAX_FRAME_SIZE = 0x5,
  MAX_HEADER_LIST_SIZE = 0x6,
  ENABLE_CONNECT_PROTOCOL = 0x8,
  /** RFC 9218 §2.1: 1 = the sender uses no RFC 7540 priority signals (it uses RFC 9218's). */
  NO_RFC7540_PRIORITIES = 0x9,
}

/** RFC 9113 §6.9.1: the largest flow-control window. */
export const MAX_WINDOW_SIZE = 2 ** 31 - 1;
/** RFC 9113 §6.5.2: MAX_FRAME_SIZE bounds. */
export const MIN_MAX_FRAME_SIZE = 2 ** 14;
export const MAX_MAX_FRAME_SIZE = 2 ** 24 - 1;
/** h2's getter value for MAX_CONCURRENT_STREAMS when the peer never sent one ("unlimited"). */
export const UNLIMITED_CONCURRENT_STREAMS = 2 ** 32 + 1;

/** One setting's change. h2: `ChangedSetting`. */
export class ChangedSetting {
  constructor(
    readonly setting: SettingCodes | number,
    /** The value before, or `null` if the setting had none. */
    readonly originalValue: number | null,
    readonly newValue: number,
  ) {}
}

/**
 * Checks a value against its RFC range. `receivedByClient`: the value comes from a server,
 * which may only send ENABLE_PUSH=0 (RFC 9113 §6.5.2).
 * @returns the error code for an invalid value, or NO_ERROR.
 */
export function validateSetting(setting: number, value: number, receivedByClient = false): ErrorCodes {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) return ErrorCodes.PROTOCOL_ERROR;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- codes arrive as raw numbers from the wire
  switch (setting as SettingCodes) {
    case SettingCodes.ENABLE_PUSH:
      if (value !== 0 && value !== 1) return ErrorCodes.PROTOCOL_ERROR;
      if (receivedByClient && value !== 0) return ErrorCodes.PROTOCOL_ERROR;
      return ErrorCodes.NO_ERROR;
    case SettingCodes.INITIAL_WINDOW_SIZE:
      return value > MAX_WINDOW_SIZE ? ErrorCodes.FLOW_CONTROL_ERROR : ErrorCodes.NO_ERROR;
    case SettingCodes.MAX_FRAME_SIZE:
      return value < MIN_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE ? ErrorCodes.PROTOCOL_ERROR : ErrorCodes.NO_ERROR;
    case SettingCodes.ENABLE_CONNECT_PROTOCOL:
    case SettingCodes.NO_RFC7540_PRIORITIES:
      return value !== 0 && value !== 1 ? ErrorCodes.PROTOCOL_ERROR : ErrorCodes.NO_ERROR;
    default:
      return ErrorCodes.NO_ERROR;
  }
}

function check(setting: number, value: number, receivedByClient = false): void {
  const code = validateSetting(setting, value, receivedByClient);
  if (code !== ErrorCodes.NO_ERROR) throw new InvalidSettingsValueError(`Setting ${setting} has invalid value ${value}`, code);
}

/** Settings given as a Map or a plain record keyed by code. */
export type SettingsInput = ReadonlyMap<number, number> | Partial<Record<number, number>>;

/**
 * Iterates a SettingsInput as [code, value] pairs.
 * @throws InvalidArgumentError when `input` is not a Map or an object, or a key is not a
 *   setting code (0..0xffff: `{ maxConcurrentStreams: 5 }` would otherwise be sent as code 0).
 *   A bad *value* is h2's InvalidSettingsValueError, raised by {@link Settings.set}.
 */
export function settingsEntries(input: SettingsInput): Array<[number, number]> {
  const value: unknown = input;
  if (typeof value !== 'object' || value === null) throw new InvalidArgumentError('settings must be a Map or an object keyed by SettingCodes');
  const entries: Array<[unknown, unknown]> = value instanceof Map ? [...(value as Map<unknown, unknown>)] : Object.entries(value);
  const out: Array<[number, number]> = [];
  for (const [key, v] of entries) {
    const code = typeof key === 'string' && /^[0-9]+$/.test(key) ? Number(key) : key;
    if (typeof code !== 'number' || !Number.isInteger(code) || code < 0 || code > 0xffff) {
      throw new InvalidArgumentError(`settings: ${JSON.stringify(String(key))} is not a setting code (an integer 0..65535; see SettingCodes)`, 'ERR_H2_INVALID_OPTION');
    }
    if (v !== undefined) out.push([code, v as number]);
  }
  return out;
}

/**
 * Setting codes in insertion order, shared by every Settings whose codes came in the same
 * order (a server's connections all have the same few): each Settings keeps only its values.
 * Two Maps of ~290 octets each were a tenth of an idle connection's heap. Only orders of the
 * codes we know are shared, at most MAX_SHARED_LAYOUTS of them: a peer's made-up codes neither
 * fill the cache nor cost a lookup.
 */
const sharedLayouts = new Map<string, readonly number[]>();
const MAX_SHARED_LAYOUTS = 64;
/** The codes of {@link SettingCodes}. */
const KNOWN_CODES: ReadonlySet<number> = new Set(Object.values(SettingCodes).filter((v): v is number => typeof v === 'number'));
/**
 * Unknown codes {@link Settings.set} keeps (RFC 9113 §6.5.2: an unknown setting is ignored;
 * h2 keeps them all, node:http2 ten). Past it a peer's made-up codes are dropped, or each
 * SETTINGS frame would cost work and memory for every code it ever sent (each new code copies
 * the code list, and each acknowledge() walks it).
 */
const MAX_UNKNOWN_CODES = 32;

function layout(codes: number[]): readonly number[] {
  if (!codes.every((c) => KNOWN_CODES.has(c))) return codes;
  const key = codes.join(',');
  const shared = sharedLayouts.get(key);
  if (shared !== undefined) return shared;
  if (sharedLayouts.size < MAX_SHARED_LAYOUTS) sharedLayouts.set(key, codes);
  return codes;
}

/** Every Settings starts with h2's five defaults, in h2's order (it is the order of the SETTINGS frame). */
const DEFAULT_LAYOUT = layout([SettingCodes.HEADER_TABLE_SIZE, SettingCodes.ENABLE_PUSH, SettingCodes.INITIAL_WINDOW_SIZE, SettingCodes.MAX_FRAME_SIZE, SettingCodes.ENABLE_CONNECT_PROTOCOL]);

/**
 * h2's `Settings`: a mapping from setting code to its acknowledged value, with pending values
 * queued by {@link set} and made current by {@link acknowledge}.
 */
export class Settings implements Iterable<[number, number]> {
  /** The codes, in insertion order (iteration order, as h2's dict); shared, never changed in place. */
  #codes: readonly number[] = DEFAULT_LAYOUT;
  /** The acknowledged value of each code in #codes, at the same index (null if none yet). */
  readonly #values: Array<number | null>;
  /** code -> pending values, oldest first; made by the first set() and dropped once all are acknowledged (most connections hold none). */
  #pending: Map<number, number[]> | null = null;
  /** Unknown codes set() has added (see MAX_UNKNOWN_CODES). */
  #unknownCodes = 0;
  readonly #client: boolean;

  /**
   * @param client true for the settings a client sends (ENABLE_PUSH defaults to 1), false for a server's.
   * @param initialValues values that are current immediately (validated).
   */
  constructor(client = true, initialValues?: SettingsInput) {
    this.#client = client;
    this.#values = [4096, client ? 1 : 0, 65535, 16384, 0];
    if (initialValues !== undefined) {
      for (const [code, value] of settingsEntries(initialValues)) {
        check(code, value);
        this.#put(code, value);
      }
    }
  }

  /** Sets the acknowledged value of `code`, adding it at the end of the order if new. */
  #put(code: number, value: number | null): void {
    const at = this.#codes.indexOf(code);
    if (at >= 0) {
      this.#values[at] = value;
      return;
    }
    this.#codes = layout([...this.#codes, code]);
    this.#values.push(value);
  }

  /** The acknowledged value, or undefined when there is none. */
  get(code: number): number | undefined {
    const at = this.#codes.indexOf(code);
    return at < 0 ? undefined : (this.#values[at] ?? undefined);
  }

  /**
   * Queues `value` as pending; it becomes current on {@link acknowledge}. A code not in
   * {@link SettingCodes} past the 32nd such code is ignored (RFC 9113 §6.5.2).
   * @throws InvalidSettingsValueError
   */
  set(code: number, value: number): this {
    check(code, value);
    if (!this.#codes.includes(code)) {
      if (!KNOWN_CODES.has(code) && ++this.#unknownCodes > MAX_UNKNOWN_CODES) return this;
      this.#put(code, null);
    }
    const pending = (this.#pending ??= new Map<number, number[]>());
    const queue = pending.get(code);
    if (queue === undefined) pending.set(code, [value]);
    else queue.push(value);
    return this;
  }

  /** Map-like: whether `code` has a value. */
  has(code: number): boolean {
    return this.get(code) !== undefined;
  }

  /** Map-like: removes a setting and its pending values. */
  delete(code: number): boolean {
    if (this.#pending?.delete(code) === true && this.#pending.size === 0) this.#pending = null;
    const at = this.#codes.indexOf(code);
    if (at < 0) return false;
    this.#codes = layout(this.#codes.filter((c) => c !== code));
    this.#values.splice(at, 1);
    return true;
  }

  /** Map-like: how many settings have values. */
  get size(): number {
    return [...this].length;
  }

  /** Map-like: `[code, value]` pairs of the values in force. */
  *[Symbol.iterator](): Iterator<[number, number]> {
    const codes = this.#codes;
    for (let i = 0; i < codes.length; i++) {
      const v = this.#values[i];
      if (v !== null && v !== undefined) yield [codes[i] as number, v];
    }
  }

  /** Map-like: the setting codes. */
  keys(): number[] {
    return [...this].map(([k]) => k);
  }

  /** Makes the oldest pending value of each setting current; returns what changed. h2: `acknowledge()`. */
  acknowledge(): Map<number, ChangedSetting> {
    const changes = new Map<number, ChangedSetting>();
    const pending = this.#pending;
    if (pending === null) return changes;
    // In the order of the codes (h2's dict order), not of the pending map.
    const codes = this.#codes;
    for (let i = 0; i < codes.length; i++) {
      const code = codes[i] as number;
      const queue = pending.get(code);
      if (queue === undefined) continue;
      const old = this.#values[i] ?? null;
      const now = queue.shift() ?? 0;
      this.#values[i] = now;
      changes.set(code, new ChangedSetting(code, old, now));
      if (queue.length === 0) pending.delete(code);
    }
    if (pending.size === 0) this.#pending = null;
    return changes;
  }

  /**
   * Checks a value the peer sent for these (remote) settings.
   * @throws InvalidSettingsValueError with the RFC code.
   */
  validateReceivedSetting(code: number, value: number): void {
    // These are a server's settings when this object was built with client = false.
    check(code, value, !this.#client);
  }

  /** h2 `header_table_size`: SETTINGS_HEADER_TABLE_SIZE in force. */
  get headerTableSize(): number {
    return this.get(SettingCodes.HEADER_TABLE_SIZE) ?? 4096;
  }
  /** Queues a new SETTINGS_HEADER_TABLE_SIZE (pending until acknowledged when local). */
  set headerTableSize(v: number) {
    this.set(SettingCodes.HEADER_TABLE_SIZE, v);
  }
  /** h2 `enable_push`: SETTINGS_ENABLE_PUSH in force. */
  get enablePush(): number {
    return this.get(SettingCodes.ENABLE_PUSH) ?? 0;
  }
  /** Queues a new SETTINGS_ENABLE_PUSH. */
  set enablePush(v: number) {
    this.set(SettingCodes.ENABLE_PUSH, v);
  }
  /** h2 `initial_window_size`: SETTINGS_INITIAL_WINDOW_SIZE in force. */
  get initialWindowSize(): number {
    return this.get(SettingCodes.INITIAL_WINDOW_SIZE) ?? 65535;
  }
  /** Queues a new SETTINGS_INITIAL_WINDOW_SIZE. */
  set initialWindowSize(v: number) {
    this.set(SettingCodes.INITIAL_WINDOW_SIZE, v);
  }
  /** h2 `max_frame_size`: SETTINGS_MAX_FRAME_SIZE in force. */
  get maxFrameSize(): number {
    return this.get(SettingCodes.MAX_FRAME_SIZE) ?? MIN_MAX_FRAME_SIZE;
  }
  /** Queues a new SETTINGS_MAX_FRAME_SIZE. */
  set maxFrameSize(v: number) {
    this.set(SettingCodes.MAX_FRAME_SIZE, v);
  }
  /** 2^32+1 (unlimited) when the setting is absent, as in h2. */
  get maxConcurrentStreams(): number {
    return this.get(SettingCodes.MAX_CONCURRENT_STREAMS) ?? UNLIMITED_CONCURRENT_STREAMS;
  }
  /** Queues a new SETTINGS_MAX_CONCURRENT_STREAMS. */
  set maxConcurrentStreams(v: number) {
    this.set(SettingCodes.MAX_CONCURRENT_STREAMS, v);
  }
  /** `null` when the setting is absent (unlimited), as in h2. */
  get maxHeaderListSize(): number | null {
    return this.get(SettingCodes.MAX_HEADER_LIST_SIZE) ?? null;
  }
  /** `null` removes the setting (unlimited). */
  set maxHeaderListSize(v: number | null) {
    if (v === null) this.delete(SettingCodes.MAX_HEADER_LIST_SIZE);
    else this.set(SettingCodes.MAX_HEADER_LIST_SIZE, v);
  }
  /** h2 `enable_connect_protocol`: SETTINGS_ENABLE_CONNECT_PROTOCOL in force (RFC 8441). */
  get enableConnectProtocol(): number {
    return this.get(SettingCodes.ENABLE_CONNECT_PROTOCOL) ?? 0;
  }
  /** Queues a new SETTINGS_ENABLE_CONNECT_PROTOCOL. */
  set enableConnectProtocol(v: number) {
    this.set(SettingCodes.ENABLE_CONNECT_PROTOCOL, v);
  }
  /** SETTINGS_NO_RFC7540_PRIORITIES in force (RFC 9218 §2.1); 0 when never sent. */
  get noRfc7540Priorities(): number {
    return this.get(SettingCodes.NO_RFC7540_PRIORITIES) ?? 0;
  }
  /** Queues a new SETTINGS_NO_RFC7540_PRIORITIES. */
  set noRfc7540Priorities(v: number) {
    this.set(SettingCodes.NO_RFC7540_PRIORITIES, v);
  }
}
