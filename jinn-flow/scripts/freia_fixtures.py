#!/usr/bin/python3
"""Writes the FrEIA checkpoint fixtures that jinn-flow's tests load.

Each fixture is a small safetensors file made by FrEIA itself: the model's state dict, a batch of inputs (and
conditions), FrEIA's forward outputs and log-dets, and FrEIA's reverse of those outputs. The Java tests build
the equivalent jinn model from the architecture recorded in the file's metadata, load the state dict and must
reproduce every number to 1e-12 in float64.

Usage (Debian packages only, no pip):

    apt-get install python3-torch python3-numpy python3-scipy    # scipy: AllInOneBlock(permute_soft=True)
    /usr/bin/python3 jinn-flow/scripts/freia_fixtures.py [--freia-git DIR] [--out DIR]

FrEIA is never committed to this repository: the script exports the given bare git repository (default
/work/.mirror/vislearn+FrEIA/repo, any clone of https://github.com/vislearn/FrEIA works) with
``git archive HEAD`` into a temporary directory and imports it from there. The commit and the torch version
are written into each fixture's metadata.

File layout (keys):
  state.<key>    every state-dict entry, in FrEIA's dtype (float64 after model.double(); int64 index
                 buffers and the bool ActNorm flag stay as they are)
  x.<i>          inputs (input nodes in list order)
  c.<i>          conditions (condition nodes in list order, or SequenceINN condition indices)
  z.<i>          forward outputs (output nodes in list order)
  logdet         forward log-det, shape [B] (for a GraphINN with FrEIA's float32 rounding of constant module
                 log-dets undone, see graph_call)
  xrev.<i>       reverse of z.<i> (not exactly x where FrEIA stores float32-rounded orthogonal matrices)
  logdet_rev     reverse log-det, shape [B]
For a GraphINN, FrEIA numbers module_list from a topological sort over Python sets, so the numbering (and only
the numbering: not the values) can differ between runs; each node's "state_prefix" in the metadata says which
module_list index FrEIA gave it in this file.
metadata (all strings): "architecture" (JSON, see the build functions), "freia_commit", "torch_version",
"generator", "description".

Every floating parameter that FrEIA trains is perturbed away from its initial value (so zero-initialised parts
and identity starts cannot hide bugs); fixed ones (Haar and i-RevNet kernels, soft permutation matrices) are
left alone because FrEIA's reverse relies on them. ActNorm is initialised on a separate data batch first.
"""

import argparse
import atexit
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

DEFAULT_FREIA_GIT = "/work/.mirror/vislearn+FrEIA/repo"
DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "src", "test", "resources", "freia")
BATCH = 4


# ----------------------------------------------------------------------------------------------------------
# safetensors writer (the format is small; the safetensors package is not in Debian)

_DTYPES = {"torch.float64": ("F64", "<f8"), "torch.float32": ("F32", "<f4"),
           "torch.int64": ("I64", "<i8"), "torch.bool": ("BOOL", "|b1")}


def write_safetensors(path, tensors, metadata):
    """8-byte little-endian header length, JSON header, then the raw little-endian data of every tensor.

    Tensors are laid out by item size (largest first, so each stays aligned) and then by name, with no gaps;
    the header is padded with spaces to a multiple of 8 bytes, as the reference implementation does."""
    entries = []
    for name, t in tensors.items():
        code, np_dtype = _DTYPES[str(t.dtype)]
        data = t.detach().cpu().contiguous().numpy().astype(np_dtype).tobytes()
        entries.append((-t.element_size(), name, code, list(t.shape), data))
    entries.sort(key=lambda e: (e[0], e[1]))
    header = {"__metadata__": dict(sorted(metadata.items()))}
    offset = 0
    for _, name, code, shape, data in entries:
        header[name] = {"dtype": code, "shape": shape, "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for entry in entries:
            f.write(entry[4])


# ----------------------------------------------------------------------------------------------------------
# FrEIA from its git repository

def import_freia(git_dir):
    tmp = tempfile.mkdtemp(prefix="freia-")
    atexit.register(shutil.rmtree, tmp, True)
    archive = subprocess.run(["git", "-C", git_dir, "archive", "HEAD", "FrEIA"], check=True,
                             stdout=subprocess.PIPE).stdout
    subprocess.run(["tar", "-x", "-C", tmp], input=archive, check=True)
    commit = subprocess.run(["git", "-C", git_dir, "rev-parse", "HEAD"], check=True,
                            stdout=subprocess.PIPE, text=True).stdout.strip()
    sys.path.insert(0, tmp)
    stub_missing_scipy()
    return commit


def stub_missing_scipy():
    """FrEIA imports scipy.stats.special_ortho_group at import time, but only AllInOneBlock(permute_soft=True)
    calls it. Without scipy a stand-in that fails when called lets the other fixtures be written."""
    try:
        import scipy.stats  # noqa: F401
    except ImportError:
        import types

        def special_ortho_group(*args, **kwargs):
            raise RuntimeError("scipy is needed for AllInOneBlock(permute_soft=True): apt-get install python3-scipy")
        stats = types.ModuleType("scipy.stats")
        stats.special_ortho_group = special_ortho_group
        scipy = types.ModuleType("scipy")
        scipy.stats = stats
        sys.modules["scipy"] = scipy
        sys.modules["scipy.stats"] = stats


# ----------------------------------------------------------------------------------------------------------
# helpers shared by the fixtures

def seed_everything(seed):
    import numpy as np
    import torch
    torch.manual_seed(seed)
    np.random.seed(seed)


def mlp_subnet(hidden):
    import torch.nn as nn

    def construct(c_in, c_out):
        return nn.Sequential(nn.Linear(c_in, hidden), nn.ReLU(), nn.Linear(hidden, c_out))
    return construct


def conv_subnet(hidden, kernel):
    import torch.nn as nn

    def construct(c_in, c_out):
        return nn.Sequential(nn.Conv2d(c_in, hidden, kernel, padding=kernel // 2), nn.ReLU(),
                             nn.Conv2d(hidden, c_out, kernel, padding=kernel // 2))
    return construct


MLP16 = {"type": "mlp", "hidden": [16],
         "layers": "Linear(c_in,16) -> ReLU -> Linear(16,c_out)"}
CONV8 = {"type": "conv", "hidden": 8, "kernel": 3,
         "layers": "Conv2d(c_in,8,3,padding=1) -> ReLU -> Conv2d(8,c_out,3,padding=1)"}

# Extra spread for the global affine scale: its activations are flat near their initial value, so a small
# perturbation would leave the scale almost exactly 1.
PERTURBATION = 0.2
GLOBAL_SCALE_PERTURBATION = 1.0


def perturb(model):
    import torch
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.requires_grad and p.is_floating_point():
                scale = GLOBAL_SCALE_PERTURBATION if name.endswith("global_scale") else PERTURBATION
                p.add_(scale * torch.randn_like(p))


def record(model, inputs, conditions, call, invertible=True):
    """Runs FrEIA forward and reverse and collects the fixture tensors (invertible=False: the model's reverse is
    not its inverse, as for the invertible-autoencoder layers, so the round trip is not asserted)."""
    import torch
    with torch.no_grad():
        z, logdet = call(inputs, conditions, False)
        # FrEIA's HaarDownsampling scales its reverse input in place: give it copies.
        xrev, logdet_rev = call([t.clone() for t in z], conditions, True)
    tensors = {"state." + k: v for k, v in model.state_dict().items()}
    for prefix, values in (("x", inputs), ("c", conditions), ("z", z), ("xrev", xrev)):
        for i, t in enumerate(values):
            tensors[f"{prefix}.{i}"] = t
    tensors["logdet"] = logdet
    tensors["logdet_rev"] = logdet_rev
    for k, v in tensors.items():
        assert torch.isfinite(v.double()).all(), k
    if invertible:
        roundtrip = max((a - b).abs().max().item() for a, b in zip(inputs, xrev))
        assert roundtrip < 1e-5, roundtrip
        assert (logdet + logdet_rev).abs().max().item() < 1e-8
    return tensors


def sequence_call(model):
    def call(inputs, conditions, rev):
        out, logdet = model(inputs[0], c=conditions, rev=rev)
        return [out], logdet
    return call


def graph_call(model, corrections):
    """FrEIA's GraphINN turns a module's Python-float log-det into a float32 tensor (Node.forward computes
    ``torch.zeros(B) + jac``), so in a float64 model a constant log-det such as HaarDownsampling's is rounded
    to float32 (here 192 ln 0.5 is off by 3.7e-7). The fixture stores the total with those constants in
    float64: FrEIA's total, minus what FrEIA added, plus the exact value that the module itself returned when
    called directly on FrEIA's own intermediate values. The corrections go into the metadata."""
    import torch

    def call(inputs, conditions, rev):
        out, logdet = model(list(inputs), c=list(conditions), rev=rev)
        outs, _ = model(list(inputs), c=list(conditions), rev=rev, intermediate_outputs=True)
        correction = 0.0
        for node in (model.node_list_rev if rev else model.node_list_fwd):
            if node.module is None:
                continue
            mod_in = [outs[n, k].clone() for n, k in (node.outputs if rev else node.inputs)]
            mod_c = [outs[n, k] for n, k in (node.rev_conditions() if rev else node.conditions)]
            if node.conditions:
                _, raw = node.module(mod_in, c=mod_c, rev=rev, jac=True)
            else:
                _, raw = node.module(mod_in, rev=rev, jac=True)
            if not torch.is_tensor(raw):
                correction += float(raw) - (torch.zeros(1) + raw).item()
        corrections["reverse" if rev else "forward"] = correction
        return (list(out) if isinstance(out, (list, tuple)) else [out]), logdet + correction
    return call


# ----------------------------------------------------------------------------------------------------------
# (a) SequenceINN of AllInOneBlocks

def allinone_sequence():
    import torch
    import FrEIA.framework as Ff
    import FrEIA.modules as Fm
    seed_everything(11)
    dims = [6]
    cond_shape = [3]
    blocks = [
        ({}, None),
        ({"permute_soft": True, "affine_clamping": 1.5, "global_affine_init": 0.8}, 0),
        ({"gin_block": True, "global_affine_type": "SIGMOID", "global_affine_init": 1.3}, None),
        ({"learned_householder_permutation": 2, "permute_soft": True, "global_affine_type": "EXP",
          "reverse_permutation": True, "global_affine_init": 1.2}, None),
        ({"reverse_permutation": True, "global_affine_type": "SIGMOID", "affine_clamping": 3.0}, 0),
    ]
    inn = Ff.SequenceINN(*dims)
    modules = []
    for i, (args, cond) in enumerate(blocks):
        if cond is None:
            inn.append(Fm.AllInOneBlock, subnet_constructor=mlp_subnet(16), **args)
        else:
            inn.append(Fm.AllInOneBlock, cond=cond, cond_shape=tuple(cond_shape),
                       subnet_constructor=mlp_subnet(16), **args)
        full_args = {"affine_clamping": 2.0, "gin_block": False, "global_affine_init": 1.0,
                     "global_affine_type": "SOFTPLUS", "permute_soft": False,
                     "learned_householder_permutation": 0, "reverse_permutation": False}
        full_args.update(args)
        modules.append({"class": "AllInOneBlock", "args": full_args, "subnet": MLP16,
                        "cond": cond, "cond_shape": cond_shape if cond is not None else None,
                        "state_prefix": f"module_list.{i}."})
    inn.double()
    perturb(inn)
    x = torch.randn(BATCH, *dims, dtype=torch.float64)
    c = torch.randn(BATCH, *cond_shape, dtype=torch.float64)
    tensors = record(inn, [x], [c], sequence_call(inn))
    arch = {"kind": "SequenceINN", "dims": dims, "conditions": [cond_shape], "modules": modules}
    return tensors, arch, ("SequenceINN(6) of five AllInOneBlocks: default; soft permutation + condition; "
                           "GIN with SIGMOID; learned Householder (2) + EXP + reverse permutation; hard "
                           "reverse permutation + SIGMOID + condition")


# ----------------------------------------------------------------------------------------------------------
# (b) GLOW / PermuteRandom / ActNorm chain with an odd channel count

def glow_permute_actnorm():
    import torch
    import FrEIA.framework as Ff
    import FrEIA.modules as Fm
    seed_everything(22)
    dims = [5]
    inn = Ff.SequenceINN(*dims)
    modules = []

    def add(cls, args, subnet=None):
        kwargs = dict(args)
        if subnet is not None:
            kwargs["subnet_constructor"] = mlp_subnet(16)
        inn.append(getattr(Fm, cls), **kwargs)
        entry = {"class": cls, "args": args, "cond": None, "cond_shape": None,
                 "state_prefix": f"module_list.{len(modules)}."}
        if subnet is not None:
            entry["subnet"] = subnet
        modules.append(entry)

    add("GLOWCouplingBlock", {"clamp": 2.0, "clamp_activation": "ATAN", "split_len": 0.5}, MLP16)
    add("PermuteRandom", {"seed": 3})
    add("ActNorm", {})
    add("RNVPCouplingBlock", {"clamp": 2.0, "clamp_activation": "ATAN", "split_len": 0.5}, MLP16)
    add("PermuteRandom", {"seed": 5})
    add("ActNorm", {})
    add("NICECouplingBlock", {"split_len": 0.5}, MLP16)
    # Data-dependent ActNorm initialisation, as on a first training batch. It runs in float32 because FrEIA's
    # zero-std check (torch.isclose against a float32 zero) fails for float64 batches with torch 1.13.
    init_batch = 1.5 * torch.randn(64, *dims) + 0.7
    with torch.no_grad():
        inn(init_batch)
    inn.double()
    perturb(inn)
    x = torch.randn(BATCH, *dims, dtype=torch.float64)
    tensors = record(inn, [x], [], sequence_call(inn))
    arch = {"kind": "SequenceINN", "dims": dims, "conditions": [], "modules": modules}
    return tensors, arch, ("SequenceINN(5): GLOW(clamp 2) -> PermuteRandom(3) -> ActNorm -> RNVP -> "
                           "PermuteRandom(5) -> ActNorm -> NICE; odd width, so split_len 0.5 rounds 2.5 to 2; "
                           "ActNorm initialised on a 64-sample batch")


# ----------------------------------------------------------------------------------------------------------
# (c) conditional image GraphINN

def conditional_image_graph():
    import torch
    import FrEIA.framework as Ff
    import FrEIA.modules as Fm
    seed_everything(33)
    x_in = Ff.InputNode(3, 8, 8, name="x")
    c_img = Ff.ConditionNode(1, 8, 8, name="c_img")
    c_vec = Ff.ConditionNode(5, name="c_vec")
    specs = []  # (name, class, args, subnet, inputs, conditions)

    def node(name, cls, args, inputs, conditions=(), subnet=None):
        kwargs = dict(args)
        if subnet is MLP16:
            kwargs["subnet_constructor"] = mlp_subnet(16)
        elif subnet is CONV8:
            kwargs["subnet_constructor"] = conv_subnet(8, 3)
        n = Ff.Node(inputs, getattr(Fm, cls), kwargs, conditions=list(conditions), name=name)
        specs.append((n, cls, args, subnet))
        return n

    glow = node("glow_img", "GLOWCouplingBlock", {"clamp": 1.5, "clamp_activation": "TANH", "split_len": 0.5},
                [x_in.out0], [c_img.out0], CONV8)
    haar = node("haar", "HaarDownsampling", {"order_by_wavelet": True, "rebalance": 0.5}, [glow.out0])
    split = node("split", "Split", {"section_sizes": [3, 6], "n_sections": 2, "dim": 0}, [haar.out0])
    rnvp = node("rnvp_img", "RNVPCouplingBlock", {"clamp": 2.0, "clamp_activation": "SIGMOID", "split_len": 2},
                [split.out1], [], CONV8)
    irev = node("irevnet", "IRevNetDownsampling", {"legacy_backend": False}, [split.out0])
    flat_a = node("flatten_avg", "Flatten", {}, [irev.out0])
    dense = node("glow_dense", "GLOWCouplingBlock", {"clamp": 1.0, "clamp_activation": "ATAN", "split_len": 0.5},
                 [flat_a.out0], [c_vec.out0], MLP16)
    flat_d = node("flatten_detail", "Flatten", {}, [rnvp.out0])
    concat = node("concat", "Concat", {"dim": 0}, [dense.out0, flat_d.out0])
    z_main = Ff.OutputNode(concat, name="z_main")
    z_rest = Ff.OutputNode(split.out2, name="z_rest")
    nodes = [x_in, c_img, c_vec, glow, haar, split, rnvp, irev, flat_a, dense, flat_d, concat, z_main, z_rest]
    inn = Ff.GraphINN(nodes)

    def ref(conn):
        return [conn[0].name, conn[1]]

    described = []
    for n in nodes:
        if isinstance(n, (Ff.InputNode, Ff.ConditionNode)):
            described.append({"type": type(n).__name__, "name": n.name, "dims": list(n.dims)})
        elif isinstance(n, Ff.OutputNode):
            described.append({"type": "OutputNode", "name": n.name, "inputs": [ref(i) for i in n.inputs],
                              "dims": list(n.input_dims[0])})
        else:
            _, cls, args, subnet = next(s for s in specs if s[0] is n)
            index = next(i for i, m in enumerate(inn.module_list) if m is n.module)
            entry = {"type": "Node", "name": n.name, "class": cls, "args": args,
                     "inputs": [ref(i) for i in n.inputs], "conditions": [ref(c) for c in n.conditions],
                     "input_dims": [list(d) for d in n.input_dims],
                     "output_dims": [list(d) for d in n.output_dims],
                     "state_prefix": f"module_list.{index}."}
            if subnet is not None:
                entry["subnet"] = subnet
            described.append(entry)
    inn.double()
    perturb(inn)
    x = torch.randn(BATCH, 3, 8, 8, dtype=torch.float64)
    ci = torch.randn(BATCH, 1, 8, 8, dtype=torch.float64)
    cv = torch.randn(BATCH, 5, dtype=torch.float64)
    corrections = {}
    tensors = record(inn, [x], [ci, cv], graph_call(inn, corrections))
    arch = {"kind": "GraphINN", "nodes": described, "inputs": ["x"], "conditions": ["c_img", "c_vec"],
            "outputs": ["z_main", "z_rest"], "logdet_float32_correction": corrections}
    return tensors, arch, ("conditional GraphINN on (3,8,8): GLOW (3x3 conv, TANH) conditioned on a (1,8,8) "
                           "image -> Haar (by wavelet, rebalance 0.5) -> Split [3,6,+3]; the 6 channels: RNVP "
                           "(3x3 conv, SIGMOID, split 2) -> Flatten; the 3 average channels: i-RevNet -> "
                           "Flatten -> GLOW (dense) conditioned on a 5-vector; Concat -> z_main; the last 3 "
                           "channels -> z_rest")


# ----------------------------------------------------------------------------------------------------------
# (d) the invertible-autoencoder family, whose reverse is the transpose (not the inverse) of the forward map

def invauto_sequence():
    import torch
    import FrEIA.framework as Ff
    import FrEIA.modules as Fm
    seed_everything(44)
    dims = [2, 4, 4]
    inn = Ff.SequenceINN(*dims)
    modules = []

    def add(cls, args):
        inn.append(getattr(Fm, cls), **args)
        modules.append({"class": cls, "args": args, "cond": None, "cond_shape": None,
                        "state_prefix": f"module_list.{len(modules)}."})

    add("InvAutoConv2D", {"dims_out": [3, 4, 4], "kernel_size": 3, "padding": 1})
    add("InvAutoActTwoSided", {"init_pos": 1.5, "init_neg": 0.4, "learnable": True})
    add("InvAutoConv2D", {"kernel_size": 5, "padding": 2})
    add("InvAutoActFixed", {"slope_init": 1.3})
    add("Flatten", {})
    add("InvAutoFC", {})
    add("InvAutoAct", {"slope_init": 1.7, "learnable": True})
    add("InvAutoFC", {"dims_out": 10})
    inn.double()
    perturb(inn)
    x = torch.randn(BATCH, *dims, dtype=torch.float64)
    tensors = record(inn, [x], [], sequence_call(inn), invertible=False)
    arch = {"kind": "SequenceINN", "dims": dims, "output_dims": list(tensors["z.0"].shape[1:]), "conditions": [],
            "modules": modules}
    return tensors, arch, ("SequenceINN(2,4,4) of FrEIA's invertible-autoencoder layers: InvAutoConv2D to 3 "
                           "channels (3x3) -> InvAutoActTwoSided -> InvAutoConv2D (5x5, padding 2) -> "
                           "InvAutoActFixed -> Flatten -> InvAutoFC (48) -> InvAutoAct -> InvAutoFC (48 -> 10); "
                           "reverse is FrEIA's transposed map, not the inverse")


FIXTURES = {"allinone_sequence": allinone_sequence,
            "glow_permute_actnorm": glow_permute_actnorm,
            "conditional_image_graph": conditional_image_graph,
            "invauto_sequence": invauto_sequence}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--freia-git", default=DEFAULT_FREIA_GIT, help="FrEIA git directory (bare is fine)")
    parser.add_argument("--out", default=DEFAULT_OUT, help="where to write the .safetensors files")
    parser.add_argument("--only", nargs="+", choices=sorted(FIXTURES), help="write only these fixtures")
    args = parser.parse_args()
    commit = import_freia(args.freia_git)
    import torch
    torch.set_num_threads(1)  # same summation order on every machine
    os.makedirs(args.out, exist_ok=True)
    for name, build in FIXTURES.items():
        if args.only and name not in args.only:
            continue
        tensors, arch, description = build()
        arch["dtype"] = "float64"
        arch["batch"] = BATCH
        metadata = {"architecture": json.dumps(arch), "freia_commit": commit,
                    "torch_version": torch.__version__, "generator": "jinn-flow/scripts/freia_fixtures.py",
                    "description": description}
        path = os.path.join(args.out, name + ".safetensors")
        write_safetensors(path, tensors, metadata)
        print(f"{path}: {len(tensors)} tensors, {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
