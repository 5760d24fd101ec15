/**
 * `files`: the deliverables exist, are non-empty and within size limits, and the README carries the
 * sections the instructor names (e.g. "Reproduction"). Seeds: 002 (submission requirements).
 */
import { Type } from '@sinclair/typebox';
import picomatch from 'picomatch';
import { formatBytes, InputFileError, readInputFile, resolveInside } from '../files/input-files.js';
import { type SubmissionFile, walkSubmission } from '../files/walk-submission.js';
import type { Finding } from '../results/results-schema.js';
import { checkSpec } from './common-spec.js';
import { markdownSections, normaliseHeading } from './markdown-sections.js';
import type { CheckDefinition, CheckOutcome, CheckSpecBase, GradingContext } from './types.js';

const spec = checkSpec(
  'files',
  'Required files exist, are non-empty and small enough; README sections present.',
  {
    required: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: 'Paths or globs (`results/*.json`) that must each match at least one non-empty file.',
      }),
    ),
    max_file_bytes: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Largest allowed size of any file in the submission.' }),
    ),
    max_total_bytes: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Largest allowed submission size.' }),
    ),
    readme: Type.Optional(
      Type.Object(
        {
          file: Type.Optional(
            Type.String({ minLength: 1, description: 'The README path (default README.md).' }),
          ),
          sections: Type.Array(Type.String({ minLength: 1 }), {
            minItems: 1,
            description:
              'Headings that must appear (any level; case and numbering ignored), e.g. "Reproduction".',
          }),
          min_words: Type.Optional(
            Type.Integer({ minimum: 0, description: 'Words each required section must hold (default 1).' }),
          ),
        },
        { additionalProperties: false, description: 'README requirements.' },
      ),
    ),
  },
);

/** Options of the `files` check. */
export interface FilesSpec extends CheckSpecBase {
  required?: string[];
  max_file_bytes?: number;
  max_total_bytes?: number;
  readme?: { file?: string; sections: string[]; min_words?: number };
}

/** The `files` check definition. */
export const filesCheck: CheckDefinition<FilesSpec> = {
  kind: 'files',
  description: 'Required files exist, are non-empty and small enough; README sections present.',
  spec,
  metrics: ['required', 'required_missing', 'files', 'total_bytes', 'sections_missing'],
  async run(options, context) {
    const walk = await walkSubmission(context.submissionDir);
    const findings: Finding[] = [];
    if (walk.truncated) {
      findings.push({
        level: 'error',
        message: 'The submission holds over 100,000 entries; remove generated files.',
      });
    }
    for (const link of walk.links) {
      findings.push({
        level: 'warning',
        file: link,
        message: `${link} is a symbolic link and is not graded; commit the file itself.`,
      });
    }
    const missing = checkRequired(options.required ?? [], walk.files, findings);
    const totalBytes = checkSizes(options, walk.files, findings);
    const sectionsMissing = options.readme ? await checkReadme(options.readme, context, findings) : 0;
    const failed = findings.some((finding) => finding.level === 'error');
    return outcome(failed, findings, {
      required: options.required?.length ?? 0,
      required_missing: missing,
      files: walk.files.length,
      total_bytes: totalBytes,
      sections_missing: sectionsMissing,
    });
  },
};

function outcome(failed: boolean, findings: Finding[], metrics: Record<string, number>): CheckOutcome {
  const problems = findings.filter((finding) => finding.level === 'error').length;
  const summary = failed
    ? `${problems} problem${problems === 1 ? '' : 's'} with the submitted files`
    : `All ${metrics.required} required file pattern${metrics.required === 1 ? '' : 's'} present`;
  return { status: failed ? 'fail' : 'pass', summary, metrics, findings };
}

/** Each pattern must match a non-empty file; returns how many patterns are unmet. */
function checkRequired(patterns: string[], files: SubmissionFile[], findings: Finding[]): number {
  let missing = 0;
  for (const pattern of patterns) {
    const matches = picomatch(pattern, { dot: true });
    const found = files.filter((file) => matches(file.path));
    if (found.length === 0) {
      missing++;
      findings.push({
        level: 'error',
        file: pattern,
        message: `Required file ${pattern} is missing; add and commit it.`,
      });
    } else if (found.every((file) => file.size === 0)) {
      missing++;
      findings.push({
        level: 'error',
        file: found[0]!.path,
        message: `${found[0]!.path} is empty; it must have content.`,
      });
    }
  }
  return missing;
}

/** Applies the size limits; returns the submission's total size. */
function checkSizes(options: FilesSpec, files: SubmissionFile[], findings: Finding[]): number {
  let total = 0;
  for (const file of files) {
    total += file.size;
    if (options.max_file_bytes !== undefined && file.size > options.max_file_bytes) {
      findings.push({
        level: 'error',
        file: file.path,
        message: `${file.path} is ${formatBytes(file.size)}, over the ${formatBytes(options.max_file_bytes)} limit per file; remove it or store it outside git (e.g. a release asset).`,
      });
    }
  }
  if (options.max_total_bytes !== undefined && total > options.max_total_bytes) {
    findings.push({
      level: 'error',
      message: `The submission is ${formatBytes(total)}, over the ${formatBytes(options.max_total_bytes)} limit; remove data sets, checkpoints or outputs that the instructions do not ask for.`,
    });
  }
  return total;
}

/** Reports each required README section that is absent or too short; returns how many. */
async function checkReadme(
  readme: NonNullable<FilesSpec['readme']>,
  context: GradingContext,
  findings: Finding[],
) {
  const file = readme.file ?? 'README.md';
  let text: string;
  try {
    const absolute = await resolveInside(context.submissionDir, file);
    text = (await readInputFile(absolute, file, { maxBytes: 5 * 1024 * 1024 })).toString('utf8');
  } catch (error) {
    if (!(error instanceof InputFileError)) throw error;
    findings.push({
      level: 'error',
      file,
      message: `${error.message}; the README must have the sections: ${readme.sections.join(', ')}.`,
    });
    return readme.sections.length;
  }
  const sections = markdownSections(text);
  const minWords = readme.min_words ?? 1;
  let missing = 0;
  for (const wanted of readme.sections) {
    const found = sections.find((section) => normaliseHeading(section.title) === normaliseHeading(wanted));
    if (!found) {
      missing++;
      const present = sections.map((section) => `"${section.title}"`).join(', ') || 'none';
      findings.push({
        level: 'error',
        file,
        message: `${file} has no "${wanted}" section; add a heading "## ${wanted}". Headings found: ${present}.`,
      });
    } else if (found.words < minWords) {
      missing++;
      findings.push({
        level: 'error',
        file,
        line: found.line,
        message: `The "${found.title}" section has ${found.words} words; write at least ${minWords}.`,
      });
    }
  }
  return missing;
}
