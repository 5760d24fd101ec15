/**
 * `npm run demo`: grades every example submission under examples/submissions/ with the example
 * course config through the same code path as `mlgrade grade`, then prints a one-line summary per
 * submission. Exits non-zero only if a submission could not be graded at all.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { processIO } from '../src/cli/cli-io.js';
import { type GradeOutput, gradeCommand } from '../src/cli/grade-command.js';
import { main } from '../src/cli/main.js';
import { packageRoot } from '../src/package-root.js';

const root = packageRoot();
const config = path.join(root, 'examples', 'course', 'mlgrade.yml');
const submissionsDir = path.join(root, 'examples', 'submissions');

async function demo(): Promise<number> {
  const io = processIO();
  const relative = (file: string) => path.relative(process.cwd(), file) || '.';
  io.stdout(`$ mlgrade validate ${relative(config)}\n`);
  if ((await main(['validate', config], io)) !== 0) return 2;

  const summary: string[] = [];
  let worst = 0;
  for (const name of (await readdir(submissionsDir)).sort()) {
    const submission = path.join(submissionsDir, name);
    io.stdout(`\n$ mlgrade grade ${relative(submission)} --config ${relative(config)}\n\n`);
    let graded: GradeOutput | undefined;
    const code = await gradeCommand([submission, '--config', config], io, (output) => {
      graded = output;
    });
    worst = Math.max(worst, code);
    summary.push(describe(name, code, graded));
  }
  io.stdout(`\nSummary\n${summary.join('\n')}\n`);
  return worst >= 2 ? worst : 0;
}

function describe(name: string, code: number, graded: GradeOutput | undefined): string {
  if (!graded) return `  ${name.padEnd(29)} not graded (exit ${code})`;
  const passed = graded.results.checks.filter((check) => check.status === 'pass').length;
  const { score } = graded;
  const pending = score.pendingPoints > 0 ? `, ${score.pendingPoints} pending` : '';
  return `  ${name.padEnd(29)} ${graded.assignment.id.padEnd(27)} checks ${passed}/${graded.results.checks.length} passed   ${score.points}/${score.maxPoints} points${pending}   exit ${code}`;
}

process.exitCode = await demo();
