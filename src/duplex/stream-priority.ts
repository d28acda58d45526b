/**
 * A client's change of a request's priority (RFC 9218): `H2Stream.setPriority()`. Sent as a
 * PRIORITY_UPDATE frame (§7.1), or, for a request still waiting for a stream slot, carried by
 * its HEADERS (`QueuedRequest.headers`); the send scheduler orders our own DATA by it too.
 */
import { type ExtensiblePriority, resolvePriority, serializePriority } from '../core/index.js';
import { UsageCodes, UsageError } from '../errors.js';
import type { Schedulable } from './send-scheduler.js';
import type { StreamHost } from './stream-host.js';

/**
 * @throws UsageError `ERR_H2_WRONG_SIDE` on a server, `ERR_H2_STREAM_CLOSED` on a closed
 *   stream; OutOfRangeError / InvalidArgumentError for a bad priority.
 */
export function updatePriority<S extends Schedulable>(host: StreamHost<S>, stream: S, closedInCore: boolean, option: Partial<ExtensiblePriority>): void {
  const connection = host.connection;
  if (!connection.config.clientSide) {
    throw new UsageError('setPriority() sends PRIORITY_UPDATE, which only a client sends (RFC 9218 §7.1): on a server, set stream.priority to change how this response is scheduled', UsageCodes.WRONG_SIDE);
  }
  const priority = resolvePriority(option);
  if (closedInCore || stream.destroyed) throw new UsageError(`setPriority(): stream ${stream.id} is closed`, UsageCodes.STREAM_CLOSED);
  host.scheduler.setPriority(stream, priority);
  if (stream.id === 0) return; // still queued: QueuedRequest puts it in the HEADERS
  connection.sendPriorityUpdate(stream.id, serializePriority(priority));
  host.scheduleFlush();
}
