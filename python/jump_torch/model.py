"""JUMP, the Consistent GQN, of src/models/jump/ in PyTorch (NCHW). Names and channel orders
match the TypeScript code:

representation.conv1..conv8           the GQN's tower (gqn_torch.model.Tower)
latent.generation_core.conv           input [r_C, z_l, h_g]          -> gates i, f, o, g
latent.inference_core.conv            input [r_C, r_CT, h_g, h_e]
latent.prior / latent.posterior       h -> (mu, logvar) of z_l
renderer.core.conv                    input [z_1..z_L, (r_C with deterministicPath), v, u_down, h]
renderer.canvas                       ConvTranspose(4, stride 4): u += canvas(h)
renderer.u_down                       Conv(4, stride 4)
renderer.observation                  Conv 1x1, then sigmoid

With contextFrame 'query' the deterministic path's r_C is rebuilt in each query's frame.
"""
import math

import torch
import torch.nn as nn

from gqn_torch.model import ConvLSTMCell, Tower, kl_divergence, to_query_frame, turn

SCALE = 4


def per_view(t, q):
    """Each row of t [B, ...] repeated for Q views: [B*Q, ...], scene-major."""
    return t[:, None].expand(-1, q, *t.shape[1:]).flatten(0, 1)


class SceneLatent(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        r, h, z, k = cfg["rChannels"], cfg["hChannels"], cfg["zChannels"], cfg["coreKernel"]
        self.generation_core = ConvLSTMCell(r + z, h, k)
        self.inference_core = ConvLSTMCell(2 * r + h, h, k)
        self.prior = nn.Conv2d(h, 2 * z, k, padding=k // 2)
        self.posterior = nn.Conv2d(h, 2 * z, k, padding=k // 2)
        self.grid = cfg["imageSize"] // SCALE

    def on_grid(self, r):
        return r if r.shape[2] == self.grid else r.expand(-1, -1, self.grid, self.grid)

    def infer(self, r_c, r_ct, eps):
        r_c, r_ct = self.on_grid(r_c), self.on_grid(r_ct)
        hg = r_c.new_zeros(r_c.shape[0], self.cfg["hChannels"], self.grid, self.grid)
        cg, he, ce = hg.clone(), hg.clone(), hg.clone()
        zs, kl = [], 0
        for l in range(self.cfg["latentSteps"]):
            mu_p, logvar_p = torch.chunk(self.prior(hg), 2, 1)
            he, ce = self.inference_core(torch.cat([r_c, r_ct, hg], 1), he, ce)
            mu_q, logvar_q = torch.chunk(self.posterior(he), 2, 1)
            z = mu_q + torch.exp(0.5 * logvar_q) * eps[l]
            hg, cg = self.generation_core(torch.cat([r_c, z], 1), hg, cg)
            zs.append(z)
            kl = kl + kl_divergence(mu_q, logvar_q, mu_p, logvar_p).sum(dim=(1, 2, 3))
        return torch.cat(zs, 1), kl

    def generate(self, r_c, eps):
        r_c = self.on_grid(r_c)
        hg = r_c.new_zeros(r_c.shape[0], self.cfg["hChannels"], self.grid, self.grid)
        cg = hg.clone()
        zs = []
        for l in range(self.cfg["latentSteps"]):
            mu_p, logvar_p = torch.chunk(self.prior(hg), 2, 1)
            z = mu_p + torch.exp(0.5 * logvar_p) * eps[l]
            hg, cg = self.generation_core(torch.cat([r_c, z], 1), hg, cg)
            zs.append(z)
        return torch.cat(zs, 1)


class Renderer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        h, u, k = cfg["hChannels"], cfg["uChannels"], cfg["coreKernel"]
        code = cfg["latentSteps"] * cfg["zChannels"] + (cfg["rChannels"] if cfg["deterministicPath"] else 0)
        self.core = ConvLSTMCell(code + cfg["viewpointSize"] + u, h, k)
        self.canvas = nn.ConvTranspose2d(h, u, SCALE, stride=SCALE)
        self.u_down = nn.Conv2d(u, u, SCALE, stride=SCALE)
        self.observation = nn.Conv2d(u, cfg["imageChannels"], 1)
        self.grid = cfg["imageSize"] // SCALE

    def forward(self, z, v):
        cfg, g = self.cfg, self.grid
        n = z.shape[0]
        cond = torch.cat([z, v[:, :, None, None].expand(-1, -1, g, g)], 1)
        h = z.new_zeros(n, cfg["hChannels"], g, g)
        c = h.clone()
        u = z.new_zeros(n, cfg["uChannels"], cfg["imageSize"], cfg["imageSize"])
        for _ in range(cfg["renderSteps"]):
            h, c = self.core(torch.cat([cond, self.u_down(u)], 1), h, c)
            u = u + self.canvas(h)
        return torch.sigmoid(self.observation(u))


class JUMP(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        if cfg["representation"] not in ("tower", "pool"):
            raise ValueError(f"representation: expected tower or pool, got {cfg['representation']!r}")
        self.cfg = cfg
        self.representation = Tower(cfg, pool=cfg["representation"] == "pool")
        self.latent = SceneLatent(cfg)
        self.renderer = Renderer(cfg)

    def in_frame(self, ctx_viewpoints, views):
        """views [B, N, 7] as the latent and renderer see them: with contextFrame 'context' or
        'query', turned so that each scene's first context view looks along +x (no context: as given)."""
        if self.cfg.get("contextFrame", "world") == "world" or ctx_viewpoints.shape[1] == 0:
            return views
        ref = ctx_viewpoints[:, 0]
        return turn(views, ref[:, None, 3:4], ref[:, None, 4:5])

    def represent(self, images, viewpoints):
        """images [B, M, C, S, S], viewpoints [B, M, 7] -> r [B, r, side, side] (sum over M)."""
        b, m = images.shape[:2]
        flat = self.representation(images.flatten(0, 1), viewpoints.flatten(0, 1))
        return flat.view(b, m, *flat.shape[1:]).sum(1)

    def path_r(self, ctx_images, ctx_viewpoints, r_c, viewpoints):
        """The deterministic path's r per view [B*Q, r, g, g]: r_C, or with contextFrame 'query'
        r_C rebuilt in each query's frame (None without the path)."""
        if not self.cfg["deterministicPath"]:
            return None
        q = viewpoints.shape[1]
        if self.cfg.get("contextFrame", "world") != "query" or ctx_images.shape[1] == 0:
            return per_view(self.latent.on_grid(r_c), q)
        ctx_v, _ = to_query_frame(per_view(ctx_viewpoints, q), viewpoints.flatten(0, 1))
        return self.latent.on_grid(self.represent(per_view(ctx_images, q), ctx_v))

    def render_views(self, z, ctx_images, ctx_viewpoints, r_c, viewpoints):
        """One z per scene [B, L*z, g, g] at its T cameras [B, T, 7] (as the data gives them) -> [B, T, C, S, S]."""
        b, t = viewpoints.shape[:2]
        code = per_view(z, t)
        r = self.path_r(ctx_images, ctx_viewpoints, r_c, viewpoints)
        if r is not None:
            code = torch.cat([code, r], 1)
        x = self.renderer(code, self.in_frame(ctx_viewpoints, viewpoints).flatten(0, 1))
        return x.view(b, t, *x.shape[1:])

    def elbo(self, ctx_images, ctx_viewpoints, target_images, target_viewpoints, sigma, eps):
        r_c = self.represent(ctx_images, self.in_frame(ctx_viewpoints, ctx_viewpoints))
        r_ct = r_c + self.represent(target_images, self.in_frame(ctx_viewpoints, target_viewpoints))
        z, kl = self.latent.infer(r_c, r_ct, eps)
        mean = self.render_views(z, ctx_images, ctx_viewpoints, r_c, target_viewpoints)
        d = target_images[0, 0].numel()
        nll_per_view = 0.5 / sigma ** 2 * ((target_images - mean) ** 2).sum(dim=(2, 3, 4)) + d * (math.log(sigma) + 0.5 * math.log(2 * math.pi))
        nll = nll_per_view.sum(1)
        return {"loss": (nll + kl).mean(), "nll": nll, "kl": kl, "mean": mean, "z": z}

    def sample_views(self, ctx_images, ctx_viewpoints, query_viewpoints, eps):
        """Views [B, Q, C, S, S] of one prior sample of z per scene."""
        r_c = self.represent(ctx_images, self.in_frame(ctx_viewpoints, ctx_viewpoints))
        return self.render_views(self.latent.generate(r_c, eps), ctx_images, ctx_viewpoints, r_c, query_viewpoints)
