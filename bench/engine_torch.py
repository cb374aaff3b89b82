"""PyTorch column of the engine benchmark: the same convolution shapes and passes as
bench/engine-run.ts, timed the same way (median after one warm-up), printed as JSON.

Usage: python3 bench/engine_torch.py <threads> <seconds-per-cell> [device] < shapes.json
"""
import json
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def out_size(size, k, stride, pad):
    return -(-size // stride) if pad == "same" else -(-(size - k + 1) // stride)


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_ms(fn, budget_ms, device):
    fn()
    sync(device)
    times = []
    start = time.perf_counter()
    while len(times) < 3 or ((time.perf_counter() - start) * 1000 < budget_ms and len(times) < 50):
        t0 = time.perf_counter()
        fn()
        sync(device)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def run(s, budget_ms, device):
    n, h, w, ci, co, k, st = s["n"], s["h"], s["w"], s["ci"], s["co"], s["k"], s["stride"]
    oh, ow = out_size(h, k, st, s["pad"]), out_size(w, k, st, s["pad"])
    # tfjs 'same' with stride 1 and an odd kernel is symmetric padding; the others are 'valid'.
    pad = (k - 1) // 2 if s["pad"] == "same" else 0
    x = torch.randn(n, ci, h, w, device=device)
    wt = torch.randn(co, ci, k, k, device=device)
    dy = torch.randn(n, co, oh, ow, device=device)
    conv = dict(stride=[st, st], padding=[pad, pad], dilation=[1, 1], transposed=False,
                output_padding=[0, 0], groups=1, bias_sizes=None)

    def forward():
        return F.conv2d(x, wt, stride=st, padding=pad)

    def input_grad():
        return torch.ops.aten.convolution_backward(dy, x, wt, output_mask=[True, False, False], **conv)[0]

    def filter_grad():
        return torch.ops.aten.convolution_backward(dy, x, wt, output_mask=[False, True, False], **conv)[1]

    passes = {"forward": input_grad, "inputGrad": forward, "filterGrad": filter_grad} if s.get("transpose") \
        else {"forward": forward, "inputGrad": input_grad, "filterGrad": filter_grad}
    flops = 2 * n * oh * ow * k * k * ci * co
    with torch.no_grad():
        return {"name": s["name"], "batch": n,
                "gflops": {p: flops / (time_ms(fn, budget_ms, device) * 1e6) for p, fn in passes.items()}}


def main():
    threads = int(sys.argv[1])
    budget_ms = float(sys.argv[2]) * 1000
    device = torch.device(sys.argv[3] if len(sys.argv) > 3 else "cpu")
    torch.set_num_threads(threads)
    shapes = json.load(sys.stdin)
    results = [run(s, budget_ms, device) for s in shapes]
    print(json.dumps({"backend": "torch", "threads": torch.get_num_threads(),
                      "version": torch.__version__, "device": str(device), "results": results}))


if __name__ == "__main__":
    main()
