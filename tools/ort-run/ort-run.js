#!/usr/bin/env node
'use strict';
// ort-run: runs an ONNX model with ONNX Runtime (CPU execution provider), the
// peer that quant-opt's compiled models are compared and benchmarked against.
//
//   node tools/ort-run/ort-run.js MODEL.onnx --input-dir DIR [--output-dir DIR]
//        [--check DIR [--rtol R] [--atol A]] [--benchmark N [--warmup W]]
//        [--threads T]
//
// Reads DIR/input_<k>.pb (ONNX TensorProto, backend-test layout) and binds
// them to the model's graph inputs: by the TensorProto's name when it names a
// graph input, otherwise by position (input_<k> -> k-th graph input). Runs once
// and prints one line per output (`output <j> <name> <type> <dims> min= max=
// mean= nonfinite=`); --output-dir writes output_<j>.pb (raw_data, named after
// the graph output). --check compares with DIR/output_<j>.pb elementwise,
// |got - want| <= atol + rtol * |want| (NaN matches NaN), and exits 1 on a
// mismatch. --benchmark N runs W (default 5) warm-up runs, then N timed runs,
// and prints one line:
//   ort-run benchmark: runs=N warmup=W threads=T median_ms=.. min_ms=.. max_ms=..
// Graph optimizations: all; intra-op threads: T (default: all cores).
// onnxruntime-node is looked up in $QOPT_ORT_DIR/node_modules, then in the
// repository's .deps/ort (scripts/setup.sh installs it there).

const fs = require('fs');
const os = require('os');
const path = require('path');
const { decodeTensor, encodeTensor, ortTypeToOnnx } = require('./tensor-pb');

const USAGE = 'usage: ort-run.js MODEL.onnx --input-dir DIR [--output-dir DIR] ' +
  '[--check DIR] [--rtol R] [--atol A] [--benchmark N] [--warmup W] [--threads T]';

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = { rtol: 1e-4, atol: 1e-5, warmup: 5, benchmark: 0,
    threads: (os.availableParallelism ? os.availableParallelism() : os.cpus().length) };
  const valued = { '--input-dir': 'inputDir', '--output-dir': 'outputDir', '--check': 'checkDir',
    '--rtol': 'rtol', '--atol': 'atol', '--benchmark': 'benchmark', '--warmup': 'warmup',
    '--threads': 'threads' };
  const numeric = new Set(['rtol', 'atol', 'benchmark', 'warmup', 'threads']);
  const positional = [];
  for (let i = 0; i < argv.length; ++i) {
    let a = argv[i];
    if (a === '-h' || a === '--help') { console.log(USAGE); process.exit(0); }
    let value;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) { value = a.slice(eq + 1); a = a.slice(0, eq); }
    if (a in valued) {
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`${a} needs a value`);
        value = argv[++i];
      }
      const key = valued[a];
      if (numeric.has(key)) {
        const n = Number(value);
        if (value === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${a}: not a non-negative number: '${value}'`);
        if (key !== 'rtol' && key !== 'atol' && !Number.isInteger(n)) throw new UsageError(`${a}: not an integer: '${value}'`);
        opts[key] = n;
      } else {
        opts[key] = value;
      }
    } else if (a.startsWith('-')) {
      throw new UsageError(`unknown option '${a}'`);
    } else {
      positional.push(a);
    }
  }
  if (positional.length !== 1) throw new UsageError('expected exactly one MODEL.onnx');
  opts.model = positional[0];
  if (!opts.inputDir) throw new UsageError('--input-dir is required');
  if (opts.threads < 1) throw new UsageError('--threads must be at least 1');
  return opts;
}

function loadOrt() {
  const dirs = [];
  if (process.env.QOPT_ORT_DIR) dirs.push(path.join(process.env.QOPT_ORT_DIR, 'node_modules'));
  dirs.push(path.join(__dirname, '..', '..', '.deps', 'ort', 'node_modules'));
  for (const d of dirs) {
    const p = path.join(d, 'onnxruntime-node');
    if (fs.existsSync(p)) return require(p);
  }
  throw new Error(`onnxruntime-node not found in ${dirs.join(' or ')}; run scripts/setup.sh`);
}

// Files `<prefix>_<k>.pb` in dir, ordered by k; they must be 0..n-1.
function listIndexed(dir, prefix) {
  if (!fs.existsSync(dir)) throw new Error(`${dir}: no such directory`);
  if (!fs.statSync(dir).isDirectory()) throw new Error(`${dir}: not a directory`);
  const re = new RegExp(`^${prefix}_(\\d+)\\.pb$`);
  const found = [];
  for (const f of fs.readdirSync(dir)) {
    const m = re.exec(f);
    if (m) found.push([Number(m[1]), path.join(dir, f)]);
  }
  found.sort((a, b) => a[0] - b[0]);
  found.forEach(([k], i) => {
    if (k !== i) throw new Error(`${dir}: ${prefix}_${i}.pb is missing (found ${prefix}_${k}.pb)`);
  });
  return found.map(([, f]) => f);
}

function bindInputs(files, inputNames, ort) {
  if (files.length !== inputNames.length) {
    throw new Error(`the model has ${inputNames.length} input(s) (${inputNames.join(', ')}), ` +
      `the input directory has ${files.length} input_*.pb file(s)`);
  }
  const feeds = {};
  files.forEach((file, k) => {
    const t = decodeTensor(fs.readFileSync(file), file);
    const name = inputNames.includes(t.name) ? t.name : inputNames[k];
    if (name in feeds) throw new Error(`${file}: input '${name}' is bound twice`);
    feeds[name] = new ort.Tensor(t.dtype.ort, t.data, t.dims);
  });
  return feeds;
}

function toNumbers(tensor) {
  const d = tensor.data;
  if (tensor.type === 'float16') return Float32Array.from(d, halfToFloat);
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Float64Array.from(d, Number);
  return d;
}

function halfToFloat(h) {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

function summary(j, name, tensor) {
  const v = toNumbers(tensor);
  let min = Infinity, max = -Infinity, sum = 0, nonfinite = 0;
  for (const x of v) {
    if (!Number.isFinite(x)) { ++nonfinite; continue; }
    if (x < min) min = x;
    if (x > max) max = x;
    sum += x;
  }
  const n = v.length - nonfinite;
  const fmt = (x) => (n ? Number(x.toPrecision(6)) : 'nan');
  return `output ${j} ${name} ${tensor.type} ${tensor.dims.join('x') || 'scalar'} ` +
    `min=${fmt(min)} max=${fmt(max)} mean=${fmt(n ? sum / n : 0)} nonfinite=${nonfinite}`;
}

// Returns an error message, or null when `got` matches the reference file.
function compare(name, tensor, file, rtol, atol) {
  const want = decodeTensor(fs.readFileSync(file), file);
  const gotType = ortTypeToOnnx(tensor.type);
  if (want.dataType !== gotType) {
    return `${name}: type ${tensor.type}, reference ${file} has ${want.dtype.name}`;
  }
  if (want.dims.join('x') !== tensor.dims.join('x')) {
    return `${name}: shape [${tensor.dims}], reference ${file} has [${want.dims}]`;
  }
  const g = toNumbers(tensor);
  const w = toNumbers({ type: tensor.type, data: want.data });
  let bad = 0, worst = -1, worstErr = -1;
  for (let i = 0; i < g.length; ++i) {
    const a = g[i], b = w[i];
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    if (a === b) continue; // also equal infinities
    const err = Math.abs(a - b);
    if (!(err <= atol + rtol * Math.abs(b))) {
      ++bad;
      if (!(err <= worstErr)) { worstErr = err; worst = i; }
    }
  }
  if (!bad) return null;
  return `${name}: ${bad} of ${g.length} elements differ beyond rtol=${rtol} atol=${atol}; ` +
    `worst at flat index ${worst}: got ${g[worst]}, want ${w[worst]}`;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(opts.model)) throw new Error(`${opts.model}: no such file`);
  const inputFiles = listIndexed(opts.inputDir, 'input');
  const ort = loadOrt();
  const session = await ort.InferenceSession.create(opts.model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    intraOpNumThreads: opts.threads,
    interOpNumThreads: 1,
  });
  const feeds = bindInputs(inputFiles, session.inputNames, ort);
  const results = await session.run(feeds);

  const names = session.outputNames;
  names.forEach((name, j) => console.log(summary(j, name, results[name])));

  if (opts.outputDir) {
    fs.mkdirSync(opts.outputDir, { recursive: true });
    names.forEach((name, j) => {
      const t = results[name];
      fs.writeFileSync(path.join(opts.outputDir, `output_${j}.pb`),
        encodeTensor({ name, dataType: ortTypeToOnnx(t.type), dims: t.dims, data: t.data }));
    });
  }

  let status = 0;
  if (opts.checkDir) {
    const refs = listIndexed(opts.checkDir, 'output');
    if (refs.length !== names.length) {
      console.error(`check: the model has ${names.length} output(s), ${opts.checkDir} has ${refs.length} output_*.pb`);
      status = 1;
    } else {
      names.forEach((name, j) => {
        const err = compare(name, results[name], refs[j], opts.rtol, opts.atol);
        if (err) { console.error(`check: ${err}`); status = 1; }
      });
      if (!status) console.log(`check: ${names.length} output(s) match (rtol=${opts.rtol} atol=${opts.atol})`);
    }
  }

  if (opts.benchmark > 0) {
    for (let i = 0; i < opts.warmup; ++i) await session.run(feeds);
    const ms = [];
    for (let i = 0; i < opts.benchmark; ++i) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    ms.sort((a, b) => a - b);
    const mid = ms.length >> 1;
    const median = ms.length % 2 ? ms[mid] : (ms[mid - 1] + ms[mid]) / 2;
    const f = (x) => x.toFixed(4);
    console.log(`ort-run benchmark: runs=${opts.benchmark} warmup=${opts.warmup} threads=${opts.threads} ` +
      `median_ms=${f(median)} min_ms=${f(ms[0])} max_ms=${f(ms[ms.length - 1])}`);
  }
  await session.release();
  return status;
}

main().then((status) => process.exit(status), (err) => {
  if (err instanceof UsageError) console.error(`ort-run: ${err.message}\n${USAGE}`);
  else console.error(`ort-run: ${err.message}`);
  process.exit(1);
});
