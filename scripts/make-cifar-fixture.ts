/**
 * Writes test/fixtures/datasets/cifar10-tiny.bin: 20 CIFAR-10 binary records (label byte + 3,072
 * pixel bytes) with seeded random pixels and labels 0–9 twice. No npm package ships CIFAR-10 images;
 * this file only exercises the reader and the CIFAR path of the `model` check, not accuracy.
 *
 * Run: npm run build && node build/scripts/make-cifar-fixture.js
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CIFAR_IMAGE_BYTES, writeCifarBatch } from '../src/data/cifar-reader.js';
import { packageRoot } from '../src/package-root.js';
import { seededRandom } from './seeded-random.js';

const COUNT = 20;
const random = seededRandom(10);
const images = Uint8Array.from({ length: COUNT * CIFAR_IMAGE_BYTES }, () => Math.floor(random() * 256));
const labels = Array.from({ length: COUNT }, (_, i) => i % 10);
const dir = path.join(packageRoot(), 'test', 'fixtures', 'datasets');
await mkdir(dir, { recursive: true });
await writeFile(path.join(dir, 'cifar10-tiny.bin'), writeCifarBatch(images, labels));
