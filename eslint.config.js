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
