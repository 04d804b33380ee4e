// SIGKILL at the first four crash points (enqueue … identity); see crash-suite.ts.
import { CRASH_POINTS } from '../../runtime/src/worker/crash.ts';
import { crashSuite } from './crash-suite.ts';

crashSuite(CRASH_POINTS.slice(0, 4));
