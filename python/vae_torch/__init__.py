"""The VAE and CVAE of src/models/vae/ in PyTorch: loads gqn's checkpoints; the parity reference."""
