/** Reads the command and seeds that the student's experiment config declares, for `reproduce`. */

import { InputFileError, readInputFile, resolveInside } from '../files/input-files.js';
import { describeExperiment } from './experiment-fields.js';
import type { CheckOutcome } from './types.js';
import { parseErrorFindings, parseLocated } from './yaml-locate.js';

/** The declared command and seeds, or the failure to report. */
export type DeclaredRun = { file: string; command: string; seeds: number[] } | { failure: CheckOutcome };

/** Reads `file` (YAML or JSON) and returns its `command` and `seed` (a list is allowed). */
export async function readExperiment(root: string, file: string): Promise<DeclaredRun> {
  let text: string;
  try {
    text = (await readInputFile(await resolveInside(root, file), file, { maxBytes: 1024 * 1024 })).toString(
      'utf8',
    );
  } catch (error) {
    if (!(error instanceof InputFileError)) throw error;
    const message = `${error.message}; it must declare the \`command\` that reproduces your results and its \`seed\`.`;
    return {
      failure: {
        status: 'fail',
        summary: `No readable ${file}`,
        findings: [{ level: 'error', file, message }],
      },
    };
  }
  const document = parseLocated(text);
  if (document.errors.length > 0) {
    return {
      failure: {
        status: 'fail',
        summary: `${file} is not valid YAML/JSON`,
        findings: parseErrorFindings(file, document.errors),
      },
    };
  }
  const findings: NonNullable<CheckOutcome['findings']> = [];
  const facts = describeExperiment(document.value, file, document.lineOf, findings);
  if (facts.command === undefined || facts.seeds.length === 0) {
    const problems = findings.filter((finding) => /command|seed|mapping|parse/.test(finding.message));
    return {
      failure: {
        status: 'fail',
        summary: `${file} does not declare a command and a seed to re-run`,
        findings: problems,
      },
    };
  }
  return { file, command: facts.command, seeds: facts.seeds };
}
