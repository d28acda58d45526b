/**
 * The benchmarks measure our servers compiled as a user deploys them: `tsc -p
 * tsconfig.bench.json` into .bench-build/, run with plain `node`. Under tsx every arrow
 * function carries a dictionary `name` property (esbuild's keepNames), which inflated our
 * per-connection memory by ~3 KiB, a cost compiled code does not have.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../spec/helpers/shared.js';

/** Compiles the bench server, the memory probe and the core loop; returns their paths. */
export function compileBenchServer(): { server: string; probe: string; core: string } {
  execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(REPO_ROOT, 'tsconfig.bench.json')], { stdio: 'inherit' });
  const build = join(REPO_ROOT, '.bench-build', 'bench');
  return { server: join(build, 'bench-server.js'), probe: join(build, 'memory-probe.js'), core: join(build, 'core.bench.js') };
}
