/**
 * `mlgrade doctor`: is this runner ready to grade? Each item is probed with the code a grade runs
 * (the sandbox's mode probes and cgroups, the runtime preflight, the config loader), so a runner
 * that passes here does not fail a student's grade for the runner's own reasons.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatProblem, loadConfig } from '../config/load-config.js';
import type { CourseConfig } from '../config/schema.js';
import { configDataDir } from '../grading/grade-and-score.js';
import { packageRoot } from '../package-root.js';
import { diskItems, type FreeSpace, statfsFreeSpace } from './disk-space.js';
import type { DoctorItem } from './doctor-item.js';
import { gpuItem, probeGpus } from './gpu-probe.js';
import { dataDirItem, nodeItem } from './host-probe.js';
import { configAsksForGpu, declaredRuntimes, defaultRuntimeItem, runtimeItem } from './runtime-probe.js';
import { cgroupItem, probeCgroups, probeSandbox, sandboxItems } from './sandbox-probe.js';

/** What to check, and the probes tests replace. */
export interface DoctorOptions {
  /** The course config: its declared runtimes, GPU wishes and `course.data_dir` are checked too. */
  configFile?: string;
  /** The hidden data directory (default: `course.data_dir` of the config). */
  dataDir?: string;
  /** The working directory whose disk is checked (default: the process's). */
  cwd?: string;
  /** Free bytes on the filesystem of a path (default: statfs). */
  freeSpace?: FreeSpace;
  /** True when the grader action runs the checks (its Node is the runner's node24). */
  inAction?: boolean;
}

/** Runs every check; never throws for what it finds (that is what the items are for). */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorItem[]> {
  const items: DoctorItem[] = [];
  let course: CourseConfig | undefined;
  if (options.configFile !== undefined) {
    const loaded = await loadCourse(options.configFile);
    items.push(loaded.item);
    course = loaded.course;
  }
  const sandbox = await probeSandbox();
  items.push(...sandboxItems(sandbox));
  items.push(cgroupItem(await probeCgroups()));
  if (course) {
    const runtimes = declaredRuntimes(course);
    // One at a time: each may import torch in a sandbox, and they share the mode probes.
    for (const runtime of runtimes) items.push(await runtimeItem(runtime));
    if (runtimes.length === 0)
      items.push({
        id: 'runtime',
        name: 'runtime',
        status: 'ok',
        detail: 'the config has no check that runs student code (reproduce, service): no runtime to check',
      });
  } else if (options.configFile === undefined) items.push(await defaultRuntimeItem());
  items.push(gpuItem(await probeGpus(), course ? configAsksForGpu(course) : false));

  const dataDir =
    options.dataDir !== undefined
      ? path.resolve(options.dataDir)
      : course && options.configFile
        ? configDataDir(course, options.configFile)
        : undefined;
  const data = await dataDirItem(dataDir, options.configFile !== undefined);
  const places = [
    { id: 'disk:work', label: 'working dir', path: path.resolve(options.cwd ?? process.cwd()) },
    { id: 'disk:tmp', label: 'temp', path: os.tmpdir() },
    // Only a directory that is there: a missing one is already the hidden-data line's problem.
    ...(dataDir && data.status === 'ok' ? [{ id: 'disk:data', label: 'hidden data', path: dataDir }] : []),
  ];
  items.push(...(await diskItems(places, options.freeSpace ?? statfsFreeSpace)));
  items.push(nodeItem(process.versions.node, enginesNode(), options.inAction === true));
  items.push(data);
  return items;
}

/** The config line, and the config when it loaded. */
async function loadCourse(file: string): Promise<{ item: DoctorItem; course?: CourseConfig }> {
  const base = { id: 'config', name: 'config' };
  const loaded = await loadConfig(file);
  const errors = loaded.problems.filter((problem) => problem.level === 'error');
  if (!loaded.config) {
    const shown = errors.slice(0, 3).map(formatProblem).join('; ');
    const more = errors.length > 3 ? ` (and ${errors.length - 3} more)` : '';
    return {
      item: {
        ...base,
        status: 'missing',
        detail: `${file} is not a valid course config: ${shown}${more}; its runtimes were not checked`,
        fix: `mlgrade validate ${file}, and fix what it prints`,
      },
    };
  }
  const assignments = loaded.config.assignments.length;
  return {
    item: {
      ...base,
      status: 'ok',
      detail: `${file}: valid, ${assignments} assignment${assignments === 1 ? '' : 's'}${loaded.problems.length > 0 ? ` (${loaded.problems.length} warning(s): mlgrade validate ${file})` : ''}`,
    },
    course: loaded.config,
  };
}

/** `engines.node` of mlgrade's package.json, if it can be read. */
function enginesNode(): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8'));
    return typeof manifest.engines?.node === 'string' ? manifest.engines.node : undefined;
  } catch {
    return undefined;
  }
}
