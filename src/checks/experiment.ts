/**
 * `experiment`: the student's experiment config parses and declares how to reproduce the run (command,
 * seed) and which data it used (source, split, version); each declared data file matches its sha256.
 * Seeds: 002 (experiment configuration, data version information, reproduction instructions).
 */
import { Type } from '@sinclair/typebox';
import { InputFileError, readInputFile, resolveInside } from '../files/input-files.js';
import { sha256File } from '../files/sha256-file.js';
import type { Finding } from '../results/results-schema.js';
import { checkSpec } from './common-spec.js';
import { describeExperiment, type ExperimentFacts } from './experiment-fields.js';
import type { CheckDefinition, CheckSpecBase, GradingContext } from './types.js';
import { parseErrorFindings, parseLocated } from './yaml-locate.js';

const DEFAULT_FILE = 'experiment.yaml';

const spec = checkSpec(
  'experiment',
  'The experiment config declares command, seed and data; data files match their sha256.',
  {
    file: Type.Optional(
      Type.String({
        minLength: 1,
        description: `The student's experiment config, YAML or JSON (default ${DEFAULT_FILE}).`,
      }),
    ),
    verify_data: Type.Optional(
      Type.Boolean({
        description: 'Hash each declared data file and compare with its sha256 (default true).',
      }),
    ),
    max_data_bytes: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Largest data file hashed (default 2 GiB).' }),
    ),
  },
);

/** Options of the `experiment` check. */
export interface ExperimentSpec extends CheckSpecBase {
  file?: string;
  verify_data?: boolean;
  max_data_bytes?: number;
}

/** The `experiment` check definition. */
export const experimentCheck: CheckDefinition<ExperimentSpec> = {
  kind: 'experiment',
  description: 'The experiment config declares command, seed and data; data files match their sha256.',
  spec,
  metrics: ['fields_missing', 'data_files', 'data_files_verified', 'data_files_mismatched'],
  async run(options, context) {
    const file = options.file ?? DEFAULT_FILE;
    const findings: Finding[] = [];
    let text: string;
    try {
      const absolute = await resolveInside(context.submissionDir, file);
      text = (await readInputFile(absolute, file, { maxBytes: 1024 * 1024 })).toString('utf8');
    } catch (error) {
      if (!(error instanceof InputFileError)) throw error;
      const hint =
        'it must declare `command`, `seed` and `data` (source, split, version); see the assignment README';
      return {
        status: 'fail',
        summary: `No readable ${file}`,
        findings: [{ level: 'error', file, message: `${error.message}; ${hint}.` }],
      };
    }
    const document = parseLocated(text);
    if (document.errors.length > 0) {
      return {
        status: 'fail',
        summary: `${file} is not valid YAML/JSON`,
        findings: parseErrorFindings(file, document.errors),
      };
    }
    const facts = describeExperiment(document.value, file, document.lineOf, findings);
    const hashes =
      options.verify_data === false
        ? { verified: 0, mismatched: 0 }
        : await verifyData(facts, options, context, findings);
    const failed = findings.some((finding) => finding.level === 'error');
    return {
      status: failed ? 'fail' : 'pass',
      summary: failed
        ? `${file}: ${findings.filter((f) => f.level === 'error').length} problem(s)`
        : `${file} declares command, seed and data; ${hashes.verified} data file(s) verified`,
      metrics: {
        fields_missing: facts.fieldsMissing,
        data_files: facts.dataFiles.length,
        data_files_verified: hashes.verified,
        data_files_mismatched: hashes.mismatched,
      },
      findings,
    };
  },
};

/** Hashes every declared data file inside the submission and compares it with its declared sha256. */
async function verifyData(
  facts: ExperimentFacts,
  options: ExperimentSpec,
  context: GradingContext,
  findings: Finding[],
) {
  const maxBytes = options.max_data_bytes ?? 2 * 1024 ** 3;
  let verified = 0;
  let mismatched = 0;
  for (const data of facts.dataFiles) {
    const where = { file: facts.file, ...(data.line ? { line: data.line } : {}) };
    try {
      const absolute = await resolveInside(context.submissionDir, data.path);
      const actual = await sha256File(absolute, data.path, maxBytes);
      if (actual === data.sha256) verified++;
      else {
        mismatched++;
        findings.push({
          level: 'error',
          ...where,
          message: `${data.path} has sha256 ${actual}, but ${facts.file} declares ${data.sha256}: the data changed since it was declared; re-hash it (sha256sum ${data.path}) or restore the declared version.`,
        });
      }
    } catch (error) {
      if (!(error instanceof InputFileError)) throw error;
      findings.push({
        level: 'error',
        ...where,
        message: `${error.message} (declared as a data file in ${facts.file}).`,
      });
    }
  }
  return { verified, mismatched };
}
