// SIGKILL at the last four crash points (intent … before the ack); see crash-suite.ts.
import { CRASH_POINTS } from '../../runtime/src/worker/crash.ts';
import { crashSuite } from './crash-suite.ts';

crashSuite(CRASH_POINTS.slice(4));
