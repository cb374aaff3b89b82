"""PyTorch twin of gqn's Neural Process family (src/models/np/): CNP, NP and ANP with the same
modules, parameter names and formulas, so that a checkpoint written by `gqn train --model
cnp|np|anp` loads here unchanged."""
from .model import NeuralProcess

__all__ = ["NeuralProcess"]
