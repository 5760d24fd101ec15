/**
 * `training`: a training log shows a run that converged. The final smoothed loss must fall below a
 * fraction of the initial one, no loss may be NaN or infinite, validation loss rising while the
 * training loss keeps falling is flagged as overfitting, and the checkpoint files must exist.
 * Seeds: 000 (Milestone 3: training curves showing convergence, checkpointing, overfitting analysis).
 */
import { type Static, Type } from '@sinclair/typebox';
import picomatch from 'picomatch';
import { InputFileError, readInputFile, resolveInside } from '../files/input-files.js';
import { walkSubmission } from '../files/walk-submission.js';
import type { Finding } from '../results/results-schema.js';
import { checkSpec } from './common-spec.js';
import { judgeTraining, type TrainingVerdict } from './training-judge.js';
import { parseTrainingLog } from './training-log.js';
import type { CheckDefinition, CheckOutcome } from './types.js';

const DESCRIPTION =
  'A training log converges (smoothed loss falls, no NaN/Inf), overfitting flagged, checkpoints present.';
const DEFAULT_LOG = 'logs/train.csv';

const spec = checkSpec('training', DESCRIPTION, {
  log: Type.Optional(
    Type.String({
      minLength: 1,
      description: `Training log, CSV (step,loss[,val_loss,val_accuracy]) or JSONL (default ${DEFAULT_LOG}).`,
    }),
  ),
  format: Type.Optional(
    Type.Union([Type.Literal('csv'), Type.Literal('jsonl'), Type.Literal('auto')], {
      description: 'csv, jsonl, or auto (default: by extension, .jsonl/.ndjson → jsonl).',
    }),
  ),
  converge_ratio: Type.Optional(
    Type.Number({
      exclusiveMinimum: 0,
      maximum: 1,
      description:
        'Converged when final smoothed loss ≤ this fraction of the initial smoothed loss (default 0.5).',
    }),
  ),
  smoothing: Type.Optional(
    Type.Integer({
      minimum: 1,
      description: 'Points averaged at the start and the end of the log (default 5).',
    }),
  ),
  min_steps: Type.Optional(
    Type.Integer({ minimum: 2, description: 'Fewest logged points accepted (default 10).' }),
  ),
  overfit_tolerance: Type.Optional(
    Type.Number({
      minimum: 0,
      description:
        'Overfitting when the final val_loss exceeds its minimum by more than this fraction while training loss falls (default 0.1).',
    }),
  ),
  fail_on_overfit: Type.Optional(
    Type.Boolean({ description: 'Fail (not just warn) when overfitting is flagged (default false).' }),
  ),
  checkpoints: Type.Optional(
    Type.Array(Type.String({ minLength: 1 }), {
      description: 'Paths or globs (e.g. "checkpoints/*.pt") that must each match a non-empty file.',
    }),
  ),
});

/** Options of the `training` check. */
export type TrainingSpec = Static<typeof spec>;

/** The `training` check definition. */
export const trainingCheck: CheckDefinition<TrainingSpec> = {
  kind: 'training',
  description: DESCRIPTION,
  spec,
  metrics: [
    'steps',
    'initial_loss',
    'final_loss',
    'loss_ratio',
    'converged',
    'nonfinite',
    'overfitting',
    'best_val_loss',
    'final_val_loss',
    'final_val_accuracy',
    'checkpoints',
    'checkpoints_missing',
  ],
  async run(options, context) {
    const file = options.log ?? DEFAULT_LOG;
    const format =
      options.format && options.format !== 'auto'
        ? options.format
        : /\.(jsonl|ndjson)$/i.test(file)
          ? 'jsonl'
          : 'csv';
    let points: ReturnType<typeof parseTrainingLog>;
    try {
      const absolute = await resolveInside(context.submissionDir, file);
      const text = (
        await readInputFile(absolute, file, {
          maxBytes: Math.min(context.limits.maxFileBytes, 256 * 1024 * 1024),
        })
      ).toString('utf8');
      points = parseTrainingLog(text, file, format);
    } catch (error) {
      if (!(error instanceof InputFileError)) throw error;
      const where = { file: error.file, ...(error.line ? { line: error.line } : {}) };
      return {
        status: 'fail',
        summary: `No usable training log ${file}`,
        findings: [
          {
            level: 'error',
            ...where,
            message: `${error.message}; commit the log your training script writes (CSV: step,loss,val_loss,val_accuracy).`,
          },
        ],
      };
    }
    const verdict = judgeTraining(
      points,
      options.smoothing ?? 5,
      options.converge_ratio ?? 0.5,
      options.overfit_tolerance ?? 0.1,
    );
    const findings = judgeFindings(verdict, options, file);
    const checkpoints = await checkCheckpoints(options.checkpoints ?? [], context.submissionDir, findings);
    return outcome(verdict, findings, checkpoints, options);
  },
};

function judgeFindings(verdict: TrainingVerdict, options: TrainingSpec, file: string): Finding[] {
  const findings: Finding[] = [];
  const ratio = options.converge_ratio ?? 0.5;
  const minSteps = options.min_steps ?? 10;
  if (verdict.steps < minSteps)
    findings.push({
      level: 'error',
      file,
      message: `${file} has ${verdict.steps} logged point(s); at least ${minSteps} are needed to judge convergence: log the loss more often.`,
    });
  if (verdict.nonFiniteLines.length > 0)
    findings.push({
      level: 'error',
      file,
      line: verdict.nonFiniteLines[0]!,
      message: `The loss is NaN or infinite (or beyond ±1e300, where averaging overflows) on ${verdict.nonFiniteLines.length} line(s), first at line ${verdict.nonFiniteLines[0]}: training diverged; lower the learning rate or check the loss for log(0).`,
    });
  // A negative loss is an error, not a warning: the losses this check is for (cross-entropy, MSE,
  // the NLL of discrete labels) are never below 0, so a negative value means the log records
  // something else (a log-likelihood with its sign flipped, a score, a reward) or was edited, and
  // the ratio test then means nothing: it is undefined when the initial loss is ≤ 0 (which passed
  // with no finding), and negative, so "converged", when only the final loss is. A warning would
  // still pass the check and award its points for convergence that was never shown.
  else if (verdict.negativeLines.length > 0)
    findings.push({
      level: 'error',
      file,
      line: verdict.negativeLines[0]!,
      message: `The loss is negative on ${verdict.negativeLines.length} line(s), first at line ${verdict.negativeLines[0]} (${fmt(verdict.firstNegativeLoss)}): a training loss such as cross-entropy or MSE is never below 0, so convergence cannot be judged; log the loss itself (not a log-likelihood, a score or a reward).`,
    });
  else if (verdict.lossRatio !== null && !verdict.converged)
    findings.push({
      level: 'error',
      file,
      message: `Training did not converge: the smoothed loss went from ${fmt(verdict.initialLoss)} to ${fmt(verdict.finalLoss)} (${fmt(verdict.lossRatio)}× the initial), above the ${ratio}× required; train longer or tune the learning rate.`,
    });
  else if (verdict.initialLoss === 0)
    findings.push({
      level: 'error',
      file,
      ...(verdict.firstLine === null ? {} : { line: verdict.firstLine }),
      message: `The smoothed initial loss is 0, so there is nothing to measure convergence from; log the loss from the first step, before the model has trained.`,
    });
  // Never pass a log that did not converge: whatever left the verdict open gets a finding.
  if (!verdict.converged && !findings.some((f) => f.level === 'error'))
    findings.push({
      level: 'error',
      file,
      message: `Convergence could not be judged from ${file} (smoothed loss ${fmt(verdict.initialLoss)} → ${fmt(verdict.finalLoss)}); log a positive training loss at every step.`,
    });
  if (verdict.overfitting)
    findings.push({
      level: options.fail_on_overfit ? 'error' : 'warning',
      file,
      message: `Overfitting: val_loss was lowest (${fmt(verdict.bestValLoss)}) at step ${verdict.bestValStep} and rose to ${fmt(verdict.finalValLoss)} while the training loss kept falling; consider early stopping at that step or more regularisation.`,
    });
  return findings;
}

async function checkCheckpoints(patterns: string[], root: string, findings: Finding[]) {
  if (patterns.length === 0) return { found: 0, missing: 0 };
  const { files } = await walkSubmission(root);
  let found = 0;
  let missing = 0;
  for (const pattern of patterns) {
    const matches = picomatch(pattern, { dot: true });
    const hits = files.filter((f) => matches(f.path) && f.size > 0);
    found += hits.length;
    if (hits.length === 0) {
      missing++;
      findings.push({
        level: 'error',
        file: pattern,
        message: `No checkpoint matches ${pattern}; save the model during training (e.g. checkpoints/epoch-10.pt) and commit it.`,
      });
    }
  }
  return { found, missing };
}

function outcome(
  verdict: TrainingVerdict,
  findings: Finding[],
  checkpoints: { found: number; missing: number },
  options: TrainingSpec,
): CheckOutcome {
  const failed = findings.some((f) => f.level === 'error');
  const summary = failed
    ? `Training not accepted: ${findings.filter((f) => f.level === 'error').length} problem(s)`
    : `Converged: smoothed loss ${fmt(verdict.initialLoss)} → ${fmt(verdict.finalLoss)} over ${verdict.steps} points${verdict.overfitting ? '; overfitting flagged' : ''}`;
  const flag = (value: boolean) => (value ? 1 : 0);
  return {
    status: failed ? 'fail' : 'pass',
    summary,
    metrics: {
      steps: verdict.steps,
      initial_loss: verdict.initialLoss,
      final_loss: verdict.finalLoss,
      loss_ratio: verdict.lossRatio,
      converged: flag(verdict.converged),
      nonfinite: verdict.nonFiniteLines.length,
      overfitting: flag(verdict.overfitting),
      best_val_loss: verdict.bestValLoss,
      final_val_loss: verdict.finalValLoss,
      final_val_accuracy: verdict.finalValAccuracy,
      checkpoints: checkpoints.found,
      checkpoints_missing: options.checkpoints ? checkpoints.missing : 0,
    },
    findings,
  };
}

function fmt(value: number | null): string {
  return value === null ? 'n/a' : Number(value.toPrecision(4)).toString();
}
