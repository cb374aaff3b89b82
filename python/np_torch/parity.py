"""Computes what test/models/np-parity.test.ts compares: the objective's terms and the
importance-sampled log-likelihood of a batch, given a config, a checkpoint, and inputs plus noise.

Usage: python3 -m np_torch.parity CONFIG.json MODEL.safetensors INPUTS.safetensors OUT.safetensors
Inputs: context_x [B,C,dx], context_y [B,C,dy], target_x [B,T,dx], target_y [B,T,dy];
with a latent, eps [B,L] (the ELBO's) and eps_<k> [B,L] (the log-likelihood's K draws).
Outputs: loss [1], nll [B], kl [B], mean [B,T,dy], sigma [B,T,dy], log_likelihood [B].
"""
import sys

import torch

from gqn_torch.parity_io import load_case
from gqn_torch.safetensors_io import write_safetensors

from .model import NeuralProcess


def main(config_path, model_path, inputs_path, out_path):
    _, model, x = load_case(NeuralProcess, config_path, model_path, inputs_path)
    ctx = (x["context_x"], x["context_y"])
    tgt = (x["target_x"], x["target_y"])
    eps_list = [x[f"eps_{k}"] for k in range(len([n for n in x if n.startswith("eps_")]))]
    with torch.no_grad():
        out = model.elbo(*ctx, *tgt, x.get("eps"))
        ll = model.target_log_likelihood(*ctx, *tgt, eps_list)
    write_safetensors(out_path, {
        "loss": out["loss"].reshape(1), "nll": out["nll"], "kl": out["kl"], "mean": out["mean"], "sigma": out["sigma"],
        "log_likelihood": ll,
    })


if __name__ == "__main__":
    main(*sys.argv[1:5])
