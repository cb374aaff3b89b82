"""PyTorch column of the training benchmark: the same GQN (python/gqn_torch, the twin of the
TypeScript model), the same step (ELBO forward, backward, Adam), the same inputs' shapes.

Usage: python3 bench/train_torch.py <threads> <config.json> <batch> <steps>
"""
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
from gqn_torch import GQN  # noqa: E402


def main(threads, config_path, batch, steps):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    cfg = json.load(open(config_path))
    model = GQN(cfg)
    opt = torch.optim.Adam(model.parameters(), lr=5e-4, betas=(0.9, 0.999), eps=1e-8)
    b, m, s, g = batch, 3, cfg["imageSize"], cfg["imageSize"] // cfg["scale"]
    ctx = torch.rand(b, m, 3, s, s)
    ctx_v = torch.randn(b, m, 7)
    q = torch.rand(b, 3, s, s)
    q_v = torch.randn(b, 7)

    def step():
        eps = [torch.randn(b, cfg["zChannels"], g, g) for _ in range(cfg["steps"])]
        opt.zero_grad()
        out = model.elbo(ctx, ctx_v, q, q_v, 2.0, eps)
        out["loss"].backward()
        opt.step()

    step()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    params = sum(p.numel() for p in model.parameters())
    print(json.dumps({"backend": "torch", "threads": torch.get_num_threads(), "batch": b, "params": params,
                      "secondsPerStep": statistics.median(times)}))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
