#!/usr/bin/env bash
# bench/gpu/run.sh: the `torch` backend on an NVIDIA GPU, checked and benchmarked beside PyTorch.
#
# Expects a Linux x86-64 machine with an NVIDIA GPU, a Python whose `torch` has CUDA ($PYTHON,
# else python3), a C++ compiler (c++/g++/clang++, or $CXX), and this repository with
# bench/gpu/bundle/ in it, made beforehand by bench/gpu/prepare.sh where npm works. It needs no
# Node.js, no npm, no node_modules and no network:
#
#   1. unpacks the Node binary of the bundle (Python's lzma; no xz needed),
#   2. builds the addon (scripts/build-torch.mjs, direct compiler call) against that PyTorch's
#      own libtorch (torch/include, torch/lib; its C++ ABI read from torch itself),
#   3. checks every kernel on cuda against the cpu backend within 1e-4 (TF32 off) and that
#      tensors stay flat over 300 small training steps (bench/gpu/check.ts),
#   4. prints the engine benchmark (convolution GFLOP/s) and the training benchmark (s/step of
#      the GQN, cpu and paper presets) for torch on cuda beside PyTorch on the same GPU
#      (bench/gpu/bench.ts); PyTorch keeps its default precision (cuDNN TF32 on) and so does
#      the torch backend, for a like-for-like comparison.
#
# A few minutes in all (the compile is the longest part). Everything it prints also goes to
# $OUT/gpu-report.txt when $OUT is set, else to .tmp/gpu/gpu-report.txt.
#   DEVICE=cpu bench/gpu/run.sh   rehearses the same steps on a machine without a GPU.
# Exit status: 0 when everything ran and the check passed; 1 otherwise, with the reason.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
root=$PWD
bundle=$root/bench/gpu/bundle
DEVICE=${DEVICE:-cuda}
export DEVICE
work=${GQN_GPU_WORK:-$root/.tmp/gpu}
mkdir -p "$work"
[ -n "${OUT:-}" ] && mkdir -p "$OUT"
report=${OUT:-$work}/gpu-report.txt
exec > >(tee "$report") 2>&1

say() { printf 'run.sh: %s\n' "$*"; }
die() { say "FAILED: $*"; exit 1; }
t0=$SECONDS
step() { say "[$((SECONDS - t0)) s] $*"; }

# ---- what this machine has -------------------------------------------------------------
[ "$(uname -s) $(uname -m)" = "Linux x86_64" ] || die "needs Linux x86-64; this is $(uname -s) $(uname -m)"
[ -f "$bundle/node.xz" ] && [ -f "$bundle/check.mjs" ] && [ -f "$bundle/bench.mjs" ] ||
  die "no bundle in $bundle: run bench/gpu/prepare.sh on a machine with npm, and bring bench/gpu/bundle along"
PYTHON=${PYTHON:-$(command -v python3 || command -v python || true)}
[ -n "$PYTHON" ] || die "no python3 on PATH (set PYTHON to the Python that has PyTorch)"
"$PYTHON" -c 'import torch' 2> /dev/null || die "$PYTHON cannot import torch (set PYTHON to the Python that has PyTorch)"
if [ "$DEVICE" != cpu ]; then
  "$PYTHON" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' ||
    die "$PYTHON's torch sees no CUDA GPU (torch.cuda.is_available() is False; torch $("$PYTHON" -c 'import torch; print(torch.__version__, "cuda", torch.version.cuda)'))"
fi
CXX=${CXX:-$(command -v c++ || command -v g++ || command -v clang++ || true)}
[ -n "$CXX" ] || die "no C++ compiler (c++, g++ or clang++; or set CXX)"
export PYTHON CXX
command -v timeout > /dev/null || timeout() { shift; "$@"; }
step "machine: $(uname -r), $(nproc) cores, compiler $("$CXX" --version | head -1)"
"$PYTHON" - <<'PY' || die "cannot describe torch"
import torch
print(f"run.sh: PyTorch {torch.__version__} (CUDA {torch.version.cuda}, cuDNN {torch.backends.cudnn.version()}, "
      f"C++11 ABI {int(torch._C._GLIBCXX_USE_CXX11_ABI)}) at {torch.__file__}")
for i in range(torch.cuda.device_count()):
    print(f"run.sh: GPU {i}: {torch.cuda.get_device_name(i)}")
PY

# ---- Node from the bundle ----------------------------------------------------------------
node=$work/node
if [ ! -x "$node" ] || [ "$bundle/node.xz" -nt "$node" ]; then
  step "unpacking Node from the bundle"
  "$PYTHON" -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' \
    "$bundle/node.xz" "$node.tmp" && chmod +x "$node.tmp" && mv "$node.tmp" "$node" || die "could not unpack $bundle/node.xz"
fi
"$node" --version > /dev/null 2>&1 || die "the bundled Node does not run here ($("$node" --version 2>&1 | head -1))"
step "node $("$node" --version)"

# ---- the addon, against this PyTorch's libtorch ------------------------------------------
export NODE_DIR=$bundle/node NODE_ADDON_API_DIR=$bundle/node-addon-api GQN_TORCH_BUILDER=direct
export GQN_TORCH_ADDON=$root/build/Release/gqn_torch.node
step "building the addon against $PYTHON's libtorch (a minute or two)"
"$node" scripts/build-torch.mjs --force || die "the addon did not build (compiler output above)"
"$node" -e '
  const m = require(process.env.GQN_TORCH_ADDON);
  const lib = m.library();
  console.log(`run.sh: addon loads: libtorch ${lib.version}, CUDA ${lib.cuda ? `yes, ${lib.cudaDevices} device(s)` : "NO"}`);
  if (process.env.DEVICE !== "cpu" && !lib.cuda) process.exit(1);
' || die "the addon does not load, or its libtorch has no CUDA"

status=0
# ---- kernels on the device against the cpu backend ---------------------------------------
step "kernel check on $DEVICE"
GQN_TORCH_TF32=0 timeout 600 "$node" "$bundle/check.mjs" "$DEVICE" 2 300 || { status=1; say "kernel check FAILED"; }

# ---- benchmarks --------------------------------------------------------------------------
step "benchmarks on $DEVICE"
GQN_ROOT=$root timeout 900 "$node" "$bundle/bench.mjs" "$DEVICE" 1 10 || { status=1; say "a benchmark FAILED"; }

step "done ($([ $status = 0 ] && echo PASS || echo FAIL)); report in $report"
exit $status
