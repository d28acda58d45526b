/**
 * node:http2's session options, read for an H2Duplex: which of them we honour and under which
 * of our names, which we accept without effect, and what is left for `net`/`tls`.
 *
 * Shared by `connect()` and the servers. H2Duplex's own options pass through under their own
 * names (`settings` takes node's object, `{ initialWindowSize, … }`, as H2Duplex does), except
 * `maxSessionMemory`, which is in megabytes (node's unit), not octets.
 */
import { InvalidArgumentError, describeValue } from '../errors.js';
import { H2Configuration, type H2ConfigurationOptions } from '../core/index.js';
import type { H2DuplexOptions } from '../duplex/index.js';

/**
 * The node:http2 session options both `connect()` and the servers take, besides H2Duplex's
 * own (which pass through under their own names).
 */
export interface Http2SessionOptions extends Omit<H2DuplexOptions, 'maxSessionMemory' | 'upgrade' | 'authority'> {
  /** Megabytes the session may hold (node's unit; H2Duplex's option of the same name counts octets). Default 10. */
  maxSessionMemory?: number;
  /** Fields in one received header block (`config.maxHeaderListPairs`). Default 128. */
  maxHeaderListPairs?: number;
  /** Our PINGs awaiting their ACK (`config.maxOutstandingPings`). Default 10. */
  maxOutstandingPings?: number;
  /** Our SETTINGS awaiting their ACK (`config.maxOutstandingSettings`). Default 10. */
  maxOutstandingSettings?: number;
  /** Entries in one received SETTINGS frame (`config.maxSettingsEntries`). Default 32. */
  maxSettings?: number;
  /** Consecutive refused streams before GOAWAY (`config.maxRefusedStreams`). Default 100. */
  maxSessionRejectedStreams?: number;
  /** Accepted and ignored: our HPACK encoder's table follows the peer's SETTINGS_HEADER_TABLE_SIZE. */
  maxDeflateDynamicTableSize?: number;
  /** Accepted and ignored: pushed streams are bounded by our SETTINGS_MAX_CONCURRENT_STREAMS. */
  maxReservedRemoteStreams?: number;
  /** Accepted and ignored: header blocks are split into CONTINUATION frames as needed. */
  maxSendHeaderBlockLength?: number;
  /** Accepted and ignored: we send no padding. */
  paddingStrategy?: number;
  /** Accepted and ignored: until the peer's SETTINGS arrive its concurrency is unlimited. */
  peerMaxConcurrentStreams?: number;
  /** Accepted and ignored: invalid frames are counted by `config.glitchRateLimit` instead. */
  maxSessionInvalidFrames?: number;
  /** Accepted and ignored: unknown settings are kept by the core without being listed. */
  remoteCustomSettings?: number[];
}

/** node:http2 options that map onto the core's configuration. */
const CONFIG_NAMES: ReadonlyArray<[keyof Http2SessionOptions, keyof H2ConfigurationOptions]> = [
  ['maxHeaderListPairs', 'maxHeaderListPairs'],
  ['maxOutstandingPings', 'maxOutstandingPings'],
  ['maxOutstandingSettings', 'maxOutstandingSettings'],
  ['maxSettings', 'maxSettingsEntries'],
  ['maxSessionRejectedStreams', 'maxRefusedStreams'],
];

/** node:http2 session options, honoured or ignored: none of them is handed to `net`/`tls`. */
const SESSION_NAMES: ReadonlySet<string> = new Set([
  'maxDeflateDynamicTableSize', 'maxReservedRemoteStreams', 'maxSendHeaderBlockLength', 'paddingStrategy', 'selectPadding',
  'peerMaxConcurrentStreams', 'maxSessionInvalidFrames', 'remoteCustomSettings', 'maxHeaderListPairs', 'maxOutstandingPings',
  'maxOutstandingSettings', 'maxSettings', 'maxSessionRejectedStreams',
]);

/**
 * Every key of H2DuplexOptions that passes through as it is. The mapped type makes a new
 * H2Duplex option a compile error here until it is listed (or handled above).
 */
const DUPLEX_KEYS: { readonly [K in keyof H2DuplexOptions]-?: boolean } = {
  config: false, // merged with the node:http2 names above
  settings: true, // node's object or SettingCodes: H2Duplex takes both
  maxSessionMemory: false, // megabytes converted
  upgrade: false, // the h2c path sets it, never the user
  authority: false, // connect() sets it from its argument
  connectionWindowSize: true,
  streamHighWaterMark: true,
  highWaterMark: true,
  ackTimeout: true,
  prefaceTimeout: true,
  settingsAckTimeout: true,
  headerBlockTimeout: true,
  idleTimeout: true,
  goawayCloseTimeout: true,
  maxStreamsPerConnection: true,
  streamIdleTimeout: true,
  maxPendingResetStreams: true,
  smallDataFrameRateLimit: true,
  trace: true,
  noDelay: true,
  origins: true, // node's server option: an ORIGIN frame after SETTINGS
};

const MEGABYTE = 1024 * 1024;

/** What {@link splitSessionOptions} found in a node:http2 options object. */
export interface SplitOptions {
  /** The H2Duplex options of one session (the role is set by the caller). */
  duplex: H2DuplexOptions;
  /** Everything else: `net`/`tls` options, and the caller's own (`allowHTTP1`, `createConnection`, …). */
  rest: Record<string, unknown>;
}

/**
 * Sorts node:http2 `options` into the H2Duplex options of a session on the `clientSide` (the
 * role is forced) and the rest. Node's default of no idle timeout applies: `idleTimeout` is 0
 * unless given.
 * @throws InvalidArgumentError (`ERR_H2_INVALID_OPTION`) for an H2Configuration of the other
 *   role, or one combined with node's configuration names.
 */
export function splitSessionOptions(options: Http2SessionOptions & Record<string, unknown>, clientSide: boolean): SplitOptions {
  const duplex: Record<string, unknown> = { idleTimeout: 0 };
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (Object.hasOwn(DUPLEX_KEYS, key)) {
      if (DUPLEX_KEYS[key as keyof H2DuplexOptions]) duplex[key] = value;
    } else if (!SESSION_NAMES.has(key)) rest[key] = value;
  }
  if (options.maxSessionMemory !== undefined) {
    const megabytes = options.maxSessionMemory;
    if (typeof megabytes !== 'number' || !(megabytes > 0)) throw new InvalidArgumentError(`maxSessionMemory is megabytes (a number > 0), not ${describeValue(megabytes)}`, 'ERR_H2_INVALID_OPTION');
    duplex['maxSessionMemory'] = megabytes * MEGABYTE;
  }
  duplex['config'] = sessionConfig(options, clientSide);
  return { duplex, rest };
}

/** The core's configuration: `config` with the role and node's configuration names applied. */
function sessionConfig(options: Http2SessionOptions, clientSide: boolean): H2Configuration | H2ConfigurationOptions {
  const given = options.config;
  const named: Partial<Record<keyof H2ConfigurationOptions, unknown>> = {};
  for (const [nodeName, ourName] of CONFIG_NAMES) if (options[nodeName] !== undefined) named[ourName] = options[nodeName];
  if (given instanceof H2Configuration) {
    if (given.clientSide !== clientSide) {
      throw new InvalidArgumentError(`config: an H2Configuration with clientSide ${String(given.clientSide)} cannot serve a ${clientSide ? 'client' : 'server'} session`, 'ERR_H2_INVALID_OPTION');
    }
    if (Object.keys(named).length > 0) {
      throw new InvalidArgumentError(`config: with an H2Configuration, give ${Object.keys(named).join(', ')} in it, not as node:http2 options`, 'ERR_H2_INVALID_OPTION');
    }
    return given;
  }
  return { ...given, ...(named as H2ConfigurationOptions), clientSide };
}
