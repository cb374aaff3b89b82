"""The Neural Process family of src/models/np/ in PyTorch. Points are [B, N, d] tensors; names
match the TypeScript ParamStore (docs/models.md, "Neural Processes"):

deterministic_encoder.mlp.layers.<i>                 r_i = MLP([x_i, y_i])
deterministic_encoder.self_attention.<l>.attention.{query,key,value,output}, .norm   (ANP)
deterministic_encoder.x_embedding.layers.<i>         e(x) for queries and keys (ANP)
deterministic_encoder.cross_attention.{query,key,value,output}                      (ANP)
latent_encoder.mlp.layers.<i>, .self_attention.<l>..., .hidden, .mu, .sigma        q(z | s)
decoder.mlp.layers.<i>                                [mu, raw sigma] = MLP([r, z, x])
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F



class Mlp(nn.Module):
    """Linear layers with ReLU between them, none after the last."""

    def __init__(self, in_features, widths):
        super().__init__()
        sizes = [in_features, *widths]
        self.layers = nn.ModuleList([nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])])

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                x = F.relu(x)
        return x


class MultiheadAttention(nn.Module):
    """softmax(Q_h K_h^T / sqrt(d_h)) V_h per head, heads concatenated, then the output projection."""

    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.head_size = dim // heads
        self.query = nn.Linear(dim, dim)
        self.key = nn.Linear(dim, dim)
        self.value = nn.Linear(dim, dim)
        self.output = nn.Linear(dim, dim)

    def forward(self, q, k, v):
        b, nq, _ = q.shape
        nk = k.shape[1]
        split = lambda t, n: t.view(b, n, self.heads, self.head_size).transpose(1, 2)
        qh, kh, vh = split(self.query(q), nq), split(self.key(k), nk), split(self.value(v), nk)
        weights = torch.softmax(qh @ kh.transpose(-1, -2) / math.sqrt(self.head_size), dim=-1)
        return self.output((weights @ vh).transpose(1, 2).reshape(b, nq, -1))


class SelfAttentionBlock(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.attention = MultiheadAttention(dim, heads)
        self.norm = nn.LayerNorm(dim)

    def forward(self, h):
        return self.norm(h + self.attention(h, h, h))


class DeterministicEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        h = cfg["hidden"]
        self.mlp = Mlp(cfg["xSize"] + cfg["ySize"], [h] * cfg["encoderLayers"])
        self.self_attention = nn.ModuleList([SelfAttentionBlock(h, cfg["heads"]) for _ in range(cfg["selfAttention"])])
        self.attend = cfg["deterministicPath"] == "attention"
        if self.attend:
            self.x_embedding = Mlp(cfg["xSize"], [h, h])
            self.cross_attention = MultiheadAttention(h, cfg["heads"])

    def forward(self, context_x, context_y, target_x):
        ri = self.mlp(torch.cat([context_x, context_y], -1))
        for block in self.self_attention:
            ri = block(ri)
        if self.attend:
            return self.cross_attention(self.x_embedding(target_x), self.x_embedding(context_x), ri)
        return ri.mean(1, keepdim=True).expand(-1, target_x.shape[1], -1)


class LatentEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        h = cfg["hidden"]
        self.mlp = Mlp(cfg["xSize"] + cfg["ySize"], [h] * cfg["encoderLayers"])
        self.self_attention = nn.ModuleList([SelfAttentionBlock(h, cfg["heads"]) for _ in range(cfg["selfAttention"])])
        self.hidden = nn.Linear(h, h)
        self.mu = nn.Linear(h, cfg["latentSize"])
        self.sigma = nn.Linear(h, cfg["latentSize"])

    def forward(self, x, y):
        si = self.mlp(torch.cat([x, y], -1))
        for block in self.self_attention:
            si = block(si)
        s = F.relu(self.hidden(si.mean(1)))
        return self.mu(s), 0.1 + 0.9 * torch.sigmoid(self.sigma(s))


class Decoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        h = cfg["hidden"]
        r = 0 if cfg["deterministicPath"] == "none" else h
        self.y_size = cfg["ySize"]
        self.mlp = Mlp(r + cfg["latentSize"] + cfg["xSize"], [h] * cfg["decoderLayers"] + [2 * cfg["ySize"]])

    def forward(self, r, z, target_x):
        parts = [] if r is None else [r]
        if z is not None:
            parts.append(z[:, None, :].expand(-1, target_x.shape[1], -1))
        out = self.mlp(torch.cat([*parts, target_x], -1))
        return out[..., :self.y_size], 0.1 + 0.9 * F.softplus(out[..., self.y_size:])


def normal_log_prob(y, mu, sigma):
    return -0.5 * ((y - mu) / sigma) ** 2 - torch.log(sigma) - 0.5 * math.log(2 * math.pi)


def normal_kl(mu_q, sigma_q, mu_p, sigma_p):
    return torch.log(sigma_p / sigma_q) + (sigma_q ** 2 + (mu_q - mu_p) ** 2) / (2 * sigma_p ** 2) - 0.5


class NeuralProcess(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        if cfg["deterministicPath"] != "none":
            self.deterministic_encoder = DeterministicEncoder(cfg)
        if cfg["latentSize"] > 0:
            self.latent_encoder = LatentEncoder(cfg)
        self.decoder = Decoder(cfg)

    def r(self, context_x, context_y, target_x):
        return self.deterministic_encoder(context_x, context_y, target_x) if self.cfg["deterministicPath"] != "none" else None

    def elbo(self, context_x, context_y, target_x, target_y, eps):
        """Loss per target point, NLL per point [B], KL [B], predictive mean and sigma at the targets."""
        b, t = target_x.shape[:2]
        r = self.r(context_x, context_y, target_x)
        z, kl = None, target_x.new_zeros(b)
        if self.cfg["latentSize"] > 0:
            mu_p, sigma_p = self.latent_encoder(context_x, context_y)
            mu_q, sigma_q = self.latent_encoder(target_x, target_y)
            z = mu_q + sigma_q * eps
            kl = normal_kl(mu_q, sigma_q, mu_p, sigma_p).sum(1)
        mean, sigma = self.decoder(r, z, target_x)
        nll = -normal_log_prob(target_y, mean, sigma).sum(2).mean(1)
        return {"loss": (nll + kl / t).mean(), "nll": nll, "kl": kl, "mean": mean, "sigma": sigma}

    def target_log_likelihood(self, context_x, context_y, target_x, target_y, eps_list):
        """log p(y_T | x_T, C) per function; with a latent, importance-sampled from q(z | C u T)."""
        r = self.r(context_x, context_y, target_x)

        def joint(z):
            mean, sigma = self.decoder(r, z, target_x)
            return normal_log_prob(target_y, mean, sigma).sum((1, 2))

        if self.cfg["latentSize"] == 0:
            return joint(None)
        mu_p, sigma_p = self.latent_encoder(context_x, context_y)
        mu_q, sigma_q = self.latent_encoder(torch.cat([context_x, target_x], 1), torch.cat([context_y, target_y], 1))
        log_w = []
        for eps in eps_list:
            z = mu_q + sigma_q * eps
            log_w.append(joint(z) + normal_log_prob(z, mu_p, sigma_p).sum(1) - normal_log_prob(z, mu_q, sigma_q).sum(1))
        return torch.logsumexp(torch.stack(log_w), 0) - math.log(len(eps_list))
