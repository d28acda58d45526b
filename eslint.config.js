// typescript-eslint strict-type-checked, plus the layering of STYLE.md §2 enforced per folder.
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

/** Node stream and I/O modules only the adapter may use. */
const IO_MODULES = ['readable-stream', 'node:stream', 'stream', 'node:net', 'net', 'node:tls', 'tls', 'node:timers', 'timers', 'node:http2'];

export default defineConfig(
  { ignores: ['.bench-build/', 'dist/', 'node_modules/', 'coverage/', 'docs/api/', '**/*.cjs'] },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Template literals with numbers are how messages name values (STYLE.md §5).
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // Socket-compatible no-ops keep net.Socket's parameters for callers' types: `_name`.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // Wire format and compression know nothing of connections (STYLE.md §2).
    files: ['src/frame/**', 'src/hpack/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../core/*', '../duplex/*', '../hpack/*', '../frame/*'], paths: IO_MODULES }],
    },
  },
  {
    // The sans-IO core: no sockets, streams, timers or the adapter.
    files: ['src/core/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['../duplex/*', '../../duplex/*'], paths: IO_MODULES }] },
  },
  {
    // The adapter sees the wire format only through the core (its frame trace through
    // core/trace-decoder.ts), never the frame or HPACK layers themselves.
    files: ['src/duplex/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../frame/*', '../hpack/*'], message: 'src/duplex/ imports the core, not the layers under it (STYLE.md §2).' }] }] },
  },
  {
    // The package root exports the core and the adapter; the layers are the subpaths
    // h2duplex/frame and h2duplex/hpack (package.json "exports").
    files: ['src/index.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['./frame/*', './hpack/*'], message: 'the layers are exported from their own entry points, not from the root.' }] }] },
  },
  {
    // Plain-JS benchmark anchors (bench/anchors/*.mjs, run by `node` as they are): no tsconfig
    // covers them, so they get the rules that need no type information.
    files: ['**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // Specs use chai's property assertions (`.to.be.true`) and build odd input on purpose.
    files: ['spec/**', 'bench/**', 'examples/**'],
    rules: {
      '@typescript-eslint/no-unused-expressions': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      // expect(() => conn.sendData(…)).to.throw(…) is the idiom for asserting a throw.
      '@typescript-eslint/no-confusing-void-expression': 'off',
    },
  },
);
