/**
 * The load generator against autocannon and wrk on the same local Node server (a separate process,
 * 127.0.0.1 only), at the same concurrency:
 *   1. saturated throughput (closed loop) — target ≥ 0.9× autocannon;
 *   2. percentiles at a fixed rate below saturation, side by side (wrk has no fixed rate: it is
 *      paced with a per-request Lua delay to about the same rate, closed loop);
 *   3. p99 with and without coordinated-omission correction when the server stalls 200 ms every second.
 * Runs alone too: `npm run build && node build/bench/load.js`.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { serialiseRequest } from '../src/load/http-connection.js';
import { runLoad } from '../src/load/load-run.js';
import { summariseLoad } from '../src/load/load-summary.js';
import { type BenchFigure, median } from './figure.js';

const run = promisify(execFile);
const CONNECTIONS = 50;
const SECONDS = 5;
const RATE = 2000;
const ROUNDS = 3;
const STALL_RATE = 1000;
/** Few connections for the stall: with many, the requests in flight at each stall alone fill the p99. */
const STALL_CONNECTIONS = 8;

const SERVER = (stall: boolean) => `
const http = require('node:http');
const server = http.createServer((req, res) => res.end('hello'));
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
${stall ? 'setInterval(() => { const end = Date.now() + 200; while (Date.now() < end); }, 1000);' : ''}`;

async function startServer(stall: boolean): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', SERVER(stall)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) =>
    child.stdout!.once('data', (data) => resolve(Number(String(data).trim()))),
  );
  return { child, port };
}

async function ours(port: number, rate: number, connections = CONNECTIONS) {
  const result = await runLoad({
    target: { host: '127.0.0.1', port },
    requests: [serialiseRequest('GET', '/', '127.0.0.1')],
    rate,
    connections,
    durationMs: SECONDS * 1000,
    warmupMs: 1000,
  });
  return summariseLoad(result);
}

async function autocannon(port: number, rate?: number, connections = CONNECTIONS) {
  const bin = path.join(
    path.dirname(createRequire(import.meta.url).resolve('autocannon/package.json')),
    'autocannon.js',
  );
  const args = [
    bin,
    '-c',
    String(connections),
    '-d',
    String(SECONDS),
    '--json',
    ...(rate ? ['-R', String(rate)] : []),
    `http://127.0.0.1:${port}/`,
  ];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 });
  const json = JSON.parse(stdout);
  return {
    rps: json.requests.total / SECONDS,
    p50: json.latency.p50,
    p90: json.latency.p90,
    p99: json.latency.p99,
    max: json.latency.max,
  };
}

async function wrk(port: number, delayMs?: number) {
  const script = path.join(os.tmpdir(), 'mlgrade-wrk-delay.lua');
  await writeFile(script, `function delay() return ${delayMs ?? 0} end\n`);
  const args = [
    '-t1',
    `-c${CONNECTIONS}`,
    `-d${SECONDS}s`,
    '--latency',
    ...(delayMs ? ['-s', script] : []),
    `http://127.0.0.1:${port}/`,
  ];
  const { stdout } = await run('wrk', args);
  const ms = (label: string) => {
    const match = new RegExp(`^\\s+${label}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(stdout);
    if (!match) return Number.NaN;
    return Number(match[1]) * { us: 0.001, ms: 1, s: 1000 }[match[2] as 'us' | 'ms' | 's'];
  };
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]),
    p50: ms('50'),
    p90: ms('90'),
    p99: ms('99'),
  };
}

/** Runs the three comparisons. */
export async function run_(): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const plain = await startServer(false);
  try {
    // Warm the server (JIT, sockets) first so the order of the tools does not favour the last one.
    await autocannon(plain.port);
    // The tools share 2 cores with the server (and with whatever else runs): alternate them over
    // several rounds and compare medians.
    const rounds = { a: [] as number[], w: [] as number[], o: [] as number[] };
    for (let round = 0; round < ROUNDS; round++) {
      rounds.a.push((await autocannon(plain.port)).rps);
      rounds.w.push((await wrk(plain.port)).rps);
      rounds.o.push((await ours(plain.port, 0)).throughput_rps);
    }
    const [a, w, o] = [median(rounds.a), median(rounds.w), median(rounds.o)];
    const label = `saturated c=${CONNECTIONS}, median of ${ROUNDS}`;
    figures.push({ name: `${label}: autocannon`, value: a, unit: 'req/s' });
    figures.push({ name: `${label}: wrk -t1`, value: w, unit: 'req/s' });
    const ratio = { value: o / a, against: 'autocannon', target: '≥ 0.9', met: o >= 0.9 * a };
    figures.push({ name: `${label}: mlgrade load`, value: o, unit: 'req/s', ratio });
    const fa = await autocannon(plain.port, RATE);
    const fw = await wrk(plain.port, (CONNECTIONS * 1000) / RATE);
    const fo = await ours(plain.port, RATE);
    for (const [tool, p] of [
      ['mlgrade', { rps: fo.throughput_rps, p50: fo.p50_ms, p90: fo.p90_ms, p99: fo.p99_ms }],
      ['autocannon -R', fa],
      ['wrk (Lua-paced)', fw],
    ] as const) {
      figures.push({ name: `${RATE} req/s: ${tool} achieved`, value: p.rps, unit: 'req/s' });
      for (const q of ['p50', 'p90', 'p99'] as const)
        figures.push({ name: `${RATE} req/s: ${tool} ${q}`, value: p[q] ?? Number.NaN, unit: 'ms' });
    }
  } finally {
    plain.child.kill('SIGKILL');
  }
  const stalling = await startServer(true);
  try {
    const s = await ours(stalling.port, STALL_RATE, STALL_CONNECTIONS);
    const sa = await autocannon(stalling.port, STALL_RATE, STALL_CONNECTIONS);
    const name = `${STALL_RATE} req/s c=${STALL_CONNECTIONS}, 200 ms stall/s`;
    figures.push({ name: `${name}: p99 corrected`, value: s.p99_ms ?? Number.NaN, unit: 'ms' });
    figures.push({
      name: `${name}: p99 uncorrected`,
      value: s.uncorrected_p99_ms ?? Number.NaN,
      unit: 'ms',
      ratio: { value: (s.uncorrected_p99_ms ?? 0) / (s.p99_ms ?? 1), against: 'corrected p99' },
    });
    figures.push({ name: `${name}: p50 corrected`, value: s.p50_ms ?? Number.NaN, unit: 'ms' });
    figures.push({ name: `${name}: autocannon -R p99`, value: sa.p99, unit: 'ms' });
  } finally {
    stalling.child.kill('SIGKILL');
  }
  return figures;
}

export { run_ as run };

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const figure of await run_())
    console.log(
      `${figure.name.padEnd(52)} ${Number(figure.value.toPrecision(4))} ${figure.unit}${figure.ratio ? `  (ratio ${figure.ratio.value.toFixed(3)} vs ${figure.ratio.against})` : ''}`,
    );
}
