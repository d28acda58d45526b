/**
 * node:http2's shapes for what a session says and takes, beside the core's: settings by name
 * (`{ initialWindowSize: 65535 }`) as well as by code, the `localSettings`/`remoteSettings`
 * objects, `session.state`, a request's default pseudo-headers and `endStream` (node's
 * `request()`), and the session's `setTimeout`.
 */
import { describeValue, InvalidArgumentError } from '../errors.js';
import { type H2Connection, type HeaderInput, SettingCodes, type Settings, type SettingsInput, settingsEntries } from '../core/index.js';
import { headerText } from './node-headers.js';

/** HTTP/2 settings by node:http2's names (`http2.getDefaultSettings()`'s shape). */
export interface NodeSettings {
  headerTableSize?: number;
  enablePush?: boolean;
  initialWindowSize?: number;
  maxFrameSize?: number;
  maxConcurrentStreams?: number;
  maxHeaderListSize?: number;
  /** node's alias of `maxHeaderListSize`. */
  maxHeaderSize?: number;
  enableConnectProtocol?: boolean;
  /**
   * RFC 9218 §2.1 SETTINGS_NO_RFC7540_PRIORITIES (not a node:http2 name): true tells the peer
   * we use RFC 9218 priorities, not RFC 7540's. Only in the first SETTINGS.
   */
  noRfc7540Priorities?: boolean;
  /** Settings by code, for those without a name (node's `customSettings`). */
  customSettings?: Record<number, number>;
}

/** What `settings()` and the `settings` option take: node's names, or the core's codes. */
export type SettingsArgument = NodeSettings | SettingsInput;

const CODES_BY_NAME: Readonly<Record<string, SettingCodes>> = {
  headerTableSize: SettingCodes.HEADER_TABLE_SIZE,
  enablePush: SettingCodes.ENABLE_PUSH,
  initialWindowSize: SettingCodes.INITIAL_WINDOW_SIZE,
  maxFrameSize: SettingCodes.MAX_FRAME_SIZE,
  maxConcurrentStreams: SettingCodes.MAX_CONCURRENT_STREAMS,
  maxHeaderListSize: SettingCodes.MAX_HEADER_LIST_SIZE,
  maxHeaderSize: SettingCodes.MAX_HEADER_LIST_SIZE,
  enableConnectProtocol: SettingCodes.ENABLE_CONNECT_PROTOCOL,
  noRfc7540Priorities: SettingCodes.NO_RFC7540_PRIORITIES,
};

/**
 * Settings given by node's names as the core's codes (booleans as 0/1); settings given by
 * code pass through.
 * @throws InvalidArgumentError (`ERR_H2_INVALID_OPTION`) for a name node does not have.
 */
export function toSettingsInput(settings: SettingsArgument): SettingsInput {
  if (typeof settings !== 'object' || (settings as unknown) === null || settings instanceof Map) return settings as SettingsInput;
  const keys = Object.keys(settings);
  if (keys.every((k) => /^[0-9]+$/.test(k))) return settings as SettingsInput;
  const out: Record<number, number> = {};
  for (const key of keys) {
    const value: unknown = (settings as Record<string, unknown>)[key];
    if (value === undefined) continue;
    if (key === 'customSettings') {
      Object.assign(out, value);
      continue;
    }
    const code = /^[0-9]+$/.test(key) ? Number(key) : CODES_BY_NAME[key];
    if (code === undefined) throw new InvalidArgumentError(`settings: unknown setting '${key}'; known: ${Object.keys(CODES_BY_NAME).join(', ')}, customSettings, or codes (SettingCodes)`, 'ERR_H2_INVALID_OPTION');
    out[code] = typeof value === 'boolean' ? Number(value) : (value as number);
  }
  return out;
}

/**
 * Moves what must be in the first SETTINGS frame out of `settings` and into the connection's
 * initial settings, which `initiateConnection()` sends: SETTINGS_NO_RFC7540_PRIORITIES may not
 * change after the first frame (RFC 9218 §2.1; nghttp2 answers a later one with
 * PROTOCOL_ERROR). Returns the rest, sent as a second SETTINGS frame as before. Call before
 * the connection is initiated.
 */
export function withFirstSettings(connection: H2Connection, settings: SettingsInput): SettingsInput {
  const code = SettingCodes.NO_RFC7540_PRIORITIES as number;
  const value = settings instanceof Map ? (settings as ReadonlyMap<number, number>).get(code) : (settings as Partial<Record<number, number>>)[code];
  if (value === undefined) return settings;
  // Set and acknowledged at once: the initial SETTINGS carry the values in force.
  connection.localSettings.set(code, value);
  connection.localSettings.acknowledge();
  return new Map(settingsEntries(settings).filter(([key]) => key !== code));
}

/** The settings in force, by node's names (`session.localSettings` / `remoteSettings`). */
export type SettingsInForce = Required<Omit<NodeSettings, 'customSettings' | 'noRfc7540Priorities'>>;

/** Settings in force, by node's names (`session.localSettings` / `remoteSettings`). */
export function toNodeSettings(settings: Settings): SettingsInForce {
  const maxHeaderListSize = settings.maxHeaderListSize ?? 2 ** 32 - 1;
  return {
    headerTableSize: settings.headerTableSize,
    enablePush: settings.enablePush === 1,
    initialWindowSize: settings.initialWindowSize,
    maxFrameSize: settings.maxFrameSize,
    maxConcurrentStreams: Math.min(settings.maxConcurrentStreams, 2 ** 32 - 1),
    maxHeaderListSize,
    maxHeaderSize: maxHeaderListSize,
    enableConnectProtocol: settings.enableConnectProtocol === 1,
  };
}

/**
 * node's `session.state`: the windows either way (node's `localWindowSize` is what the peer may
 * still send us), the output queued in the core and the `outputBuffered` octets after it, and
 * the next stream id a client would open (0 on a server, or when none is left).
 */
export function sessionState(connection: H2Connection, outputBuffered: number): { localWindowSize: number; remoteWindowSize: number; outboundQueueSize: number; nextStreamID: number } {
  let nextStreamID = 0;
  try {
    nextStreamID = connection.config.clientSide ? connection.getNextAvailableStreamId() : 0;
  } catch {
    // Ids exhausted or the connection closed.
  }
  return { localWindowSize: connection.inboundFlowControlWindow, remoteWindowSize: connection.outboundFlowControlWindow, outboundQueueSize: connection.outboundDataLength + outputBuffered, nextStreamID };
}

/** node's `kNoPayloadMethods`: a request with one of these ends with its headers unless told otherwise. */
const NO_PAYLOAD_METHODS: ReadonlySet<string> = new Set(['DELETE', 'GET', 'HEAD']);


/**
 * A request's headers with node's defaults for what they leave out: `:method` GET, and for
 * anything but a plain CONNECT `:scheme` and `:path` '/'; `:authority` and `:scheme` come from
 * the session's `authority` (set by `connect()`). Returns the list and the method.
 */
export function withRequestDefaults(list: HeaderInput[], authority: URL | null): { list: HeaderInput[]; method: string } {
  let method: string | undefined;
  let hasScheme = false;
  let hasAuthority = false;
  let hasPath = false;
  let hasProtocol = false;
  for (const [n, v] of list) {
    const name = headerText(n);
    if (name.charCodeAt(0) !== 0x3a) continue;
    if (name === ':method') method = headerText(v);
    else if (name === ':scheme') hasScheme = true;
    else if (name === ':authority') hasAuthority = true;
    else if (name === ':path') hasPath = true;
    else if (name === ':protocol') hasProtocol = true;
  }
  const plainConnect = method === 'CONNECT' && !hasProtocol;
  const defaults: HeaderInput[] = [];
  if (method === undefined) defaults.push([':method', (method = 'GET')]);
  if (!hasScheme && !plainConnect && authority !== null) defaults.push([':scheme', authority.protocol.slice(0, -1)]);
  if (!hasAuthority && authority !== null) defaults.push([':authority', authority.host]);
  if (!hasPath && !plainConnect) defaults.push([':path', '/']);
  return { list: defaults.length === 0 ? list : defaults.concat(list), method };
}

/** node's default for `request()`'s `endStream`: true for GET, HEAD and DELETE. */
export function endsWithHeaders(method: string): boolean {
  return NO_PAYLOAD_METHODS.has(method);
}

/**
 * node's `setTimeout(ms)` on a session: 'timeout' after `ms` without activity, re-armed by
 * the next activity. One timer, refreshed (not re-created) per activity; unref'd, as node's
 * socket timers are.
 */
export class ActivityTimer {
  #ms = 0;
  #timer: NodeJS.Timeout | null = null;
  /** The timer fired and nothing moved since: the next activity starts it again. */
  #fired = false;
  readonly #onTimeout: () => void;

  constructor(onTimeout: () => void) {
    this.#onTimeout = onTimeout;
  }

  /** Milliseconds of quiet before 'timeout'; 0 disables. */
  set(ms: number): void {
    this.stop();
    this.#ms = ms > 0 && Number.isFinite(ms) ? ms : 0;
    this.#arm();
  }

  /** Something moved: the quiet starts again. */
  touch(): void {
    if (this.#timer !== null) this.#timer.refresh();
    else if (this.#fired) this.#arm();
  }

  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #arm(): void {
    if (this.#ms === 0) return;
    this.#fired = false;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#fired = true;
      this.#onTimeout();
    }, this.#ms);
    this.#timer.unref();
  }
}

/** An origin as node:http2's `session.origin()` takes it: a string or URL, or an object with an `origin`. */
export type OriginInput = string | URL | { readonly origin: string };

/**
 * node:http2's reading of `origin()`'s arguments: a string is parsed as a URL and reduced to
 * its origin, a URL (or any object) gives its `origin`; an opaque origin (`'null'`) is refused.
 * @throws InvalidArgumentError (`ERR_H2_INVALID_ORIGIN`) for what is not an origin.
 */
export function toOrigins(origins: readonly OriginInput[]): string[] {
  return origins.map((input) => {
    let origin: unknown = input;
    if (typeof input === 'string') {
      try {
        origin = new URL(input).origin;
      } catch {
        throw new InvalidArgumentError(`origin(): ${JSON.stringify(input)} is not a URL`, 'ERR_H2_INVALID_ORIGIN');
      }
    } else if (typeof input === 'object' && (input as unknown) !== null) {
      origin = input.origin;
    }
    if (typeof origin !== 'string' || origin === 'null') {
      throw new InvalidArgumentError(`origin(): ${describeValue(input)} has no origin a client could use (an opaque origin is "null")`, 'ERR_H2_INVALID_ORIGIN');
    }
    return origin;
  });
}
