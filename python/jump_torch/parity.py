"""Computes what test/models/jump-parity.test.ts compares: JUMP's ELBO terms, the posterior's z
and reconstructions, and the views of one prior sample, given a config, a checkpoint, and inputs
plus noise.

Usage: python3 -m jump_torch.parity CONFIG.json MODEL.safetensors INPUTS.safetensors OUT.safetensors
Inputs (tfjs layout, NHWC): context_images [B,M,S,S,C], context_viewpoints [B,M,7],
target_images [B,T,S,S,C], target_viewpoints [B,T,7], eps_<l> [B,g,g,z], sigma [1].
Outputs: loss [1], nll [B], kl [B], z [B,g,g,L*z], mean [B,T,S,S,C], prior_views [B,T,S,S,C].
"""
import sys

import torch

from gqn_torch.parity_io import load_case
from gqn_torch.safetensors_io import write_safetensors

from .model import JUMP


def main(config_path, model_path, inputs_path, out_path):
    cfg, model, x = load_case(JUMP, config_path, model_path, inputs_path)
    views_in = lambda t: t.permute(0, 1, 4, 2, 3).contiguous()
    views_out = lambda t: t.permute(0, 1, 3, 4, 2).contiguous()
    eps = [x[f"eps_{l}"].permute(0, 3, 1, 2).contiguous() for l in range(cfg["latentSteps"])]
    ctx, ctx_v = views_in(x["context_images"]), x["context_viewpoints"]
    with torch.no_grad():
        out = model.elbo(ctx, ctx_v, views_in(x["target_images"]), x["target_viewpoints"], float(x["sigma"][0]), eps)
        prior = model.sample_views(ctx, ctx_v, x["target_viewpoints"], eps)
    write_safetensors(out_path, {
        "loss": out["loss"].reshape(1), "nll": out["nll"], "kl": out["kl"],
        "z": out["z"].permute(0, 2, 3, 1).contiguous(), "mean": views_out(out["mean"]), "prior_views": views_out(prior),
    })


if __name__ == "__main__":
    main(*sys.argv[1:5])
