/**
 * Flow-control windows (RFC 9113 §5.2, §6.9). h2 `windows.py`.
 *
 * {@link WindowManager} tracks an *inbound* window (what the peer may still send us) and
 * decides when consumed bytes are worth a WINDOW_UPDATE. {@link guardIncrementWindow} checks
 * an *outbound* window increase for overflow.
 */
import { FlowControlError } from '../errors.js';
import { MAX_WINDOW_SIZE } from './settings.js';

/**
 * Adds `increment` to an outbound window. Windows are signed: a SETTINGS_INITIAL_WINDOW_SIZE
 * change can make one negative (§6.9.2).
 * @throws FlowControlError past 2^31-1 (RFC 9113 §6.9.1): of stream scope when `streamId` is
 *   given (a WINDOW_UPDATE on a stream: a stream error), else of connection scope.
 */
export function guardIncrementWindow(current: number, increment: number, streamId?: number): number {
  const next = current + increment;
  if (next > MAX_WINDOW_SIZE) {
    if (streamId === undefined) throw new FlowControlError(`May not increment flow control window past ${MAX_WINDOW_SIZE}`);
    throw new FlowControlError(`WINDOW_UPDATE of ${increment} would take the window of stream ${streamId} from ${current} past ${MAX_WINDOW_SIZE}`, { streamId, scope: 'stream' });
  }
  return next;
}

/** One inbound window and its automatic WINDOW_UPDATE rule. h2: `WindowManager`. */
export class WindowManager {
  /** The largest the window has been: the target the auto-update refills towards. */
  maxWindowSize: number;
  /** What the peer may still send. Signed: may go negative after a SETTINGS change (§6.9.2). */
  currentWindowSize: number;
  /** Bytes the application has processed and not yet handed back. */
  #bytesProcessed = 0;

  constructor(maxWindowSize: number) {
    this.maxWindowSize = maxWindowSize;
    this.currentWindowSize = maxWindowSize;
  }

  /** The peer sent `size` flow-controlled octets. @throws FlowControlError if the window goes below 0. */
  windowConsumed(size: number): void {
    this.currentWindowSize -= size;
    if (this.currentWindowSize < 0) throw new FlowControlError('Flow control window shrunk below 0');
  }

  /** We granted `size` more octets. @throws FlowControlError past 2^31-1. */
  windowOpened(size: number): void {
    this.currentWindowSize += size;
    if (this.currentWindowSize > MAX_WINDOW_SIZE) {
      throw new FlowControlError(`Flow control window mustn't exceed ${MAX_WINDOW_SIZE}`);
    }
    if (this.currentWindowSize > this.maxWindowSize) this.maxWindowSize = this.currentWindowSize;
  }

  /**
   * The application processed `size` octets. Returns the increment to send now (0: none).
   *
   * h2's heuristic: send once at least half the window has been processed, or once the window
   * is fully closed and more than min(1024, window/4) octets wait, so a peer is never stuck;
   * never grant past the largest window (so never more than was received).
   */
  processBytes(size: number): number {
    this.#bytesProcessed += size;
    if (this.#bytesProcessed === 0) return 0;
    const maxIncrement = this.maxWindowSize - this.currentWindowSize;
    let increment = 0;
    if (
      (this.currentWindowSize === 0 && this.#bytesProcessed > Math.min(1024, Math.floor(this.maxWindowSize / 4))) ||
      this.#bytesProcessed >= Math.floor(this.maxWindowSize / 2)
    ) {
      increment = Math.min(this.#bytesProcessed, maxIncrement);
      this.#bytesProcessed = 0;
    }
    this.currentWindowSize += increment;
    return increment;
  }
}
