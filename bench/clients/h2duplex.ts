/**
 * The client benchmarks' load client on h2duplex (./program.ts is the program; this file
 * and ./node-http2.ts differ only in the import of `connect`).
 */
import { connect } from '../../src/index.js';
import { main } from './program.js';

await main(connect);
