/**
 * Server push (RFC 9113 §8.4) as node:http2's `stream.pushStream()`: the promised request's
 * headers get node's defaults, PUSH_PROMISE goes out on the stream it is pushed on, and the
 * pushed stream is returned to respond on (and, in node's callback form, given to the
 * callback on the next tick). Wired as H2Stream's method; generic over the stream type, so it
 * imports nothing of h2-stream.ts.
 */
import { checkOptionKeys, UsageCodes, UsageError } from '../errors.js';
import type { HeaderInput } from '../core/index.js';
import { headerText, type HeadersInput, type IncomingHeaders, type OutgoingHeaders, sentHeaderObject, sentHeaders, toHeaderList } from './node-headers.js';
import type { StreamHost } from './stream-host.js';

/** node:http2's pushStream() options; the RFC 7540 priority ones are accepted and not sent (RFC 9113 §5.3.2 deprecates them). */
const PUSH_OPTION_KEYS: ReadonlySet<string> = new Set(['exclusive', 'parent', 'weight']);

/** node's pushStream() callback, for a stream of type `S`. */
type PushCallback<S> = (error: Error | null, pushStream: S, headers: OutgoingHeaders) => void;

/** A push's request headers with node's defaults: `:method` GET, and `:scheme`/`:authority` of the request it is pushed on. */
function withPushDefaults(list: HeaderInput[], request: IncomingHeaders | null): HeaderInput[] {
  const has = new Set<string>();
  for (const [n] of list) has.add(headerText(n));
  const defaults: HeaderInput[] = [];
  if (!has.has(':method')) defaults.push([':method', 'GET']);
  const scheme = request?.[':scheme'];
  const authority = request?.[':authority'];
  if (!has.has(':scheme') && scheme !== undefined) defaults.push([':scheme', scheme]);
  if (!has.has(':authority') && authority !== undefined) defaults.push([':authority', authority]);
  return defaults.length === 0 ? list : defaults.concat(list);
}

/**
 * Promises a push on stream `parentId`, whose request was `request`, and returns the pushed
 * stream (see `H2Stream.pushStream()` for the arguments and what it throws).
 */
export function pushStream<S>(host: StreamHost<S>, parentId: number, request: IncomingHeaders | null, requestHeaders: HeadersInput, options: { exclusive?: boolean; parent?: number; weight?: number } | PushCallback<S> | undefined, callback: PushCallback<S> | undefined): S {
  const connection = host.connection;
  if (connection.config.clientSide) throw new UsageError("pushStream() is for servers: a client receives pushes with the session's 'stream' event", UsageCodes.WRONG_SIDE);
  const done = typeof options === 'function' ? options : callback;
  checkOptionKeys('pushStream()', typeof options === 'object' ? options : {}, PUSH_OPTION_KEYS);
  const list = withPushDefaults(toHeaderList(requestHeaders, 'pushStream()'), request);
  const promisedId = connection.getNextAvailableStreamId();
  connection.pushStream(parentId, promisedId, list);
  host.scheduleFlush();
  const pushed = host.adopt(promisedId, 'pushed-out');
  if (done !== undefined) process.nextTick(done, null, pushed, sentHeaderObject(sentHeaders(requestHeaders, list)));
  return pushed;
}
