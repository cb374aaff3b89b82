"""What every twin's parity.py does first: one thread, the model of the config, the checkpoint's
weights loaded into it, and the inputs (tfjs layout) read.

Usage of a parity module: python3 -m <twin>.parity CONFIG.json MODEL.safetensors INPUTS.safetensors OUT.safetensors
"""
import json

import torch

from .safetensors_io import load_checkpoint, read_safetensors


def load_case(make_model, config_path, model_path, inputs_path):
    """Returns (cfg, model, inputs): config.json's `model` (or the file itself), `make_model(cfg)`
    with the checkpoint loaded, and the input tensors by name."""
    torch.set_num_threads(1)
    cfg = json.load(open(config_path))
    cfg = cfg.get("model", cfg)
    model = make_model(cfg)
    load_checkpoint(model, model_path)
    inputs, _ = read_safetensors(inputs_path)
    return cfg, model, inputs
