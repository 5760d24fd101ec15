/**
 * The action's entry (bundled to dist/index.cjs). Do not add any logic to this file: it only starts
 * the runner, so that tests can run the runner without side effects at import.
 */
import { run } from './runner.js';

void run();
