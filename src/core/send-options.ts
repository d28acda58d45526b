/**
 * The options objects of H2Connection's actions: h2's keyword arguments, camelCased, with the checks that reject an unknown key (a misspelt or snake_case one, such as h2's
 * `end_stream`, throws instead of being ignored) and turn priority options into frame fields.
 */
import { checkOptionKeys, ProtocolError } from '../errors.js';
import { keysOf } from './config.js';

/** Options of {@link H2Connection.sendHeaders}. */
export interface SendHeadersOptions {
  endStream?: boolean;
  priorityWeight?: number;
  priorityDependsOn?: number;
  priorityExclusive?: boolean;
}

/** Options of {@link H2Connection.sendData}. */
export interface SendDataOptions {
  endStream?: boolean;
  padLength?: number;
  /**
   * Extension (not in h2): keep `data` by reference instead of copying it into the output
   * (payloads of at least 4 KiB). The caller must not modify `data` until its bytes have been
   * taken with {@link H2Connection.dataToSendChunks}, which returns them as their own chunks;
   * {@link H2Connection.dataToSend} joins, and so copies them. H2Duplex uses it when it writes
   * to a socket directly.
   */
  zeroCopy?: boolean;
}

/** Options of {@link H2Connection.closeConnection}. */
export interface CloseConnectionOptions {
  /** GOAWAY debug data. */
  additionalData?: Uint8Array;
  /** Default: the highest stream the peer opened. */
  lastStreamId?: number;
}

/** Options of {@link H2Connection.advertiseAlternativeService}: one of the two. */
export interface AltSvcOptions {
  origin?: string | Uint8Array;
  streamId?: number;
}

/** Options of {@link H2Connection.prioritize}. */
export interface PrioritizeOptions {
  weight?: number;
  dependsOn?: number;
  exclusive?: boolean;
}

// Known option keys: a misspelt or snake_case key (h2's `end_stream`) throws instead of being ignored.
export const SEND_HEADERS_KEYS = keysOf<SendHeadersOptions>({ endStream: null, priorityWeight: null, priorityDependsOn: null, priorityExclusive: null });
export const SEND_DATA_KEYS = keysOf<SendDataOptions>({ endStream: null, padLength: null, zeroCopy: null });
export const CLOSE_CONNECTION_KEYS = keysOf<CloseConnectionOptions>({ additionalData: null, lastStreamId: null });
export const ALTSVC_KEYS = keysOf<AltSvcOptions>({ origin: null, streamId: null });
export const PRIORITIZE_KEYS = keysOf<PrioritizeOptions>({ weight: null, dependsOn: null, exclusive: null });

/**
 * checkOptionKeys for sendData, which runs per DATA frame: the keys are compared inline (about
 * 2 ns for a one- or two-key literal; a Set lookup costs about 10).
 */
export function checkSendDataOptions(options: SendDataOptions): void {
  if (typeof options !== 'object' || (options as unknown) === null) checkOptionKeys('sendData', options, SEND_DATA_KEYS);
  for (const key in options) {
    if (key !== 'endStream' && key !== 'zeroCopy' && key !== 'padLength') checkOptionKeys('sendData', options, SEND_DATA_KEYS);
  }
}

/** Priority options as PRIORITY/HEADERS fields (weight 1..256 sent as 0..255). @throws ProtocolError for a weight out of range or a self-dependency. */
export function priorityFields(streamId: number, weight = 16, dependsOn = 0, exclusive = false): { weight: number; dependsOn: number; exclusive: boolean } {
  if (!Number.isInteger(weight) || weight < 1 || weight > 256) throw new ProtocolError(`Weight must be between 1 and 256, not ${weight}`);
  if (dependsOn === streamId) throw new ProtocolError(`Stream ${streamId} must not depend on itself`);
  return { weight: weight - 1, dependsOn, exclusive };
}
