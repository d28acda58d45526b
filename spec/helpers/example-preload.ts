/**
 * Preloaded (`--import`) into example programs that specs run as child processes
 * ({@link ./example-process.ts}):
 * - `import … from 'h2duplex'` (what the README's programs write, resolved by Node's package
 *   self-reference to the built `dist/`) loads `src/index.ts` instead, so the programs run the
 *   same code as every other spec, with no build step in between.
 * - The child exits when the spec process that started it goes away (its IPC channel closes),
 *   so a crashed or interrupted test run leaves no server listening behind. The channel is
 *   unref'd: it does not keep a program that has finished its work alive.
 */
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './shared.js';

const SOURCE = pathToFileURL(`${REPO_ROOT}/src/index.ts`).href;
const HOOKS = `
export async function resolve(specifier, context, nextResolve) {
  return nextResolve(specifier === 'h2duplex' ? ${JSON.stringify(SOURCE)} : specifier, context);
}
`;
register(`data:text/javascript,${encodeURIComponent(HOOKS)}`);

if (process.channel !== undefined) {
  process.channel.unref();
  process.on('disconnect', () => process.exit(0));
}
