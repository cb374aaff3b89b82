"""PyTorch twin of gqn's TypeScript GQN: same modules, parameter names, channel orders and
formulas, so that a checkpoint written by `gqn train` loads here unchanged (and back)."""
from .model import GQN, load_checkpoint
from .safetensors_io import read_safetensors, write_safetensors

__all__ = ["GQN", "load_checkpoint", "read_safetensors", "write_safetensors"]
