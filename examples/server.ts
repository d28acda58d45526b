/**
 * `npm start`: the h2c server of the README (issue #5 builds it on H2Duplex).
 *
 * The adapter does not exist yet, so this prints what is missing and exits non-zero rather
 * than pretending to serve. It checks what exists: that the package's frame and HPACK layers
 * load.
 */
import { FrameReader, HpackEncoder } from '../src/index.js';

const port = Number(process.env['PORT'] ?? 8080);
new FrameReader();
new HpackEncoder();
console.error(
  [
    `h2duplex: no server on 127.0.0.1:${port} yet.`,
    'Built so far: the frame layer (src/frame/) and the HPACK layer (src/hpack/); run `npm test`.',
    'Missing: the H2Connection core (issue #4) and the H2Duplex adapter (issue #5) this server runs on.',
  ].join('\n'),
);
process.exit(1);
