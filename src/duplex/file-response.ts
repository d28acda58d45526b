/**
 * File responses: node:http2's `respondWithFile(path, headers?, options?)` and
 * `respondWithFD(fd | FileHandle, headers?, options?)` for an H2Stream (wired as its methods).
 *
 * As node:http2 (lib/internal/http2/core.js): the headers get `:status` 200 and `date` by
 * default; 204, 205, 304 and HEAD refuse a body; respondWithFile opens the path, fstat()s it,
 * refuses a directory, calls `statCheck(stat, headers, statOptions)` (which may change the
 * headers, or return false to send nothing), sets `content-length` for a regular file, and
 * closes the file when done (also when the stream is reset); respondWithFD never closes the
 * caller's descriptor, and calls fstat() only when there is a statCheck.
 *
 * The body goes through the stream's writable side, chunk by chunk, waiting for 'drain' when
 * write() says so: a client that reads slowly holds the server to its flow-control window
 * plus one chunk, instead of the file being read ahead into memory.
 */
import fs from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { ErrorCodes } from '../error-codes.js';
import { checkOptionKeys, describeValue, InvalidArgumentError, OutOfRangeError, UsageCodes, UsageError } from '../errors.js';
import { isNeverIndexed } from '../core/index.js';
import type { H2Stream } from './h2-stream.js';
import { headerText, type HeadersInput, type OutgoingHeaders, sensitiveHeaders, toHeaderList } from './node-headers.js';

/** The byte range statCheck may change (node's `statOptions`). */
export interface StatOptions {
  /** Where the body starts in the file. */
  offset: number;
  /** How many bytes to send; -1: to the end of the file. */
  length: number;
}

/** Options of respondWithFD(). */
export interface FdResponseOptions {
  /** Where the body starts in the file. Default 0. */
  offset?: number;
  /** How many bytes to send (fewer if the file ends first). Default: to the end of the file. */
  length?: number;
  /**
   * Called with the file's fstat() before anything is sent: may change `headers` (they are a
   * copy of the ones given) and `statOptions`, or return false to send nothing (the stream stays
   * open for another response).
   */
  statCheck?: (stat: fs.Stats, headers: OutgoingHeaders, statOptions: StatOptions) => unknown;
  /** After the last DATA, the stream emits 'wantTrailers' instead of ending: then call sendTrailers(). */
  waitForTrailers?: boolean;
  /** False: no `date` header is added (node's `sendDate`). Default true. */
  sendDate?: boolean;
  /** Accepted and ignored, as node:http2 does (it is respondWithFile's). */
  onError?: (err: Error) => void;
}

/** Options of respondWithFile(). */
export interface FileResponseOptions extends FdResponseOptions {
  /**
   * Called instead of destroying the stream when the file cannot be opened or stat()ed or is a
   * directory; the stream stays open, so it can answer (e.g. 404) itself.
   */
  onError?: (err: Error) => void;
}

/** The pieces of a response that the asynchronous steps carry along. */
interface Plan {
  headers: OutgoingHeaders;
  options: FdResponseOptions;
  /** respondWithFile: we opened the descriptor, so we close it. */
  ownsFd: boolean;
}

const OPTION_KEYS: ReadonlySet<string> = new Set(['offset', 'length', 'statCheck', 'waitForTrailers', 'sendDate', 'onError']);
/** Bytes read from the file per write: node's own pipe reads 64 KiB too. */
const CHUNK_SIZE = 64 * 1024;

/**
 * Server: respond with the contents of the file at `path` (node:http2's
 * `stream.respondWithFile`). The file is opened and stat()ed asynchronously; open and stat
 * errors, and a directory (`ERR_H2_SEND_FILE`), go to `options.onError`, or destroy the stream
 * with the error when there is none. The descriptor is closed when the body was sent, the
 * response was cancelled, or the stream ended early.
 * @throws UsageError `ERR_H2_STREAM_CLOSED` (the stream is closed), `ERR_H2_HEADERS_SENT`,
 *   `ERR_H2_WRONG_SIDE` (a client's stream), `ERR_H2_PAYLOAD_FORBIDDEN` (`:status` 204, 205,
 *   304, or a HEAD request); OutOfRangeError for a `:status` outside 200-599 or a bad
 *   offset/length; InvalidArgumentError for a bad option or header.
 */
export function respondWithFile(stream: H2Stream, path: fs.PathLike, headers?: HeadersInput | null, options: FileResponseOptions = {}): void {
  const plan = prepare(stream, 'respondWithFile()', headers, options, true);
  fs.open(path, 'r', (openError, fd) => {
    if (openError !== null) {
      fail(stream, plan, openError);
      return;
    }
    if (isClosed(stream)) {
      closeFd(fd);
      return;
    }
    fs.fstat(fd, (statError, stat) => {
      afterFileStat(stream, plan, fd, statError, stat);
    });
  });
}

/**
 * Server: respond with the contents of an open file descriptor or FileHandle (node:http2's
 * `stream.respondWithFD`). The descriptor is read from `offset` (default 0) with positioned
 * reads and is never closed: it stays the caller's. No `content-length` is set (set it in the
 * headers or in statCheck), and the file is fstat()ed only when there is a statCheck; an
 * fstat error destroys the stream.
 * @throws as {@link respondWithFile}, and InvalidArgumentError `ERR_H2_INVALID_ARG` when `fd`
 *   is neither a descriptor number nor a FileHandle.
 */
export function respondWithFD(stream: H2Stream, fd: number | FileHandle, headers?: HeadersInput | null, options: FdResponseOptions = {}): void {
  const descriptor = typeof fd === 'number' ? fd : isFileHandle(fd) ? fd.fd : null;
  if (descriptor === null || !Number.isInteger(descriptor)) {
    throw new InvalidArgumentError(`respondWithFD(): fd must be a file descriptor (an integer) or a FileHandle, not ${describeValue(fd)}`);
  }
  const plan = prepare(stream, 'respondWithFD()', headers, options, false);
  if (plan.options.statCheck === undefined) {
    start(stream, plan, descriptor, plan.options.offset ?? 0, plan.options.length ?? -1);
    return;
  }
  fs.fstat(descriptor, (statError, stat) => {
    if (statError !== null) {
      stream.destroy(statError);
      return;
    }
    if (isClosed(stream)) return;
    const range = checkStat(stream, plan, descriptor, stat);
    if (range !== null) start(stream, plan, descriptor, range.offset, range.length);
  });
}

// ---------------------------------------------------------------- the steps

/** The synchronous checks both share, in node's order; the headers as a copy with `:status` and `date`. */
function prepare(stream: H2Stream, where: string, headers: HeadersInput | null | undefined, options: FileResponseOptions, ownsFd: boolean): Plan {
  if (stream.role === 'request' || stream.role === 'pushed-in') {
    throw new UsageError(`${where} is for servers, and stream ${stream.id} is ${stream.role === 'request' ? 'a request this client sent' : 'a push this client received'}`, UsageCodes.WRONG_SIDE);
  }
  if (isClosed(stream)) {
    throw new UsageError(`${where} on stream ${stream.id}, which is closed: check stream.destroyed, or listen for 'close', before responding`, UsageCodes.STREAM_CLOSED);
  }
  if (stream.headersSent) {
    throw new UsageError(`${where} on stream ${stream.id}: the response headers were sent already; a file response replaces respond(), it does not follow it`, UsageCodes.HEADERS_SENT);
  }
  checkOptionKeys(where, options, OPTION_KEYS);
  const { offset, length, statCheck, onError } = options;
  checkRangeOption(where, 'offset', offset);
  checkRangeOption(where, 'length', length);
  if (statCheck !== undefined && typeof statCheck !== 'function') {
    throw new InvalidArgumentError(`${where}: options.statCheck must be a function, not ${describeValue(statCheck)}`, 'ERR_H2_INVALID_OPTION');
  }
  if (onError !== undefined && typeof onError !== 'function') {
    throw new InvalidArgumentError(`${where}: options.onError must be a function, not ${describeValue(onError)}`, 'ERR_H2_INVALID_OPTION');
  }
  const copy = headerObject(headers, where);
  // node: `headers[':status'] | 0 || 200`, then 200-599 only.
  const status = Number(copy[':status']) | 0 || 200;
  if (status < 200 || status > 599) {
    throw new OutOfRangeError(`${where}: :status ${String(copy[':status'])} is not a final status (200-599); send 1xx with additionalHeaders()`);
  }
  copy[':status'] = status;
  if (status === 204 || status === 205 || status === 304 || isHeadRequest(stream)) {
    const why = status === 204 || status === 205 || status === 304 ? `:status ${status} has no body` : 'a response to HEAD has no body';
    throw new UsageError(`${where} on stream ${stream.id}: ${why}; use respond(headers, { endStream: true })`, UsageCodes.PAYLOAD_FORBIDDEN);
  }
  if (options.sendDate !== false && copy.date === undefined) copy.date = new Date().toUTCString();
  // Refuse bad headers now (node refuses them once the file is open, by destroying the stream).
  toHeaderList(copy, where);
  return { headers: copy, options: { ...options }, ownsFd };
}

/** respondWithFile, once the file is open and stat()ed: node's doSendFileFD. */
function afterFileStat(stream: H2Stream, plan: Plan, fd: number, statError: Error | null, stat: fs.Stats): void {
  if (statError !== null) {
    closeFd(fd);
    fail(stream, plan, statError);
    return;
  }
  const { options } = plan;
  let offset = options.offset ?? 0;
  let length = options.length ?? -1;
  if (!stat.isFile()) {
    const directory = stat.isDirectory();
    if (directory || options.offset !== undefined || options.length !== undefined) {
      closeFd(fd);
      fail(stream, plan, directory
        ? new UsageError(`respondWithFile() on stream ${stream.id}: the path is a directory, which cannot be sent`, UsageCodes.SEND_FILE)
        : new UsageError(`respondWithFile() on stream ${stream.id}: offset and length need a regular file, and this one cannot seek`, UsageCodes.SEND_FILE_NOSEEK));
      return;
    }
    // A pipe or a device: read from where it is, to its end.
    offset = -1;
    length = -1;
  }
  if (isClosed(stream)) {
    closeFd(fd);
    return;
  }
  const range = checkStat(stream, plan, fd, stat, { offset, length });
  if (range === null) return;
  if (stat.isFile()) {
    const available = Math.max(0, stat.size - range.offset);
    range.length = range.length < 0 ? available : Math.min(available, range.length);
    setContentLength(plan.headers, range.length);
  }
  start(stream, plan, fd, range.offset, range.length);
}

/**
 * Runs statCheck: the range to send, or null when it cancelled the response (returned false, or
 * responded itself) or threw (then as a stat error). An owned descriptor is closed on null.
 */
function checkStat(stream: H2Stream, plan: Plan, fd: number, stat: fs.Stats, initial?: StatOptions): StatOptions | null {
  const statOptions: StatOptions = initial ?? { offset: plan.options.offset ?? 0, length: plan.options.length ?? -1 };
  const { statCheck } = plan.options;
  let cancelled = false;
  try {
    if (statCheck !== undefined) cancelled = statCheck.call(stream, stat, plan.headers, statOptions) === false;
  } catch (err) {
    if (plan.ownsFd) closeFd(fd);
    fail(stream, plan, err instanceof Error ? err : new Error(String(err)));
    return null;
  }
  if (cancelled || stream.headersSent || isClosed(stream)) {
    if (plan.ownsFd) closeFd(fd);
    return null;
  }
  checkRangeOption('statCheck', 'statOptions.offset', statOptions.offset);
  checkRangeOption('statCheck', 'statOptions.length', statOptions.length);
  return statOptions;
}

/**
 * Sends the headers, then the file from `offset` (-1: from where the descriptor is) for
 * `length` bytes (-1: to its end), one chunk at a time, each read only once the stream took
 * the previous one (write() returned true, or 'drain').
 */
function start(stream: H2Stream, plan: Plan, fd: number, offset: number, length: number): void {
  try {
    stream.respond(plan.headers, { waitForTrailers: plan.options.waitForTrailers === true });
  } catch (err) {
    if (plan.ownsFd) closeFd(fd);
    stream.destroy(err as Error);
    return;
  }
  let position: number | null = offset < 0 ? null : offset;
  let remaining = length < 0 ? Infinity : length;
  let reading = false;
  let done = false;

  const finish = (): void => {
    if (done) return;
    done = true;
    stream.off('drain', pump);
    stream.off('close', onClose);
    if (plan.ownsFd) closeFd(fd);
  };
  const onClose = (): void => {
    // Reset or destroyed mid-file: a read in flight finishes the job when it returns.
    if (!reading) finish();
  };
  function pump(): void {
    if (done) return;
    if (stream.destroyed) {
      finish();
      return;
    }
    if (remaining === 0) {
      finish();
      stream.end();
      return;
    }
    const size = Math.min(CHUNK_SIZE, remaining);
    const buffer = Buffer.allocUnsafe(size);
    reading = true;
    fs.read(fd, buffer, 0, size, position, (readError, bytesRead) => {
      reading = false;
      if (stream.destroyed) {
        finish();
        return;
      }
      if (readError !== null) {
        // As node: a read error resets the stream (RST_STREAM INTERNAL_ERROR).
        finish();
        stream.close(ErrorCodes.INTERNAL_ERROR);
        return;
      }
      if (bytesRead === 0) {
        // The file ended before `length` (or it was read to its end).
        finish();
        stream.end();
        return;
      }
      if (position !== null) position += bytesRead;
      remaining -= bytesRead;
      if (stream.write(bytesRead === size ? buffer : buffer.subarray(0, bytesRead))) pump();
      else stream.once('drain', pump);
    });
  }

  stream.once('close', onClose);
  pump();
}

// ---------------------------------------------------------------- helpers

/** An open or stat error: to onError (respondWithFile), else destroy the stream with it. */
function fail(stream: H2Stream, plan: Plan, err: Error): void {
  const { onError } = plan.options;
  if (plan.ownsFd && onError !== undefined) onError(err);
  else stream.destroy(err);
}

function closeFd(fd: number): void {
  fs.close(fd, () => {
    /* closing a descriptor we opened and only read: nothing to do about a failure */
  });
}

/** Nothing can be sent on it any more: destroyed, or our side already ended. */
function isClosed(stream: H2Stream): boolean {
  return stream.destroyed || stream.writableEnded;
}

function isHeadRequest(stream: H2Stream): boolean {
  return stream.headRequest;
}

function isFileHandle(value: unknown): value is FileHandle {
  return typeof value === 'object' && value !== null && typeof (value as Partial<FileHandle>).fd === 'number' && typeof (value as Partial<FileHandle>).read === 'function';
}

function checkRangeOption(where: string, name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number') throw new InvalidArgumentError(`${where}: ${name} must be a number, not ${describeValue(value)}`, 'ERR_H2_INVALID_OPTION');
  const min = name.endsWith('length') ? -1 : 0;
  if (!Number.isSafeInteger(value) || value < min) throw new OutOfRangeError(`${where}: ${name} must be an integer >= ${min}, not ${value}`);
}

/** `content-length`, replacing any spelling of it the caller gave. */
function setContentLength(headers: OutgoingHeaders, length: number): void {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === 'content-length') Reflect.deleteProperty(headers, key);
  headers['content-length'] = length;
}

/**
 * A copy of the headers as node's object form (node's processHeaders copies too), which
 * statCheck may change: an object keeps its keys and `[sensitiveHeaders]`; pairs become an
 * object with repeated fields as arrays and never-indexed fields under `[sensitiveHeaders]`.
 */
function headerObject(headers: HeadersInput | null | undefined, where: string): OutgoingHeaders {
  const copy = Object.create(null) as OutgoingHeaders;
  if (headers === undefined || headers === null) return copy;
  if (typeof headers !== 'object') throw new InvalidArgumentError(`${where}: headers must be an object or [name, value] pairs, not ${describeValue(headers)}`);
  if (!(Symbol.iterator in headers)) {
    const given = headers;
    for (const key of Object.keys(given)) copy[key] = given[key];
    const sensitive = given[sensitiveHeaders];
    if (sensitive !== undefined) copy[sensitiveHeaders] = sensitive;
    return copy;
  }
  const never: string[] = [];
  for (const pair of toHeaderList(headers, where)) {
    const name = headerText(pair[0]).toLowerCase();
    const value = headerText(pair[1]);
    if (isNeverIndexed(pair)) never.push(name);
    const existing = copy[name];
    // Only strings and arrays of them are put here.
    if (existing === undefined) copy[name] = value;
    else if (typeof existing === 'string') copy[name] = [existing, value];
    else (existing as string[]).push(value);
  }
  if (never.length > 0) copy[sensitiveHeaders] = never;
  return copy;
}

