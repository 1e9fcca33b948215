#!/usr/bin/python3
"""Writes the PyTorch-file fixtures that jinn-core's dev.jinn.io.Torch* tests read.

(Some files differ from run to run without changing what they hold: the legacy files' storage keys are memory
addresses, set order follows Python's string hashing, TorchScript records debug data.)

Every ordinary fixture is made by a real torch.save, in both formats: the zip archive (the default since
PyTorch 1.6) as <name>_zip.pt and the legacy stream (_use_new_zipfile_serialization=False) as <name>_legacy.pt.
The hostile fixtures are built by hand from pickle opcodes where torch would never write them. The values are
deterministic (fixed seeds, aranges), so the Java tests state the expected numbers independently.

Usage (Debian's PyTorch, no pip):

    apt-get install python3-torch
    /usr/bin/python3 jinn-core/scripts/torch_fixtures.py [--out DIR] [--freia-out DIR]

It also writes the FrEIA state dict of jinn-flow's allinone_sequence fixture as torch.save files
(allinone_sequence_state.pt, a plain state dict in the zip format, and allinone_sequence_checkpoint.pt, a
checkpoint dict in the legacy format) into jinn-flow/src/test/resources/freia: the tensors are read from the
safetensors fixture that FrEIA itself wrote (jinn-flow/scripts/freia_fixtures.py), so no FrEIA is needed here.
"""

import argparse
import collections
import io
import json
import os
import pickle
import struct
import zipfile

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.join(HERE, "..", "src", "test", "resources", "torch")
DEFAULT_FREIA = os.path.join(HERE, "..", "..", "jinn-flow", "src", "test", "resources", "freia")


def save_both(obj, out, name):
    torch.save(obj, os.path.join(out, name + "_zip.pt"))
    torch.save(obj, os.path.join(out, name + "_legacy.pt"), _use_new_zipfile_serialization=False)


def tiny_model():
    torch.manual_seed(17)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4), torch.nn.Linear(4, 2))
    model(torch.randn(5, 3)).sum().backward()  # BatchNorm running stats and num_batches_tracked move
    return model


def expected(tensors, out, name):
    """The values as JSON (float32 values print exactly as doubles), for the Java tests to compare with."""
    doc = collections.OrderedDict()
    for k, t in tensors.items():
        doc[k] = {"dtype": str(t.dtype), "shape": list(t.shape), "values": t.double().flatten().tolist()}
    with open(os.path.join(out, name + "_expected.json"), "w") as f:
        json.dump(doc, f, indent=0)


def state_dict(out):
    """Sequential(Linear(3,4), BatchNorm1d(4), Linear(4,2)).state_dict(): float32, a 0-d int64 buffer."""
    sd = tiny_model().state_dict()
    save_both(sd, out, "state_dict")
    expected(sd, out, "state_dict")


def checkpoint(out):
    """A training checkpoint: model and Adam state (0-d step tensors, exp_avg ...), plain values of all kinds."""
    model = tiny_model()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(2):
        opt.zero_grad()
        model(torch.randn(5, 3)).square().mean().backward()
        opt.step()
    obj = {
        "epoch": 7,
        "model_state_dict": model.state_dict(),
        "optimizer_state_dict": opt.state_dict(),
        "config": {"hidden": 4, "lr": 0.001, "name": "tiny", "flag": True, "nothing": None,
                   "betas": (0.9, 0.999), "sizes": [3, 4, 2], "big": 2 ** 70, "neg": -5,
                   "dtype": torch.float32, "device": torch.device("cpu"), "blob": b"\x00\x01jinn"},
    }
    save_both(obj, out, "checkpoint")
    expected(opt.state_dict()["state"][0], out, "checkpoint_adam_state_0")


def dtypes(out):
    """One tensor of every dtype jinn reads, with edge values (subnormals, infinities, extremes)."""
    obj = collections.OrderedDict()
    obj["f64"] = torch.tensor([1.5, -2.25, 1e-310, float("inf")], dtype=torch.float64)
    obj["f32"] = torch.tensor([1.5, -2.25, 1e-40, float("-inf")], dtype=torch.float32)
    obj["f16"] = torch.tensor([1.5, -2.25, 65504.0, 2.0 ** -24, float("inf"), -0.0], dtype=torch.float16)
    obj["bf16"] = torch.tensor([1.5, -2.25, 3.0e38, 2.0 ** -126], dtype=torch.bfloat16)
    obj["i64"] = torch.tensor([-2 ** 63, 2 ** 63 - 1, 0], dtype=torch.int64)
    obj["i32"] = torch.tensor([-2 ** 31, 2 ** 31 - 1, 7], dtype=torch.int32)
    obj["i16"] = torch.tensor([-2 ** 15, 2 ** 15 - 1], dtype=torch.int16)
    obj["i8"] = torch.tensor([-128, 127], dtype=torch.int8)
    obj["u8"] = torch.tensor([0, 255, 128], dtype=torch.uint8)
    obj["bool"] = torch.tensor([True, False, True], dtype=torch.bool)
    save_both(obj, out, "dtypes")


def views(out):
    """Tensors sharing one storage with offsets and strides, 0-d, empty, expanded, inside a list and a tuple."""
    base = torch.arange(24, dtype=torch.float64).reshape(4, 6)
    obj = collections.OrderedDict()
    obj["base"] = base
    obj["t"] = base.t()                   # stride (1, 6)
    obj["row"] = base[1]                  # offset 6
    obj["col"] = base[:, 2]               # offset 2, stride (6,)
    obj["block"] = base[1:3, ::2]         # offset 6, stride (6, 2)
    obj["item"] = base[2, 3]              # 0-d view at offset 15
    obj["scalar"] = torch.tensor(3.5)     # 0-d float32 with its own storage
    obj["empty"] = torch.zeros(0, 3)
    obj["tail"] = base.flatten()[24:]    # empty view at offset 24, the storage's end
    obj["expanded"] = torch.tensor([2, 5]).expand(3, 2)   # stride (0, 1)
    obj["nested"] = [base[3], (torch.tensor([True]),)]
    save_both(obj, out, "views")


def protocols(out):
    """The same values pickled with protocol 2 (torch's default) and 4 (FRAME, MEMOIZE, STACK_GLOBAL, sets as
    EMPTY_SET/ADDITEMS/FROZENSET, short strings), zip format."""
    obj = {"w": torch.arange(6, dtype=torch.float32).reshape(2, 3), "tags": {"b", "a"}, "frozen": frozenset([3]),
           "big": 2 ** 100, "neg": -(2 ** 40), "text": "\u00fc\u20ac\U0001F600", "raw": b"\xff\x00",
           "shared": None}
    shared = [obj["w"], obj["w"]]
    obj["shared"] = shared
    for protocol in (2, 4):
        torch.save(obj, os.path.join(out, "protocol%d_zip.pt" % protocol), pickle_protocol=protocol)


# --------------------------------------------------------------------------------------------------------
# Hostile files, by hand

def zip_with_pickle(path, pkl, extra=None):
    """A torch-shaped zip archive whose data.pkl is the given bytes (plus extra records)."""
    records = [("archive/data.pkl", pkl)] + list((extra or {}).items()) + [("archive/version", b"3\n")]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in records:
            z.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)  # same bytes every run


class RunsCommand:
    """What an attacker pickles: unpickling it would call os.system (posix.system on Linux)."""

    def __reduce__(self):
        return (os.system, ("echo jinn-would-have-run-this",))


class Evaluates:
    def __reduce__(self):
        return (eval, ("__import__('os').getcwd()",))


def storage_pid(key, numel, storage="FloatStorage"):
    return (b"(X\x07\x00\x00\x00storage" + b"ctorch\n" + storage.encode() + b"\n"
            + b"X" + struct.pack("<I", len(key)) + key.encode() + b"X\x03\x00\x00\x00cpu"
            + b"J" + struct.pack("<i", numel) + b"tQ")


def rebuild(pid, offset, size, stride):
    ints = lambda xs: b"(" + b"".join(b"J" + struct.pack("<i", x) for x in xs) + b"t"
    return (b"ctorch._utils\n_rebuild_tensor_v2\n(" + pid + b"J" + struct.pack("<i", offset)
            + ints(size) + ints(stride) + b"\x89ccollections\nOrderedDict\n)RtR")


def one_tensor_dict(tensor_pickle):
    return b"\x80\x02}X\x01\x00\x00\x00w" + tensor_pickle + b"s."


def hostile(out):
    p = lambda name: os.path.join(out, "hostile_" + name + ".pt")
    # A pickle that would run a shell command, in both containers.
    zip_with_pickle(p("os_system_zip"), pickle.dumps({"w": RunsCommand()}, protocol=2))
    with open(p("eval_legacy"), "wb") as f:
        for header in (0x1950a86a20f9469cfc6c, 1001, {"protocol_version": 1001, "little_endian": True}):
            pickle.dump(header, f, protocol=2)
        pickle.dump({"w": Evaluates()}, f, protocol=2)
        pickle.dump([], f, protocol=2)
    # Protocol 4 spells globals with STACK_GLOBAL.
    zip_with_pickle(p("stack_global"), pickle.dumps(RunsCommand(), protocol=4))
    # torch.save(model) pickles the module's class: not a state dict.
    torch.save(torch.nn.Linear(2, 2), p("whole_model"))
    # torch.jit.save writes a zip with a data.pkl too, of __torch__ classes.
    torch.jit.save(torch.jit.script(torch.nn.Linear(2, 2)), p("torchscript"))
    # INST constructs an arbitrary object without any GLOBAL opcode.
    zip_with_pickle(p("inst"), b"\x80\x02(X\x04\x00\x00\x00echoiposix\nsystem\n.")
    # An allowed global (a storage type) called as if it were a constructor.
    zip_with_pickle(p("call_storage"), b"\x80\x02ctorch\nFloatStorage\nK\x05\x85R.")
    # BUILD on a tensor would call its __setstate__.
    zip_with_pickle(p("build_tensor"), one_tensor_dict(rebuild(storage_pid("0", 2), 0, [2], [1]) + b"}b"),
                    {"archive/data/0": struct.pack("<2f", 1, 2)})
    # Nesting bombs: a list nested 20000 deep (one APPEND per level), a tuple nested 20000 deep (TUPLE1).
    n = 20000
    zip_with_pickle(p("nested_lists"), b"\x80\x02" + b"]" * n + b"a" * (n - 1) + b".")
    zip_with_pickle(p("nested_tuples"), b"\x80\x02)" + b"\x85" * n + b".")
    # Memo bomb: 64 bytes per level, each list holds the previous one twice: 2^60 paths.
    bomb = b"\x80\x02]q\x000"
    for i in range(1, 61):
        bomb += b"](h" + bytes([i - 1]) + b"h" + bytes([i - 1]) + b"eq" + bytes([i]) + b"0"
    zip_with_pickle(p("memo_bomb"), bomb + b"h" + bytes([60]) + b".")
    # A list that contains itself.
    zip_with_pickle(p("cycle"), b"\x80\x02]q\x00h\x00a.")
    # A string that declares 2^62 bytes.
    zip_with_pickle(p("huge_string"), b"\x80\x02\x8d" + struct.pack("<Q", 1 << 62) + b"abc.")
    # A tensor of 10 elements on a storage of 4.
    zip_with_pickle(p("outside_storage"), one_tensor_dict(rebuild(storage_pid("0", 4), 0, [10], [1])),
                    {"archive/data/0": struct.pack("<4f", 1, 2, 3, 4)})
    # A storage declaring 2^30 elements whose record holds 4.
    zip_with_pickle(p("huge_storage"), one_tensor_dict(rebuild(storage_pid("0", 1 << 30), 0, [2], [1])),
                    {"archive/data/0": struct.pack("<4f", 1, 2, 3, 4)})
    # A zip entry that climbs out of the archive.
    zip_with_pickle(p("dotdot"), one_tensor_dict(rebuild(storage_pid("0", 1), 0, [1], [1])),
                    {"archive/data/0": struct.pack("<f", 1), "archive/../../etc/evil": b"x"})
    # Truncated: the zip state dict cut in half (no central directory), the legacy one inside its storages,
    # and a data.pkl that ends before STOP.
    whole = open(os.path.join(out, "state_dict_zip.pt"), "rb").read()
    open(p("truncated_zip"), "wb").write(whole[: len(whole) // 2])
    whole = open(os.path.join(out, "state_dict_legacy.pt"), "rb").read()
    open(p("truncated_legacy"), "wb").write(whole[:-10])
    zip_with_pickle(p("truncated_pickle"), pickle.dumps({"a": [1, 2, 3]}, protocol=2)[:-6])


# --------------------------------------------------------------------------------------------------------
# FrEIA state dict, from jinn-flow's FrEIA-written safetensors fixture

def read_safetensors(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    types = {"F64": torch.float64, "F32": torch.float32, "I64": torch.int64, "BOOL": torch.bool}
    tensors = collections.OrderedDict()
    for name, e in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        begin, end = e["data_offsets"]
        raw = bytearray(data[8 + n + begin: 8 + n + end])
        t = torch.frombuffer(raw, dtype=types[e["dtype"]]) if raw else torch.empty(0, dtype=types[e["dtype"]])
        tensors[name] = t.reshape(e["shape"]).clone()
    return tensors, meta


def freia(freia_dir):
    tensors, meta = read_safetensors(os.path.join(freia_dir, "allinone_sequence.safetensors"))
    # The keys are FrEIA's (module_list.<k>.<name>); their order does not matter to load_state_dict.
    state = collections.OrderedDict((k[len("state."):], v) for k, v in tensors.items() if k.startswith("state."))
    torch.save(state, os.path.join(freia_dir, "allinone_sequence_state.pt"))
    torch.save({"epoch": 3, "model_state_dict": state, "freia_commit": meta.get("freia_commit", "")},
               os.path.join(freia_dir, "allinone_sequence_checkpoint.pt"), _use_new_zipfile_serialization=False)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--freia-out", default=DEFAULT_FREIA)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    state_dict(args.out)
    checkpoint(args.out)
    dtypes(args.out)
    views(args.out)
    protocols(args.out)
    hostile(args.out)
    freia(args.freia_out)
    print("torch", torch.__version__, "->", os.path.abspath(args.out))


if __name__ == "__main__":
    main()
