"""Computes what test/models/pytorch-parity.test.ts compares: the ELBO terms and the
representation of a batch, given a config, a checkpoint, and inputs plus noise.

Usage: python3 -m gqn_torch.parity CONFIG.json MODEL.safetensors INPUTS.safetensors OUT.safetensors
Inputs (tfjs layout, NHWC): context_images [B,M,S,S,C], context_viewpoints [B,M,7],
query_image [B,S,S,C], query_viewpoint [B,7], eps_<l> [B,g,g,z], sigma [1].
Outputs: loss [1], nll [B], kl [B], kl_per_step [L,B], mean [B,S,S,C], r [B,side,side,r] (NHWC).
"""
import sys

import torch

from .model import GQN
from .parity_io import load_case
from .safetensors_io import write_safetensors


def main(config_path, model_path, inputs_path, out_path):
    cfg, model, x = load_case(GQN, config_path, model_path, inputs_path)
    nchw = lambda t: t.permute(0, 3, 1, 2).contiguous()
    ctx = x["context_images"].permute(0, 1, 4, 2, 3).contiguous()
    eps = [nchw(x[f"eps_{l}"]) for l in range(cfg["steps"])]
    with torch.no_grad():
        out = model.elbo(ctx, x["context_viewpoints"], nchw(x["query_image"]), x["query_viewpoint"], float(x["sigma"][0]), eps)
    nhwc = lambda t: t.permute(0, 2, 3, 1).contiguous()
    write_safetensors(out_path, {
        "loss": out["loss"].reshape(1), "nll": out["nll"], "kl": out["kl"], "kl_per_step": out["kl_per_step"],
        "mean": nhwc(out["mean"]), "r": nhwc(out["r"]),
    })


if __name__ == "__main__":
    main(*sys.argv[1:5])
