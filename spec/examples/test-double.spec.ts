/**
 * Runs the mocha test that examples/test-double.ts defines (importing it registers it).
 */
import '../../examples/test-double.js';
