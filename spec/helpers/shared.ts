/**
 * Where the team's shared reference material lives: `../shared` beside the repository
 * (CI lays it there), or `$H2DUPLEX_SHARED`.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (also from the benchmarks' compiled copy in `.bench-build/spec/helpers/`). */
export const REPO_ROOT = ((): string => {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  return basename(root) === '.bench-build' ? dirname(root) : root;
})();

/** The shared folder, or null when it is not there. */
export const SHARED_DIR: string | null = (() => {
  const dir = process.env['H2DUPLEX_SHARED'] ?? resolve(REPO_ROOT, '..', 'shared');
  return existsSync(dir) ? dir : null;
})();
