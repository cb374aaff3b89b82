"""PyTorch column of the training benchmark: the same GQN (python/gqn_torch, the twin of the
TypeScript model), or JUMP (python/jump_torch) when the config file is {"kind": "jump", "model":
...}, the same step (ELBO forward, backward, Adam), the same inputs' shapes (M = 3 context views;
JUMP: T = 3 targets).

Usage: python3 bench/train_torch.py <threads> <config.json> <batch> <steps> [device]
"""
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "python"))
from gqn_torch import GQN  # noqa: E402
from jump_torch import JUMP  # noqa: E402


def main(threads, config_path, batch, steps, device="cpu"):
    dev = torch.device(device)
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    cfg = json.load(open(config_path))
    jump = cfg.get("kind") == "jump"
    if jump:
        cfg = cfg["model"]
    model = (JUMP if jump else GQN)(cfg).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=5e-4, betas=(0.9, 0.999), eps=1e-8)
    b, m, s = batch, 3, cfg["imageSize"]
    g = s // (4 if jump else cfg["scale"])
    ctx = torch.rand(b, m, 3, s, s, device=dev)
    ctx_v = torch.randn(b, m, 7, device=dev)
    if jump:
        q = torch.rand(b, 3, 3, s, s, device=dev)
        q_v = torch.randn(b, 3, 7, device=dev)
    else:
        q = torch.rand(b, 3, s, s, device=dev)
        q_v = torch.randn(b, 7, device=dev)
    latent_steps = cfg["latentSteps"] if jump else cfg["steps"]

    def step():
        eps = [torch.randn(b, cfg["zChannels"], g, g, device=dev) for _ in range(latent_steps)]
        opt.zero_grad()
        out = model.elbo(ctx, ctx_v, q, q_v, 2.0, eps)
        out["loss"].backward()
        opt.step()
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)

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
    main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), *sys.argv[5:6])
