#!/usr/bin/env python3
"""PyTorch reference for jinn's `ops` benchmark suite (optional tooling; jinn itself needs no Python).

Measures the same cases as dev.jinn.bench.OpsBenchmark on [100, 2] float32 tensors: add, mul and exp
without autograd (plain tensors) and with it (leaves with requires_grad=True, so a graph node is recorded),
and one forward+backward pass of [100,2] -> Linear(2,512) -> tanh -> Linear(512,2), loss mean(out^2), with
the parameters' grads cleared first. Prints one line per case: "ops <case> torch_us=<median µs per call>".

Timing is timeit-style: each repeat times `number` back-to-back calls, the per-call time of every repeat is
collected for about --seconds, and the median over repeats is reported.

    python3 jinn-bench/scripts/torch_ops.py [--threads N] [--seconds S]

--threads defaults to 1: jinn's kernels run on the calling thread today. Use a python3 that has torch
(on Debian: apt-get install python3-torch, then /usr/bin/python3).
"""
import argparse
import statistics
import sys
import time

try:
    import torch
except ImportError:
    sys.exit("torch_ops.py: this python3 has no torch module (try /usr/bin/python3 after apt-get install python3-torch)")

BATCH, FEATURES, HIDDEN = 100, 2, 512


def median_us(fn, seconds, warmup_seconds):
    """Median over repeats of the mean time of one call in a repeat, in microseconds."""
    # Calibrate `number` so one repeat lasts about a millisecond (long enough for the clock, short enough for
    # many repeats).
    number = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        if time.perf_counter() - t0 > 1e-3 or number >= 1 << 20:
            break
        number *= 2
    end = time.perf_counter() + warmup_seconds
    while time.perf_counter() < end:
        fn()
    samples = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        samples.append((time.perf_counter() - t0) / number)
    return statistics.median(samples) * 1e6


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    parser.add_argument("--seconds", type=float, default=5.0, help="measurement time per case (default 5)")
    parser.add_argument("--warmup", type=float, default=3.0, help="warm-up time per case (default 3)")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    gen = torch.Generator().manual_seed(42)
    a = torch.randn(BATCH, FEATURES, generator=gen)
    b = torch.randn(BATCH, FEATURES, generator=gen)
    a_grad = a.clone().requires_grad_(True)
    b_grad = b.clone().requires_grad_(True)

    x = torch.randn(BATCH, FEATURES, generator=gen)
    w1 = (torch.randn(FEATURES, HIDDEN, generator=gen) / FEATURES ** 0.5).requires_grad_(True)
    b1 = torch.zeros(HIDDEN).requires_grad_(True)
    w2 = (torch.randn(HIDDEN, FEATURES, generator=gen) / HIDDEN ** 0.5).requires_grad_(True)
    b2 = torch.zeros(FEATURES).requires_grad_(True)
    params = (w1, b1, w2, b2)

    def mlp_fwd_bwd():
        for p in params:
            p.grad = None
        h = torch.tanh(x.matmul(w1) + b1)
        out = h.matmul(w2) + b2
        loss = out.square().mean()
        loss.backward()
        return loss

    cases = [
        ("add_nograd", lambda: a + b),
        ("add_grad", lambda: a_grad + b_grad),
        ("mul_nograd", lambda: a * b),
        ("mul_grad", lambda: a_grad * b_grad),
        ("exp_nograd", lambda: torch.exp(a)),
        ("exp_grad", lambda: torch.exp(a_grad)),
        ("mlp_fwd_bwd", mlp_fwd_bwd),
    ]
    for name, fn in cases:
        print(f"ops {name} torch_us={median_us(fn, args.seconds, args.warmup):.3f}", flush=True)


if __name__ == "__main__":
    main()
