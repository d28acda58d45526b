/**
 * The drop-in programs of spec/dropin/programs/ are node:http2 programs (node's documented
 * examples). Each is run twice: as written, and with its one `import … from 'node:http2'`
 * line importing 'h2duplex' instead (which the example preload resolves to src/index.ts).
 * Both variants are generated into a temporary folder, so the two copies the runner executes
 * come from one source and can be compared line by line.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/shared.js';

/** Which HTTP/2 module a variant imports. */
export type Impl = 'node' | 'ours';

/** The module specifier each variant imports. */
export const SPECIFIERS: Record<Impl, string> = { node: 'node:http2', ours: 'h2duplex' };

/** Where the programs' sources are. */
export const PROGRAM_DIR = join(REPO_ROOT, 'spec', 'dropin', 'programs');

/** The import line of a program: `import { a, b } from 'node:http2';` (exactly one per program). */
const IMPORT_LINE = /^import \{ ([\w, ]+) \} from '(node:http2)';$/;

/** The names a program imports from node:http2, and the index of its import line. */
export function importLine(source: string): { index: number; names: string[] } {
  const lines = source.split('\n');
  const indexes = lines.flatMap((line, i) => (IMPORT_LINE.test(line) ? [i] : []));
  if (indexes.length !== 1) throw new Error(`expected one "import { … } from 'node:http2';" line, found ${indexes.length}`);
  const index = indexes[0] ?? 0;
  const names = (IMPORT_LINE.exec(lines[index] ?? '')?.[1] ?? '').split(',').map((n) => n.trim());
  return { index, names };
}

/** `source` importing from `impl`'s module: only the specifier of its import line changes. */
export function variantOf(source: string, impl: Impl): string {
  const { index } = importLine(source);
  const lines = source.split('\n');
  lines[index] = (lines[index] ?? '').replace(`'node:http2'`, `'${SPECIFIERS[impl]}'`);
  return lines.join('\n');
}

/** The generated variants: `path(impl, name)` is the file to run. */
export interface Variants {
  /** The temporary folder; its tsconfig.json type-checks the `ours/` variants against src/. */
  readonly dir: string;
  /** Program names (file names without `.ts`). */
  readonly names: string[];
  /** The generated file of program `name` for `impl` (absolute). */
  path(impl: Impl, name: string): string;
  /** Removes the temporary folder. */
  remove(): void;
}

/**
 * Writes every program of {@link PROGRAM_DIR} twice into a new temporary folder, `node/` and
 * `ours/`, each with a package.json that makes `.ts` files ES modules (as in this repository),
 * and a tsconfig.json beside them.
 */
export function generateVariants(): Variants {
  const dir = mkdtempSync(join(tmpdir(), 'h2duplex-dropin-'));
  const names = readdirSync(PROGRAM_DIR)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => f.slice(0, -3))
    .sort();
  for (const impl of ['node', 'ours'] as const) {
    mkdirSync(join(dir, impl));
    writeFileSync(join(dir, impl, 'package.json'), '{ "type": "module" }\n');
    for (const name of names) {
      writeFileSync(join(dir, impl, `${name}.ts`), variantOf(readFileSync(join(PROGRAM_DIR, `${name}.ts`), 'utf8'), impl));
    }
  }
  // The repository's compiler options (and its `paths` entry mapping 'h2duplex' to
  // src/index.ts), for files outside the repository.
  const tsconfig = {
    extends: join(REPO_ROOT, 'tsconfig.json'),
    compilerOptions: { rootDir: '/', typeRoots: [join(REPO_ROOT, 'node_modules', '@types')], types: ['node'] },
    include: ['ours/*.ts'],
  };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2) + '\n');
  return {
    dir,
    names,
    path: (impl, name) => join(dir, impl, `${name}.ts`),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
