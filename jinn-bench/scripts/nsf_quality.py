#!/usr/bin/python3
"""Held-out log-likelihood of jinn's autoregressive neural spline flow next to zuko's NSF, same data and budget.

Data: noisy two moons (the arcs (cos t, sin t) and (1 - cos t, 1/2 - sin t), t uniform on [0, pi], Gaussian noise
of sd --noise), --rows rows drawn from a seed, of which a tenth are held out (heldout.csv) and the rest are the
training file (train.csv).

jinn:  jinn train --data train.csv --arch nsf --blocks 5 --hidden 256 --bins 8 --steps S --batch 256 --lr 1e-3
       (jinn itself keeps a tenth of train.csv for its own validation figure), then jinn score on heldout.csv.
zuko:  zuko.flows.NSF(2, transforms=5, hidden_features=(256, 256), bins=8) (autoregressive, orders alternating),
       on train.csv standardised with its mean and sd (as jinn standardises; zuko's splines live on [-5, 5]),
       Adam 1e-3, S steps of 256 rows drawn in shuffled epochs, evaluated on heldout.csv.
Both figures are mean log-likelihoods per row in data units (nats; zuko's corrected by -sum(log sd)).

zuko is not installed: the script exports the given git repository (default /work/.mirror/probabilists+zuko/repo,
any clone of https://github.com/probabilists/zuko) into a temporary directory and imports it from there, with
Debian's torch (python3-torch, python3-numpy). Debian's torch calls netlib's reference BLAS; --torch-blas preloads
an optimised one (e.g. jinn's OpenBLAS from ~/.javacpp/cache) by re-executing the script with LD_PRELOAD.

    /usr/bin/python3 jinn-bench/scripts/nsf_quality.py [--steps 2000] [--torch-blas LIB] [--out DIR]
"""
import argparse
import atexit
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def moons(rows, noise, seed):
    import numpy as np
    rng = np.random.default_rng(seed)
    upper = rng.random(rows) < 0.5
    t = rng.random(rows) * math.pi
    x = np.where(upper, np.cos(t), 1 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    data = np.stack([x, y], 1) + noise * rng.standard_normal((rows, 2))
    return data


def write_csv(path, data):
    with open(path, "w") as f:
        f.write("x,y\n")
        for a, b in data:
            f.write(f"{a:.6f},{b:.6f}\n")


def run_jinn(args, train, heldout):
    model = os.path.join(args.out, "nsf.safetensors")
    cmd = [args.jinn, "train", "--data", train, "--arch", "nsf", "--blocks", "5", "--hidden", "256", "--bins", "8",
           "--steps", str(args.steps), "--batch", "256", "--lr", "1e-3", "--seed", str(args.seed),
           "--validate-every", str(max(100, args.steps // 10)), "--out", model, "--progress", "none"]
    t0 = time.time()
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    seconds = time.time() - t0
    scores = os.path.join(args.out, "jinn-heldout-scores.csv")
    score = subprocess.run([args.jinn, "score", "--model", model, "--data", heldout, "--out", scores], check=True,
                           stdout=subprocess.PIPE, text=True).stdout
    m = re.search(r"mean log-likelihood\D*?(-?[0-9.]+)", score)
    if not m:
        sys.exit("nsf_quality.py: no mean log-likelihood in jinn score's output:\n" + score)
    return float(m.group(1)), seconds, out.strip().splitlines()[0]


def import_zuko(git_dir):
    tmp = tempfile.mkdtemp(prefix="zuko-")
    atexit.register(shutil.rmtree, tmp, True)
    archive = subprocess.run(["git", "-C", git_dir, "archive", "HEAD", "zuko"], check=True,
                             stdout=subprocess.PIPE).stdout
    subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
    commit = subprocess.run(["git", "-C", git_dir, "rev-parse", "HEAD"], check=True, stdout=subprocess.PIPE,
                            text=True).stdout.strip()
    sys.path.insert(0, tmp)
    return commit


def run_zuko(args, train_data, heldout_data):
    commit = import_zuko(args.zuko_git)
    import torch
    import zuko
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    train = torch.tensor(train_data, dtype=torch.float32)
    heldout = torch.tensor(heldout_data, dtype=torch.float32)
    mean, sd = train.mean(0), train.std(0)
    z_train, z_heldout = (train - mean) / sd, (heldout - mean) / sd
    flow = zuko.flows.NSF(2, transforms=5, hidden_features=(256, 256), bins=8)
    opt = torch.optim.Adam(flow.parameters(), lr=1e-3)
    order, at = torch.randperm(len(z_train)), 0
    t0 = time.time()
    for _ in range(args.steps):
        if at + 256 > len(order):
            order, at = torch.randperm(len(z_train)), 0
        batch = z_train[order[at:at + 256]]
        at += 256
        loss = -flow().log_prob(batch).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    seconds = time.time() - t0
    with torch.no_grad():
        ll = flow().log_prob(z_heldout).mean().item() - torch.log(sd).sum().item()
    return ll, seconds, commit, torch.__version__


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=2000)
    p.add_argument("--rows", type=int, default=20000)
    p.add_argument("--noise", type=float, default=0.1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--jinn", default=os.path.join(ROOT, "jinn"), help="the jinn launcher")
    p.add_argument("--zuko-git", default="/work/.mirror/probabilists+zuko/repo")
    p.add_argument("--out", default=os.path.join(ROOT, "jinn-bench", "target", "nsf-quality"))
    p.add_argument("--torch-blas", help="a BLAS library to preload for torch")
    args = p.parse_args()
    if args.torch_blas and os.environ.get("LD_PRELOAD") != args.torch_blas:
        env = dict(os.environ, LD_PRELOAD=args.torch_blas, OPENBLAS_NUM_THREADS=str(args.threads))
        os.execve(sys.executable, [sys.executable] + sys.argv, env)
    os.makedirs(args.out, exist_ok=True)
    data = moons(args.rows, args.noise, args.seed)
    held = args.rows // 10
    train_csv, heldout_csv = os.path.join(args.out, "train.csv"), os.path.join(args.out, "heldout.csv")
    write_csv(train_csv, data[held:])
    write_csv(heldout_csv, data[:held])
    print(f"data: {args.rows} noisy moons (noise {args.noise}, seed {args.seed}): {args.rows - held} training rows,"
          f" {held} held out; {args.steps} steps of batch 256, Adam 1e-3", flush=True)
    env_jinn = dict(os.environ)
    env_jinn.pop("LD_PRELOAD", None)
    os.environ.clear()
    os.environ.update(env_jinn)  # jinn's JVM loads its own OpenBLAS
    jinn_ll, jinn_s, header = run_jinn(args, train_csv, heldout_csv)
    print(f"jinn: {header}", flush=True)
    print(f"jinn nsf heldout_ll={jinn_ll:.4f} train_s={jinn_s:.0f}", flush=True)
    zuko_ll, zuko_s, commit, version = run_zuko(args, data[held:], data[:held])
    print(f"zuko nsf heldout_ll={zuko_ll:.4f} train_s={zuko_s:.0f} (zuko {commit[:12]}, torch {version})", flush=True)


if __name__ == "__main__":
    main()
