/**
 * Whether bubblewrap creates a sandbox on the machine running the tests, asked of bwrap itself
 * (not of the code under test). CI runs the suite twice: with bubblewrap, and in a bare
 * environment where bwrap is hidden; tests of what the grader reports about its host expect the
 * answer that matches.
 */
import { spawnSync } from 'node:child_process';

let answer: boolean | undefined;

/** True when `bwrap --ro-bind / / true` exits 0 here. */
export function bubblewrapWorksHere(): boolean {
  answer ??=
    spawnSync('bwrap', ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', 'true'], {
      stdio: 'ignore',
      timeout: 10_000,
    }).status === 0;
  return answer;
}
