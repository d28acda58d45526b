/**
 * Preloaded (`--import`) into example programs that specs run as child processes
 * ({@link ./example-process.ts}):
 * - `import … from 'h2duplex'` (what the README's programs write, resolved by Node's package
 *   self-reference to the built `dist/`) loads `src/index.ts` instead, and the subpaths
 *   `h2duplex/frame` and `h2duplex/hpack` their layer's `index.ts`, so the programs run the
 *   same code as every other spec, with no build step in between.
 * - The child exits when the spec process that started it goes away (its IPC channel closes),
 *   so a crashed or interrupted test run leaves no server listening behind. The channel is
 *   unref'd: it does not keep a program that has finished its work alive.
 */
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './shared.js';

/** The package's entry points (package.json "exports") and the sources they are built from. */
const SOURCES: Record<string, string> = {
  h2duplex: pathToFileURL(`${REPO_ROOT}/src/index.ts`).href,
  'h2duplex/frame': pathToFileURL(`${REPO_ROOT}/src/frame/index.ts`).href,
  'h2duplex/hpack': pathToFileURL(`${REPO_ROOT}/src/hpack/index.ts`).href,
};
const HOOKS = `
const SOURCES = ${JSON.stringify(SOURCES)};
export async function resolve(specifier, context, nextResolve) {
  return nextResolve(Object.hasOwn(SOURCES, specifier) ? SOURCES[specifier] : specifier, context);
}
`;
register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);

if (process.channel !== undefined) {
  process.channel.unref();
  process.on('disconnect', () => process.exit(0));
}
