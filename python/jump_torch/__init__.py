"""PyTorch twin of gqn's TypeScript JUMP (src/models/jump/): same modules, parameter names,
channel orders and formulas, so that a checkpoint written by `gqn train --model jump` loads here
unchanged (and back)."""
from .model import JUMP

__all__ = ["JUMP"]
