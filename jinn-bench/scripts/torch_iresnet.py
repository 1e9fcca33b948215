#!/usr/bin/env python3
"""PyTorch reference for jinn's `iresnet` benchmark suite (optional tooling; jinn itself needs no Python).

Times one training step of the same i-ResNets that dev.jinn.bench.IResNetBenchmark builds with jinn:

  fcn     10 fully connected blocks on 2-D points, batch 256, each block y = x + g(x) with
          g = SN(Linear 2->32) -> ELU -> SN(Linear 32->32) -> ELU -> SN(Linear 32->2);
  conv2d  4 convolutional blocks on [16, 3, 16, 16] images, g = SN(Conv 3->16) -> ELU -> SN(Conv 16->16) -> ELU
          -> SN(Conv 16->3), 3x3 kernels, padding 1.

SN is soft spectral normalisation W / max(1, sigma/0.9) with one power-iteration step per call on persistent
vectors (for convolutions on the convolution operator, through conv and transposed conv). The log-det of each
block is the power series with 5 terms and one Rademacher probe, built with create_graph=True so that it is
differentiable. One step: forward through all blocks, loss = mean(|z|^2/2 - sum of log-dets), backward, Adam
(lr 1e-3). Prints one line per case: "iresnet <case> torch_ms=<median ms per step>".

    /usr/bin/python3 jinn-bench/scripts/torch_iresnet.py [--threads N] [--seconds S] [--warmup S] [--case C]

On Debian: apt-get install python3-torch, then /usr/bin/python3.
"""
import argparse
import statistics
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    sys.exit("torch_iresnet.py: this python3 has no torch module (try /usr/bin/python3 after apt-get install "
             "python3-torch)")

COEFF = 0.9
TERMS = 5


def normalize(t):
    return t / t.norm().clamp_min(1e-30)


class SpectralLayer(torch.nn.Module):
    """A dense or 3x3 convolutional layer with soft spectral normalisation (input size fixed for convs)."""

    def __init__(self, n_in, n_out, sample_in, conv):
        super().__init__()
        self.conv = conv
        shape = (n_out, n_in, 3, 3) if conv else (n_out, n_in)
        fan_in = n_in * (9 if conv else 1)
        bound = 1.0 / fan_in ** 0.5
        self.weight = torch.nn.Parameter(torch.empty(shape).uniform_(-bound, bound))
        self.bias = torch.nn.Parameter(torch.empty(n_out).uniform_(-bound, bound))
        with torch.no_grad():
            v = normalize(torch.randn(1, *sample_in))
            u = normalize(self.apply_op(v, self.weight))
        self.register_buffer("u", u)
        self.register_buffer("v", v)

    def apply_op(self, x, w, b=None):
        return F.conv2d(x, w, b, padding=1) if self.conv else F.linear(x, w, b)

    def apply_transposed(self, y, w):
        return F.conv_transpose2d(y, w, padding=1) if self.conv else y.matmul(w)

    def bind(self, advance):
        w = self.weight
        if advance:
            with torch.no_grad():
                v = normalize(self.apply_transposed(self.u, w))
                u = normalize(self.apply_op(v, w))
                self.u.copy_(u)
                self.v.copy_(v)
        sigma = (self.apply_op(self.v, w) * self.u).sum()
        w_eff = w / torch.clamp(sigma / COEFF, min=1.0)
        b = self.bias
        return lambda x: self.apply_op(x, w_eff, b)


class Block(torch.nn.Module):
    def __init__(self, channels, hidden, spatial, conv):
        super().__init__()
        widths = [channels, hidden, hidden, channels]
        self.layers = torch.nn.ModuleList(
            SpectralLayer(widths[i], widths[i + 1], (widths[i], *spatial), conv) for i in range(3))

    def forward(self, x):
        fs = [layer.bind(self.training) for layer in self.layers]

        def g(h):
            h = fs[0](h)
            h = fs[1](F.elu(h))
            return fs[2](F.elu(h))

        if not x.requires_grad:
            x = x.detach().requires_grad_(True)
        gx = g(x)
        v = torch.randint(0, 2, x.shape, dtype=x.dtype) * 2 - 1
        w = v
        logdet = 0
        for k in range(1, TERMS + 1):
            w = torch.autograd.grad(gx, x, w, create_graph=True, retain_graph=True)[0]
            logdet = logdet + (1 if k % 2 == 1 else -1) / k * (w * v).reshape(x.shape[0], -1).sum(1)
        return x + gx, logdet


def build(case):
    if case == "fcn":
        blocks = [Block(2, 32, (), False) for _ in range(10)]
        x = torch.randn(256, 2)
    else:
        blocks = [Block(3, 16, (16, 16), True) for _ in range(4)]
        x = torch.randn(16, 3, 16, 16)
    model = torch.nn.ModuleList(blocks)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)

    def step():
        z, total = x, 0
        for block in model:
            z, ld = block(z)
            total = total + ld
        loss = (z.square().reshape(z.shape[0], -1).sum(1) * 0.5 - total).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss

    return step


def median_ms(fn, seconds, warmup_seconds):
    end = time.perf_counter() + warmup_seconds
    while time.perf_counter() < end:
        fn()
    samples = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or len(samples) < 5:
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measurement time per case (default 10)")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up time per case (default 3)")
    parser.add_argument("--case", choices=["fcn", "conv2d"], action="append", help="only this case (repeatable)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(42)
    for case in args.case or ["fcn", "conv2d"]:
        print(f"iresnet {case} torch_ms={median_ms(build(case), args.seconds, args.warmup):.3f}", flush=True)


if __name__ == "__main__":
    main()
