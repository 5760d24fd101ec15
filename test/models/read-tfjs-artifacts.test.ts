import { cp, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputFileError } from '../../src/files/input-files.js';
import { readTfjsArtifacts } from '../../src/models/read-tfjs-artifacts.js';
import { tempDir } from '../helpers/temp-dir.js';

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const DENSE = path.join(ROOT, 'examples', 'submissions', 'mnist-dense-passing');
const MB = 1024 * 1024;

/** The parts of model.json the tests rewrite. */
interface Manifest {
  weightsManifest?: { paths: string[]; weights: { dtype: string }[] }[];
}

/** A copy of the passing dense submission whose model.json is rewritten by `edit`. */
async function editedDense(edit: (json: Manifest) => void) {
  const dir = await tempDir();
  await cp(DENSE, dir, { recursive: true });
  const file = path.join(dir, 'model', 'model.json');
  const json = JSON.parse(await readFile(file, 'utf8'));
  edit(json);
  await writeFile(file, JSON.stringify(json));
  return dir;
}

async function failure(
  root: string,
  file = 'model/model.json',
  maxBytes = 100 * MB,
): Promise<InputFileError> {
  const error = await readTfjsArtifacts(root, file, maxBytes).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(InputFileError);
  return error as InputFileError;
}

describe('readTfjsArtifacts', () => {
  it('reads a LayersModel: topology, weight specs, size on disk and parameter count', async () => {
    const artifacts = await readTfjsArtifacts(DENSE, 'model/model.json', 100 * MB);
    expect(artifacts.format).toBe('layers-model');
    expect(artifacts.parameters).toBe(784 * 64 + 64 + 64 * 10 + 10);
    expect(artifacts.weightData.byteLength).toBe(artifacts.parameters * 4);
    expect(artifacts.bytesOnDisk).toBeGreaterThan(artifacts.weightData.byteLength);
  });

  it('recognises a GraphModel', async () => {
    const artifacts = await readTfjsArtifacts(
      path.join(ROOT, 'test', 'fixtures', 'models'),
      'dense-graph/model.json',
      100 * MB,
    );
    expect(artifacts.format).toBe('graph-model');
  });

  it('refuses GraphModels with control-flow loops', async () => {
    const topology = {
      node: [
        { name: 'x', op: 'Placeholder' },
        { name: 'l', op: 'LoopCond', input: ['x'] },
      ],
    };
    const dir = await tempDir({
      'model.json': JSON.stringify({ format: 'graph-model', modelTopology: topology, weightsManifest: [] }),
    });
    expect((await failure(dir, 'model.json')).message).toMatch(/uses TensorFlow control flow \(loops\)/);
  });

  it('reports truncated weight shards with the byte counts', async () => {
    const error = await failure(path.join(ROOT, 'examples', 'submissions', 'mnist-dense-broken-truncated'));
    expect(error.message).toMatch(
      /hold 101780 bytes but its weightsManifest declares 203560; .* commit every \.bin file/,
    );
  });

  it('refuses shard paths that leave the submission, and links pointing outside', async () => {
    const escaping = await editedDense((json) => {
      json.weightsManifest![0]!.paths = ['../../../etc/passwd'];
    });
    expect((await failure(escaping)).message).toMatch(/must be relative and stay inside/);
    const outside = await tempDir({ 'w.bin': 'x' });
    const viaLink = await editedDense((json) => {
      json.weightsManifest![0]!.paths = ['evil.bin'];
    });
    await symlink(path.join(outside, 'w.bin'), path.join(viaLink, 'model', 'evil.bin'));
    expect((await failure(viaLink)).message).toMatch(/points outside the submission/);
  });

  it('caps the total size and reports what to do', async () => {
    expect((await failure(DENSE, 'model/model.json', 100_000)).message).toMatch(/over the .* limit/);
  });

  it('rejects malformed manifests, unknown dtypes and non-JSON files', async () => {
    const noManifest = await editedDense((json) => {
      delete json.weightsManifest;
    });
    expect((await failure(noManifest)).message).toMatch(/weightsManifest is missing/);
    const badDtype = await editedDense((json) => {
      json.weightsManifest![0]!.weights[0]!.dtype = 'complex64';
    });
    expect((await failure(badDtype)).message).toMatch(/dtype complex64; use float32/);
    const notJson = await tempDir({ 'model/model.json': '{"modelTopology": ' });
    expect((await failure(notJson)).message).toMatch(/not valid JSON/);
    const noTopology = await tempDir({ 'model/model.json': '{"weightsManifest": []}' });
    expect((await failure(noTopology)).message).toMatch(/no modelTopology/);
  });
});
