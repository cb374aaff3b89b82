"""The GQN of src/models/gqn/ in PyTorch (NCHW). Names and channel orders match the TypeScript
code and docs/checkpoints.md:

representation.conv1..conv8 (tower/pool) or conv1..conv4 (pyramid)
generator.generation_cores.<l>.conv   input [v, r, z, h_g]            -> gates i, f, o, g
generator.inference_cores.<l>.conv    input [x_down, v, r, h_g, u_down, h_e]
generator.prior / posterior            h -> (mu, logvar) of z
generator.canvas                       ConvTranspose(scale, stride scale): u += canvas(h_g)
generator.x_down / u_down              Conv(scale, stride scale)
generator.observation                  Conv 1x1, then sigmoid
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from .safetensors_io import load_checkpoint  # noqa: F401 (re-exported)


class ConvLSTMCell(nn.Module):
    def __init__(self, in_ch, hidden, k):
        super().__init__()
        self.conv = nn.Conv2d(in_ch + hidden, 4 * hidden, k, padding=k // 2)

    def forward(self, inputs, h, c):
        i, f, o, g = torch.chunk(self.conv(torch.cat([inputs, h], 1)), 4, 1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c


class Tower(nn.Module):
    def __init__(self, cfg, pool):
        super().__init__()
        r, k, v, ch = cfg["rChannels"], cfg["towerHidden"], cfg["viewpointSize"], cfg["imageChannels"]
        self.pool = pool
        self.conv1 = nn.Conv2d(ch, r, 2, stride=2)
        self.conv2 = nn.Conv2d(r, r, 2, stride=2)
        self.conv3 = nn.Conv2d(r, k, 3, padding=1)
        self.conv4 = nn.Conv2d(k, r, 2, stride=2)
        self.conv5 = nn.Conv2d(r + v, r, 3, padding=1)
        self.conv6 = nn.Conv2d(r + v, k, 3, padding=1)
        self.conv7 = nn.Conv2d(k, r, 3, padding=1)
        self.conv8 = nn.Conv2d(r, r, 1)

    def forward(self, x, v):
        skip_in = F.relu(self.conv1(x))
        skip_out = F.relu(self.conv2(skip_in))
        r = F.relu(self.conv3(skip_in))
        r = F.relu(self.conv4(r)) + skip_out
        skip_in = torch.cat([r, v[:, :, None, None].expand(-1, -1, r.shape[2], r.shape[3])], 1)
        skip_out = F.relu(self.conv5(skip_in))
        r = F.relu(self.conv6(skip_in))
        r = F.relu(self.conv7(r)) + skip_out
        r = F.relu(self.conv8(r))
        return r.mean(dim=(2, 3), keepdim=True) if self.pool else r


class Pyramid(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        s, ch, v = cfg["imageSize"], cfg["imageChannels"], cfg["viewpointSize"]
        self.conv1 = nn.Conv2d(ch + v, 32, 2, stride=2)
        self.conv2 = nn.Conv2d(32, 64, 2, stride=2)
        self.conv3 = nn.Conv2d(64, 128, 2, stride=2)
        self.conv4 = nn.Conv2d(128, cfg["rChannels"], s // 8, stride=s // 8)

    def forward(self, x, v):
        y = torch.cat([x, v[:, :, None, None].expand(-1, -1, x.shape[2], x.shape[3])], 1)
        for conv in (self.conv1, self.conv2, self.conv3, self.conv4):
            y = F.relu(conv(y))
        return y


def kl_divergence(mu_q, logvar_q, mu_p, logvar_p):
    return 0.5 * (logvar_p - logvar_q + (logvar_q.exp() + (mu_q - mu_p) ** 2) / logvar_p.exp() - 1)


class Generator(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        h, z, u, k, s = cfg["hChannels"], cfg["zChannels"], cfg["uChannels"], cfg["coreKernel"], cfg["scale"]
        vr = cfg["viewpointSize"] + cfg["rChannels"]
        ch = cfg["imageChannels"]
        cores = 1 if cfg["shareCores"] else cfg["steps"]
        self.generation_cores = nn.ModuleList([ConvLSTMCell(vr + z, h, k) for _ in range(cores)])
        self.inference_cores = nn.ModuleList([ConvLSTMCell(ch + vr + h + u, h, k) for _ in range(cores)])
        self.prior = nn.Conv2d(h, 2 * z, k, padding=k // 2)
        self.posterior = nn.Conv2d(h, 2 * z, k, padding=k // 2)
        self.canvas = nn.ConvTranspose2d(h, u, s, stride=s)
        self.x_down = nn.Conv2d(ch, ch, s, stride=s)
        self.u_down = nn.Conv2d(u, u, s, stride=s)
        self.observation = nn.Conv2d(u, ch, 1)
        self.grid = cfg["imageSize"] // s

    def core(self, cores, l):
        return cores[0 if self.cfg["shareCores"] else l]

    def conditioning(self, v, r):
        g = self.grid
        if r.shape[2] != g:
            r = r.expand(-1, -1, g, g)
        return torch.cat([v[:, :, None, None].expand(-1, -1, g, g), r], 1)

    def infer(self, x, v, r, eps):
        cfg = self.cfg
        b = x.shape[0]
        cond = self.conditioning(v, r)
        x_down = self.x_down(x)
        hg = x.new_zeros(b, cfg["hChannels"], self.grid, self.grid)
        cg, he, ce = hg.clone(), hg.clone(), hg.clone()
        u = x.new_zeros(b, cfg["uChannels"], cfg["imageSize"], cfg["imageSize"])
        kls = []
        for l in range(cfg["steps"]):
            mu_p, logvar_p = torch.chunk(self.prior(hg), 2, 1)
            he, ce = self.core(self.inference_cores, l)(torch.cat([x_down, cond, hg, self.u_down(u)], 1), he, ce)
            mu_q, logvar_q = torch.chunk(self.posterior(he), 2, 1)
            z = mu_q + torch.exp(0.5 * logvar_q) * eps[l]
            hg, cg = self.core(self.generation_cores, l)(torch.cat([cond, z], 1), hg, cg)
            u = u + self.canvas(hg)
            kls.append(kl_divergence(mu_q, logvar_q, mu_p, logvar_p).sum(dim=(1, 2, 3)))
        kl_per_step = torch.stack(kls)
        return torch.sigmoid(self.observation(u)), kl_per_step.sum(0), kl_per_step

    def generate(self, v, r, eps):
        cfg = self.cfg
        b = v.shape[0]
        cond = self.conditioning(v, r)
        hg = v.new_zeros(b, cfg["hChannels"], self.grid, self.grid)
        cg = hg.clone()
        u = v.new_zeros(b, cfg["uChannels"], cfg["imageSize"], cfg["imageSize"])
        for l in range(cfg["steps"]):
            mu_p, logvar_p = torch.chunk(self.prior(hg), 2, 1)
            z = mu_p + torch.exp(0.5 * logvar_p) * eps[l]
            hg, cg = self.core(self.generation_cores, l)(torch.cat([cond, z], 1), hg, cg)
            u = u + self.canvas(hg)
        return torch.sigmoid(self.observation(u))


def turn(v, c, s):
    """Viewpoint rows (x, y, z, cos yaw, sin yaw, cos pitch, sin pitch) turned about the vertical
    axis by the heading whose cosine and sine are c and s (query-frame.ts)."""
    x, y, z, cy, sy = v[..., 0:1], v[..., 1:2], v[..., 2:3], v[..., 3:4], v[..., 4:5]
    return torch.cat([x * c + z * s, y, z * c - x * s, cy * c + sy * s, sy * c - cy * s, v[..., 5:7]], -1)


def to_query_frame(ctx_viewpoints, query_viewpoint):
    """Every camera turned about the vertical axis so the query looks along +x (query-frame.ts).

    ctx_viewpoints [B, M, 7], query_viewpoint [B, 7].
    """
    c, s = query_viewpoint[:, 3:4], query_viewpoint[:, 4:5]
    return turn(ctx_viewpoints, c[:, None], s[:, None]), turn(query_viewpoint, c, s)


class GQN(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        kind = cfg["representation"]
        self.representation = Pyramid(cfg) if kind == "pyramid" else Tower(cfg, pool=(kind == "pool"))
        self.generator = Generator(cfg)

    def represent(self, images, viewpoints):
        """images [B, M, C, S, S], viewpoints [B, M, 7] -> r [B, r, side, side] (sum over M)."""
        b, m = images.shape[:2]
        flat = self.representation(images.flatten(0, 1), viewpoints.flatten(0, 1))
        return flat.view(b, m, *flat.shape[1:]).sum(1)

    def elbo(self, ctx_images, ctx_viewpoints, query_image, query_viewpoint, sigma, eps):
        if self.cfg.get("contextFrame", "world") == "query":
            ctx_viewpoints, query_viewpoint = to_query_frame(ctx_viewpoints, query_viewpoint)
        r = self.represent(ctx_images, ctx_viewpoints)
        mean, kl, kl_per_step = self.generator.infer(query_image, query_viewpoint, r, eps)
        d = query_image[0].numel()
        nll = 0.5 / sigma ** 2 * ((query_image - mean) ** 2).sum(dim=(1, 2, 3)) + d * (math.log(sigma) + 0.5 * math.log(2 * math.pi))
        return {"loss": (nll + kl).mean(), "nll": nll, "kl": kl, "kl_per_step": kl_per_step, "mean": mean, "r": r}
