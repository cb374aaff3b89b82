"""Minimal safetensors reader/writer for float32 tensors (the `safetensors` package is not in
Debian's archive): 8-byte little-endian header length, JSON header, raw little-endian data."""
import json
import struct

import torch


def read_safetensors(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, e in header.items():
        if e["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name}: dtype {e['dtype']}, only F32 is supported")
        b, end = e["data_offsets"]
        t = torch.frombuffer(bytearray(blob[base + b:base + end]), dtype=torch.float32)
        tensors[name] = t.reshape(e["shape"]).clone()
    return tensors, meta


def write_safetensors(path, tensors, metadata=None):
    header = {"__metadata__": metadata or {}}
    offset = 0
    names = sorted(tensors)
    chunks = []
    for name in names:
        data = tensors[name].detach().to(torch.float32).contiguous().cpu().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensors[name].shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        chunks.append(data)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for c in chunks:
            f.write(c)


def load_checkpoint(model, path):
    """Loads a model.safetensors written by `gqn train` (PyTorch layout, the same names) into `model`,
    any of the twins; every name must match."""
    tensors, meta = read_safetensors(path)
    missing, unexpected = model.load_state_dict(tensors, strict=False)
    if missing or unexpected:
        raise ValueError(f"{path}: missing {missing[:5]}, unexpected {unexpected[:5]}")
    return meta
