#!/usr/bin/env python3
"""PyTorch reference for jinn's `e2e` benchmark suite (optional tooling; jinn itself needs no Python).

Times one training step -- forward pass, maximum-likelihood loss, backward pass, Adam update -- of the same
reference models that dev.jinn.bench.E2EBench builds with jinn, written here in plain PyTorch (no FrEIA), with
PyTorch's default initialisation (which jinn's layers reproduce) and torch.optim.Adam(lr=1e-3):

  moons   FrEIA's quick start: 8 AllInOneBlocks on 2 dims (subnet Linear(1,512)-ReLU-Linear(512,2), soft
          permutation, softplus global affine), batch 100.
  digits  the class-conditional digits INN of `jinn demo --digits`: 12 AllInOneBlocks on 64 dims with a 10-dim
          one-hot condition (subnet Linear(42,512)-ReLU-Linear(512,64)), batch 256.
  conv    FrEIA README's convolutional INN on 3x32x32, batch 8: 4 GLOW couplings (conv 3x3, 256 hidden, clamp 1.2)
          with random permutations, i-RevNet downsampling, 12 GLOW couplings alternating 1x1 and 3x3 subnets with
          permutations, flatten, split 1/4 : 3/4, 12 fully connected GLOW couplings (512 hidden, clamp 2) with
          permutations on the first part, concatenation.
  maf     `jinn train --arch maf --blocks 5 --hidden 256` on 8 features: 5 MAF transforms, each a MADE (masked
          Linear(8,256)-ReLU-Linear(256,256)-ReLU-Linear(256,16), the mask multiplied into the weight on every call
          as zuko and nflows do) giving a log-scale (soft clamp 2*0.636*atan) and a shift per feature, orders
          alternating natural and reversed, batch 256.
  nsf     the same with `--arch nsf --bins 8`: each MADE gives the 3K-1 = 23 parameters per feature of a
          monotone rational-quadratic spline on [-3, 3] (Durkan et al. 2019: K widths, K heights, K-1 inner
          derivatives, linear tails), batch 256.
  score   inference, not training: the log-likelihood of 1,000,000 rows under the moons model, in batches of
          4096, inside torch.inference_mode(); one "step" scores all the rows.

Prints one line per case: "e2e <case> torch_ms=<median milliseconds per step>" (for score: per pass over all rows).

    python3 jinn-bench/scripts/torch_e2e.py [--threads N] [--seconds S] [--case moons|digits|conv|maf|nsf|score]
"""
import argparse
import math
import statistics
import sys
import time

try:
    import torch
    import torch.nn as nn
except ImportError:
    sys.exit("torch_e2e.py: this python3 has no torch module (try /usr/bin/python3 after apt-get install python3-torch)")


def mlp(c_in, c_out, hidden):
    return nn.Sequential(nn.Linear(c_in, hidden), nn.ReLU(), nn.Linear(hidden, c_out))


def conv(c_in, c_out, hidden, k):
    return nn.Sequential(nn.Conv2d(c_in, hidden, k, padding=k // 2), nn.ReLU(), nn.Conv2d(hidden, c_out, k, padding=k // 2))


def random_rotation(n, gen):
    # A Haar-random orthogonal matrix from the QR decomposition of a Gaussian matrix (sign-corrected).
    q, r = torch.linalg.qr(torch.randn(n, n, generator=gen, dtype=torch.float64))
    return (q * torch.sign(torch.diagonal(r))).float()


class AllInOne(nn.Module):
    """Affine coupling (0.1-scaled subnet output, clamp 2 tanh), softplus global affine, soft permutation."""

    def __init__(self, dims, cond, hidden, gen, clamp=2.0):
        super().__init__()
        self.len1, self.len2 = dims - dims // 2, dims // 2
        self.clamp = clamp
        self.subnet = mlp(self.len1 + cond, 2 * self.len2, hidden)
        init = 2.0 * math.log(math.exp(0.5 * 10.0) - 1)
        self.global_scale = nn.Parameter(torch.full((1, dims), init))
        self.global_offset = nn.Parameter(torch.zeros(1, dims))
        self.register_buffer("w_perm", random_rotation(dims, gen))

    def forward(self, x, c):
        x1, x2 = x[:, :self.len1], x[:, self.len1:]
        a = self.subnet(torch.cat([x1, c], 1) if c is not None else x1) * 0.1
        s = self.clamp * torch.tanh(a[:, :self.len2] / self.clamp)
        y = torch.cat([x1, x2 * torch.exp(s) + a[:, self.len2:]], 1)
        scale = 0.1 * nn.functional.softplus(self.global_scale, beta=0.5)
        y = nn.functional.linear(y * scale + self.global_offset, self.w_perm)
        return y, s.sum(1) + torch.log(scale).sum()


class Glow(nn.Module):
    """GLOW coupling on channel halves (atan clamp), for vectors [B, C] or images [B, C, H, W]."""

    def __init__(self, channels, make_subnet, clamp):
        super().__init__()
        self.len1, self.len2 = channels // 2, channels - channels // 2
        self.clamp = clamp
        self.subnet1 = make_subnet(self.len1, 2 * self.len2)
        self.subnet2 = make_subnet(self.len2, 2 * self.len1)

    def _affine(self, x, a, n):
        s = self.clamp * 0.636 * torch.atan(a[:, :n])
        return torch.exp(s) * x + a[:, n:], s.flatten(1).sum(1)

    def forward(self, x):
        x1, x2 = x[:, :self.len1], x[:, self.len1:]
        y2, j2 = self._affine(x2, self.subnet1(x1), self.len2)
        y1, j1 = self._affine(x1, self.subnet2(y2), self.len1)
        return torch.cat([y1, y2], 1), j1 + j2


class Permute(nn.Module):
    def __init__(self, channels, seed):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.register_buffer("perm", torch.randperm(channels, generator=g))

    def forward(self, x):
        return x[:, self.perm], torch.zeros(x.shape[0], device=x.device)


class IRevDown(nn.Module):
    """i-RevNet downsampling: each 2x2 block of pixels becomes 4 channels (volume-preserving)."""

    def forward(self, x):
        b, c, h, w = x.shape
        y = x.reshape(b, c, h // 2, 2, w // 2, 2).permute(0, 1, 3, 5, 2, 4).reshape(b, 4 * c, h // 2, w // 2)
        return y, torch.zeros(b, device=x.device)


class Chain(nn.Module):
    def __init__(self, modules):
        super().__init__()
        self.mods = nn.ModuleList(modules)

    def forward(self, x):
        ld = torch.zeros(x.shape[0], device=x.device)
        for m in self.mods:
            x, j = m(x)
            ld = ld + j
        return x, ld


class ConvINN(nn.Module):
    def __init__(self):
        super().__init__()
        high = []
        for k in range(4):
            high += [Glow(3, lambda i, o: conv(i, o, 256, 3), 1.2), Permute(3, k)]
        high.append(IRevDown())
        for k in range(12):
            size = 1 if k % 2 == 0 else 3
            high += [Glow(12, lambda i, o, s=size: conv(i, o, 256, s), 1.2), Permute(12, k)]
        self.conv = Chain(high)
        self.ndim = 3 * 32 * 32
        fc = []
        for k in range(12):
            fc += [Glow(self.ndim // 4, lambda i, o: mlp(i, o, 512), 2.0), Permute(self.ndim // 4, k)]
        self.fc = Chain(fc)

    def forward(self, x):
        h, ld = self.conv(x)
        h = h.flatten(1)
        a, b = h[:, :self.ndim // 4], h[:, self.ndim // 4:]
        a, ld2 = self.fc(a)
        return torch.cat([a, b], 1), ld + ld2


class MaskedLinear(nn.Linear):
    def __init__(self, mask):
        super().__init__(mask.shape[1], mask.shape[0])
        self.register_buffer("mask", mask)

    def forward(self, x):
        return nn.functional.linear(x, self.weight * self.mask, self.bias)


class MADE(nn.Module):
    """MADE's degrees: inputs 1..D in the order, hidden units j % (D - 1) + 1, outputs see strictly lower ones."""

    def __init__(self, dims, hidden, per_dim, reverse):
        super().__init__()
        order = torch.arange(dims - 1, -1, -1) if reverse else torch.arange(dims)
        degree_in = torch.empty(dims, dtype=torch.long)
        degree_in[order] = torch.arange(1, dims + 1)
        layers, previous = [], degree_in
        for width in hidden:
            degrees = torch.arange(width) % (dims - 1) + 1
            layers += [MaskedLinear((degrees[:, None] >= previous[None, :]).float()), nn.ReLU()]
            previous = degrees
        degree_out = degree_in.repeat_interleave(per_dim)
        layers.append(MaskedLinear((degree_out[:, None] > previous[None, :]).float()))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class MAF(nn.Module):
    def __init__(self, dims, hidden, reverse, clamp=2.0):
        super().__init__()
        self.made = MADE(dims, hidden, 2, reverse)
        self.clamp = clamp

    def forward(self, x):
        raw = self.made(x).view(x.shape[0], x.shape[1], 2)
        s = self.clamp * 0.636 * torch.atan(raw[..., 0])
        return x * torch.exp(s) + raw[..., 1], s.sum(1)


class NSF(nn.Module):
    """Autoregressive rational-quadratic spline (Durkan et al. 2019), linear tails outside [-B, B]."""

    def __init__(self, dims, hidden, reverse, bins=8, bound=3.0, min_size=1e-3):
        super().__init__()
        self.bins, self.bound, self.min_size = bins, bound, min_size
        self.made = MADE(dims, hidden, 3 * bins - 1, reverse)

    def forward(self, x):
        k, b, eps = self.bins, self.bound, self.min_size
        raw = self.made(x).view(x.shape[0], x.shape[1], 3 * k - 1)
        inside = (x > -b) & (x < b)
        w = eps + (1 - eps * k) * torch.softmax(raw[..., :k], -1)
        h = eps + (1 - eps * k) * torch.softmax(raw[..., k:2 * k], -1)
        d = eps + nn.functional.softplus(raw[..., 2 * k:])
        d = nn.functional.pad(d, (1, 1), value=1.0)  # slope 1 at both ends: continuous linear tails
        xk = nn.functional.pad(torch.cumsum(w, -1), (1, 0)) * 2 * b - b
        yk = nn.functional.pad(torch.cumsum(h, -1), (1, 0)) * 2 * b - b
        xc = x.clamp(-b, b)
        i = torch.searchsorted(xk[..., 1:-1].contiguous(), xc[..., None]).clamp(0, k - 1)
        x0, y0 = xk.gather(-1, i)[..., 0], yk.gather(-1, i)[..., 0]
        wi, hi = (2 * b * w).gather(-1, i)[..., 0], (2 * b * h).gather(-1, i)[..., 0]
        d0, d1 = d.gather(-1, i)[..., 0], d.gather(-1, i + 1)[..., 0]
        s = hi / wi
        t = (xc - x0) / wi
        denom = s + (d1 + d0 - 2 * s) * t * (1 - t)
        y = y0 + hi * (s * t * t + d0 * t * (1 - t)) / denom
        dy = s * s * (d1 * t * t + 2 * s * t * (1 - t) + d0 * (1 - t) * (1 - t)) / (denom * denom)
        out = torch.where(inside, y, x)
        log_det = torch.where(inside, torch.log(dy), torch.zeros_like(x))
        return out, log_det.sum(1)


def nll(z, log_det):
    d = z[0].numel()
    return (0.5 * z.flatten(1).pow(2).sum(1) + 0.5 * d * math.log(2 * math.pi) - log_det).mean()


def make_case(name, gen):
    if name == "moons":
        blocks = nn.ModuleList([AllInOne(2, 0, 512, gen) for _ in range(8)])
        x = torch.randn(100, 2, generator=gen)
        return blocks, lambda: chain_all_in_one(blocks, x, None)
    if name == "digits":
        blocks = nn.ModuleList([AllInOne(64, 10, 512, gen) for _ in range(12)])
        x = torch.randn(256, 64, generator=gen)
        c = nn.functional.one_hot(torch.randint(0, 10, (256,), generator=gen), 10).float()
        return blocks, lambda: chain_all_in_one(blocks, x, c)
    if name in ("maf", "nsf"):
        kind = MAF if name == "maf" else NSF
        model = Chain([kind(8, (256, 256), k % 2 == 1) for k in range(5)])
        x = torch.randn(256, 8, generator=gen)
        return model, lambda: nll(*model(x))
    if name == "conv":
        model = ConvINN()
        x = torch.randn(8, 3, 32, 32, generator=gen)
        return model, lambda: nll(*model(x))
    raise ValueError(name)


SCORE_ROWS = 1_000_000
SCORE_BATCH = 4096


def score_case(gen):
    """The moons model scoring SCORE_ROWS rows: one call is one pass in batches, without autograd."""
    blocks = nn.ModuleList([AllInOne(2, 0, 512, gen) for _ in range(8)])
    blocks.eval()
    rows = torch.randn(SCORE_ROWS, 2, generator=gen)

    def score(limit=SCORE_ROWS):
        total = 0.0
        with torch.inference_mode():
            for x in rows[:limit].split(SCORE_BATCH):
                ld = torch.zeros(x.shape[0])
                for b in blocks:
                    x, j = b(x, None)
                    ld = ld + j
                log_p = -0.5 * x.pow(2).sum(1) - math.log(2 * math.pi) + ld
                total += float(log_p.sum())
        return total

    return score


def median_ms_of(fn, seconds, warmup, min_runs=5, warm=None):
    """Median of timed calls of fn after warmup seconds of untimed calls of warm (default fn)."""
    end = time.perf_counter() + warmup
    while time.perf_counter() < end:
        (warm or fn)()
    times = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(times) < min_runs:
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def chain_all_in_one(blocks, x, c):
    ld = torch.zeros(x.shape[0])
    for b in blocks:
        x, j = b(x, c)
        ld = ld + j
    return nll(x, ld)


def median_ms(model, loss_fn, seconds, warmup):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()

    return median_ms_of(step, seconds, warmup)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--threads", type=int, default=None, help="torch threads (default: all processors)")
    p.add_argument("--seconds", type=float, default=5.0, help="measuring time per case")
    p.add_argument("--warmup", type=float, default=2.0, help="warm-up time per case")
    p.add_argument("--case", action="append", choices=["moons", "digits", "conv", "maf", "nsf", "score"],
                   help="cases (default: all)")
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
        torch.set_num_interop_threads(a.threads)
    gen = torch.Generator().manual_seed(0)
    for name in a.case or ["moons", "digits", "conv", "maf", "nsf", "score"]:
        if name == "score":
            # One pass takes long with Debian's reference BLAS: warm up on a few batches, time at least one pass.
            score = score_case(gen)
            ms = median_ms_of(score, a.seconds, a.warmup, 1, lambda: score(10 * SCORE_BATCH))
        else:
            model, loss_fn = make_case(name, gen)
            ms = median_ms(model, loss_fn, a.seconds, a.warmup)
        print(f"e2e {name} torch_ms={ms:.3f}", flush=True)


if __name__ == "__main__":
    main()
