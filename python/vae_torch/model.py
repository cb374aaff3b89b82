"""The VAE and CVAE of src/models/vae/vae.ts in PyTorch. Names match the TypeScript code and its
checkpoints (nn.Linear weights are (out, in)):

encoder.hidden, encoder.mean, encoder.log_var   q(z | x, y): [x, y] -> ReLU(hidden) -> mu, log-variance
decoder.hidden, decoder.logits                  p(x | z, y): [z, y] -> ReLU(hidden) -> Bernoulli logits
prior.mean, prior.log_var                       p(z | y), the CVAE's learned prior (the VAE: N(0, I))

y is the one-hot label; the VAE (classes 0) never sees it.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F



def kl_divergence(mu_q, log_var_q, mu_p, log_var_p):
    """KL(q || p) per element for diagonal Gaussians given by mean and log-variance."""
    return 0.5 * (log_var_p - log_var_q + (log_var_q.exp() + (mu_q - mu_p) ** 2) / log_var_p.exp() - 1)


class VAE(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["imageSize"] ** 2
        h, z, c = cfg["hidden"], cfg["zSize"], cfg["classes"]
        self.classes = c
        self.encoder = nn.ModuleDict({"hidden": nn.Linear(d + c, h), "mean": nn.Linear(h, z), "log_var": nn.Linear(h, z)})
        self.decoder = nn.ModuleDict({"hidden": nn.Linear(z + c, h), "logits": nn.Linear(h, d)})
        self.prior = nn.ModuleDict({"mean": nn.Linear(c, z), "log_var": nn.Linear(c, z)}) if c > 0 else None

    def with_label(self, a, y):
        return torch.cat([a, y], 1) if self.classes > 0 else a

    def encode(self, x, y):
        h = F.relu(self.encoder["hidden"](self.with_label(x, y)))
        return self.encoder["mean"](h), self.encoder["log_var"](h)

    def decode(self, z, y):
        return self.decoder["logits"](F.relu(self.decoder["hidden"](self.with_label(z, y))))

    def prior_of(self, y):
        if self.prior is None:
            zeros = torch.zeros(y.shape[0], self.encoder["mean"].out_features)
            return zeros, torch.zeros_like(zeros)
        return self.prior["mean"](y), self.prior["log_var"](y)

    def elbo(self, x, y, eps):
        """-ELBO terms per digit with the posterior sample z = mu + exp(log_var / 2) * eps."""
        mu, log_var = self.encode(x, y)
        z = mu + (0.5 * log_var).exp() * eps
        logits = self.decode(z, y)
        nll = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        mu_p, log_var_p = self.prior_of(y)
        kl = kl_divergence(mu, log_var, mu_p, log_var_p).sum(1)
        return {"loss": (nll + kl).mean(), "nll": nll, "kl": kl, "logits": logits, "z": z}
