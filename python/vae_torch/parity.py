"""Computes what test/models/vae-parity.test.ts compares: the -ELBO terms of a batch of digits,
given a config, a checkpoint, and inputs plus noise.

Usage: python3 -m vae_torch.parity CONFIG.json MODEL.safetensors INPUTS.safetensors OUT.safetensors
Inputs: x [B,784], y [B,10] (one-hot), eps [B,z]. Outputs: loss [1], nll [B], kl [B], logits [B,784], z [B,z].
"""
import sys

import torch

from gqn_torch.parity_io import load_case
from gqn_torch.safetensors_io import write_safetensors
from .model import VAE


def main(config_path, model_path, inputs_path, out_path):
    _, model, x = load_case(VAE, config_path, model_path, inputs_path)
    with torch.no_grad():
        out = model.elbo(x["x"], x["y"], x["eps"])
    write_safetensors(out_path, {"loss": out["loss"].reshape(1), "nll": out["nll"], "kl": out["kl"], "logits": out["logits"], "z": out["z"]})


if __name__ == "__main__":
    main(*sys.argv[1:5])
