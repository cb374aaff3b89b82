#!/usr/bin/env node
/**
 * Builds the optional native addon of the `torch` backend (native/torch/ ->
 * build/Release/gqn_torch.node) against the first libtorch it finds:
 *
 *   1. $LIBTORCH: a libtorch folder (include/ and lib/, as in pytorch.org's libtorch zips);
 *   2. the `torch` Python package's own folder (torch/include, torch/lib), for $PYTHON,
 *      `python3` on PATH, then /usr/bin/python3;
 *   3. Debian's libtorch-dev (/usr/include/ATen, /usr/lib/<multiarch>/libtorch.so).
 *
 * The compiler is node-gyp (native/torch/binding.gyp; not at the root, where npm would compile it
 * at every install) when it and full Node headers (common.gypi) are at hand,
 * else a direct `c++` call, which needs only node_api.h (e.g. a bare Node binary with its
 * headers, as bench/gpu/run.sh uses). GQN_TORCH_BUILDER=gyp|direct forces one.
 *
 *   node scripts/build-torch.mjs              build if stale; exit 1 if no libtorch
 *   node scripts/build-torch.mjs --optional   the same, but no libtorch is a skip (exit 0)
 *   node scripts/build-torch.mjs --force      rebuild even if up to date
 *   node scripts/build-torch.mjs --find       print the libtorch found (JSON) and exit
 *
 * Overrides for a machine without npm (bench/gpu/run.sh): NODE_DIR (a folder with
 * include/node/node_api.h), NODE_ADDON_API_DIR (napi.h), PYTHON, CXX.
 *
 * GQN_TORCH=off skips everything (exit 0). A libtorch that is found but fails to compile is
 * an error even with --optional: that is a bug to see, not a missing optional part.
 * The ABI flag (_GLIBCXX_USE_CXX11_ABI) is read from the library itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const args = new Set(process.argv.slice(2));
const optional = args.has('--optional');
const OUT_DIR = path.join(root, 'build', 'Release');
const ADDON = path.join(OUT_DIR, 'gqn_torch.node');
const STAMP = path.join(OUT_DIR, 'gqn_torch.json');
const GYP_DIR = path.join(root, 'native', 'torch');
const SOURCES = ['native/torch/gqn_torch.cc', 'native/torch/binding.gyp', 'scripts/build-torch.mjs'].map((f) => path.join(root, f));

const log = (msg) => process.stderr.write(`build:torch: ${msg}\n`);

function skip(why) {
  log(`${why}; the torch backend is not built (wasm stays the default)`);
  process.exit(optional ? 0 : 1);
}

function run(cmd, argv, opts = {}) {
  return spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 26, ...opts });
}

function which(cmd) {
  const r = run('sh', ['-c', `command -v ${cmd}`]);
  return r.status === 0 ? r.stdout.trim() : null;
}

/** Whether libc10 was built with the C++11 std::string ABI (its exported names say so). */
function cxx11Abi(libDir) {
  const lib = path.join(libDir, 'libc10.so');
  return readFileSync(lib).includes('St7__cxx1112basic_string') ? 1 : 0;
}

function libsIn(libDir) {
  const names = ['torch', 'torch_cpu', 'c10'];
  for (const cuda of ['torch_cuda', 'c10_cuda']) {
    if (existsSync(path.join(libDir, `lib${cuda}.so`))) names.push(cuda);
  }
  return names;
}

function complete(includeDir, libDir) {
  return existsSync(path.join(includeDir, 'ATen', 'ATen.h'))
    && ['libtorch.so', 'libtorch_cpu.so', 'libc10.so'].every((f) => existsSync(path.join(libDir, f)));
}

function described(source, includeDir, libDir, extra = {}) {
  const apiInclude = path.join(includeDir, 'torch', 'csrc', 'api', 'include');
  const libs = libsIn(libDir);
  return {
    source,
    includeDirs: existsSync(apiInclude) ? [includeDir, apiInclude] : [includeDir],
    libDir: path.resolve(libDir),
    libs,
    cuda: libs.includes('torch_cuda'),
    cxx11Abi: cxx11Abi(libDir),
    ...extra,
  };
}

const PY_PROBE = [
  'import json, os, torch',
  'print(json.dumps({"dir": os.path.dirname(torch.__file__), "version": torch.__version__,',
  '  "cuda": torch.version.cuda, "abi": int(torch._C._GLIBCXX_USE_CXX11_ABI)}))',
].join('\n');

/** The libtorch to build against, or { missing: reason }. */
export function findLibtorch() {
  const tried = [];
  if (process.env.LIBTORCH) {
    const dir = path.resolve(process.env.LIBTORCH);
    const inc = path.join(dir, 'include');
    const lib = path.join(dir, 'lib');
    if (complete(inc, lib)) return described('LIBTORCH', inc, lib);
    return { missing: `LIBTORCH=${dir} has no include/ATen/ATen.h with lib/libtorch.so, libtorch_cpu.so, libc10.so` };
  }
  const pythons = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean);
  for (const python of [...new Set(pythons)]) {
    const r = run(python, ['-c', PY_PROBE], { timeout: 60_000 });
    if (r.status !== 0) {
      tried.push(`${python}: no torch`);
      continue;
    }
    const probe = JSON.parse(r.stdout.trim().split('\n').pop());
    const inc = path.join(probe.dir, 'include');
    const lib = path.join(probe.dir, 'lib');
    if (complete(inc, lib)) {
      return { ...described(`python (${python})`, inc, lib, { version: probe.version }), cxx11Abi: probe.abi };
    }
    tried.push(`${python}: torch ${probe.version} at ${probe.dir} has no C++ headers`);
  }
  const multiarch = run('gcc', ['-print-multiarch']).stdout?.trim();
  const libDirs = [multiarch && `/usr/lib/${multiarch}`, '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib'];
  for (const lib of [...new Set(libDirs.filter(Boolean))]) {
    if (complete('/usr/include', lib)) return described('debian', '/usr/include', lib);
  }
  tried.push('Debian: no /usr/include/ATen/ATen.h with libtorch.so (apt-get install libtorch-dev)');
  return { missing: `no libtorch found (set LIBTORCH, or install the torch Python package or libtorch-dev): ${tried.join('; ')}` };
}

/** Node's headers: a folder with include/node/node_api.h (and common.gypi for node-gyp). */
function nodeDir() {
  const candidates = [process.env.npm_config_nodedir, process.env.NODE_DIR, path.resolve(path.dirname(process.execPath), '..'), '/usr'];
  return candidates.filter(Boolean).find((d) => existsSync(path.join(d, 'include', 'node', 'node_api.h'))) ?? null;
}

function nodeGypScript() {
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const bundled = path.resolve(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    return existsSync(bundled) ? bundled : null;
  }
}

function compiler() {
  const cxx = process.env.CXX ?? ['c++', 'g++', 'clang++'].find((c) => which(c));
  if (!cxx) return null;
  const ccache = process.env.GQN_NO_CCACHE ? null : which('ccache');
  return ccache && !cxx.includes('ccache') ? `${ccache} ${cxx}` : cxx;
}

function newest(files) {
  return Math.max(...files.map((f) => statSync(f).mtimeMs));
}

function upToDate() {
  if (!existsSync(ADDON) || !existsSync(STAMP)) return false;
  if (statSync(ADDON).mtimeMs < newest(SOURCES)) return false;
  const stamp = JSON.parse(readFileSync(STAMP, 'utf8'));
  if ((process.env.LIBTORCH ?? '') !== (stamp.env ?? '')) return false;
  return stamp.libtorch?.libDir != null && existsSync(path.join(stamp.libtorch.libDir, 'libc10.so'));
}

/** node-addon-api's headers: the package, or $NODE_ADDON_API_DIR (a bare machine's copy). */
function napiInclude() {
  if (process.env.NODE_ADDON_API_DIR) return process.env.NODE_ADDON_API_DIR;
  // include_dir is relative to the working directory.
  return path.resolve(require('node-addon-api').include_dir.replace(/^"|"$/g, ''));
}

function buildDirect(lt, cxx, nodedir) {
  const obj = path.join(root, 'build', 'direct', 'gqn_torch.o');
  mkdirSync(path.dirname(obj), { recursive: true });
  mkdirSync(OUT_DIR, { recursive: true });
  const [cc, ...pre] = cxx.split(' ');
  const compile = [
    ...pre, '-std=c++17', '-O2', '-Wno-deprecated-declarations', '-fPIC', '-fvisibility=hidden', '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS',
    `-D_GLIBCXX_USE_CXX11_ABI=${lt.cxx11Abi}`, `-I${path.join(nodedir, 'include', 'node')}`, `-I${napiInclude()}`,
    ...lt.includeDirs.map((d) => `-I${d}`), '-c', SOURCES[0], '-o', obj,
  ];
  log(`${cxx} ${compile.slice(pre.length).join(' ')}`);
  let r = run(cc, compile, { stdio: 'inherit' });
  if (r.status !== 0) return false;
  const tmp = `${ADDON}.tmp`;
  const link = [
    ...pre, '-shared', '-o', tmp, obj, `-L${lt.libDir}`, '-Wl,--no-as-needed', ...lt.libs.map((l) => `-l${l}`),
    '-Wl,--as-needed', `-Wl,-rpath,${lt.libDir}`,
  ];
  r = run(cc, link, { stdio: 'inherit' });
  if (r.status !== 0) return false;
  renameSync(tmp, ADDON);
  return true;
}

function buildGyp(lt, cxx, nodedir, script) {
  const defines = {
    libtorch_include: lt.includeDirs[0],
    libtorch_api_include: lt.includeDirs[1] ?? lt.includeDirs[0],
    libtorch_lib: lt.libDir,
    libtorch_libs: lt.libs.map((l) => `-l${l}`).join(' '),
    cxx11_abi: String(lt.cxx11Abi),
    napi_include: napiInclude(),
  };
  const env = {
    ...process.env,
    // gyp splits GYP_DEFINES like a shell does.
    GYP_DEFINES: Object.entries(defines).map(([k, v]) => `${k}='${v.replace(/'/g, "'\\''")}'`).join(' '),
    CXX: cxx,
    npm_config_nodedir: nodedir,
  };
  const r = run(process.execPath, [script, 'rebuild', `--nodedir=${nodedir}`, '--jobs=1', '--loglevel=warn'], { cwd: GYP_DIR, env, stdio: 'inherit' });
  if (r.status !== 0) return false;
  // node-gyp builds beside its binding.gyp; the addon is loaded from the root's build/Release.
  mkdirSync(OUT_DIR, { recursive: true });
  renameSync(path.join(GYP_DIR, 'build', 'Release', 'gqn_torch.node'), ADDON);
  rmSync(path.join(GYP_DIR, 'build'), { recursive: true, force: true });
  return true;
}

function main() {
  if (process.env.GQN_TORCH === 'off') {
    log('GQN_TORCH=off: skipped');
    return;
  }
  if (args.has('--find')) {
    process.stdout.write(`${JSON.stringify(findLibtorch(), null, 2)}\n`);
    return;
  }
  if (!args.has('--force') && upToDate()) {
    log(`up to date (${path.relative(root, ADDON)})`);
    return;
  }
  const lt = findLibtorch();
  if (lt.missing) skip(lt.missing);
  const cxx = compiler();
  if (!cxx) skip('no C++ compiler (c++, g++ or clang++; or set CXX)');
  const nodedir = nodeDir();
  if (!nodedir) skip(`no Node headers (include/node/node_api.h) next to ${process.execPath} or in /usr; set NODE_DIR`);
  const gyp = nodeGypScript();
  const gypOk = gyp != null && existsSync(path.join(nodedir, 'include', 'node', 'common.gypi'))
    && which('make') != null && (which('python3') != null || process.env.PYTHON != null);
  const builder = process.env.GQN_TORCH_BUILDER ?? (gypOk ? 'gyp' : 'direct');
  log(`libtorch from ${lt.source}: ${lt.libDir} (${lt.cuda ? 'CUDA' : 'CPU only'}, C++11 ABI ${lt.cxx11Abi}); ` +
    `building with ${builder === 'gyp' ? 'node-gyp' : cxx} (about a minute on 2 cores)...`);
  const t0 = Date.now();
  rmSync(STAMP, { force: true });
  const ok = builder === 'gyp' ? buildGyp(lt, cxx, nodedir, gyp) : buildDirect(lt, cxx, nodedir);
  if (!ok || !existsSync(ADDON)) {
    log(`FAILED to compile against the libtorch in ${lt.libDir} (see the compiler output above)`);
    process.exit(1);
  }
  const stamp = { libtorch: lt, env: process.env.LIBTORCH ?? '', builder, node: process.version, host: os.hostname(), builtAt: new Date().toISOString() };
  writeFileSync(STAMP, `${JSON.stringify(stamp, null, 2)}\n`);
  log(`built ${path.relative(root, ADDON)} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
