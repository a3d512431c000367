#!/usr/bin/env python3
"""PyTorch pickle checkpoints (pytorch_model.bin) of golden cases, written by torch and transformers
themselves, for the tests of Modelport's weights-only unpickler (src/test/java/dev/modelport/goldens/
PickleGoldenTest.java): each case is a golden case of src/test/resources/goldens whose weights are
saved again as a PyTorch pickle, so the runtime can load both and compare.

Run under transformers 4.x (4.57.6 is what make_goldens.sh's "t4" venv has): transformers 5 no
longer writes pickles (save_pretrained ignores safe_serialization=False). Through make_pickles.sh.

Cases (src/test/resources/pickle/checkpoints/<case>/):
  bert-seqcls          save_pretrained(safe_serialization=False): torch.save's zip archive, float32
  gpt2                 the same; lm_head.weight shares transformer.wte.weight's storage (tied)
  llama-bf16           bfloat16 storages
  qwen2-f16            float16 storages
  llama-sharded        save_pretrained(max_shard_size=...): pytorch_model-0000N-of-0000M.bin + index
  distilbert-legacy    torch.save(state_dict, _use_new_zipfile_serialization=False): the legacy
                       (pre-1.6) layout of classic checkpoints
  bert-views           torch.save of bert-base's state dict where the query/key/value weights are
                       offset views of one shared storage, a bias is a view at an offset, and a dense
                       weight is a transposed (non-contiguous) view; the legacy twin of it too
                       (bert-views-legacy)

Each folder gets the golden case's own config.json (not the one transformers 4 rewrites), the .bin
file(s), and source.json (the golden case, who wrote the file, the layout). Every case is checked
here: torch.load(weights_only=True) gives, for every tensor of the golden's safetensors, exactly the
same values (bit for bit) and dtype.

Also writes src/test/resources/pickle/torch-weights-only-globals.txt: the names torch's weights-only
unpickler allows, which a Java test compares with Modelport's list.
"""
import argparse
import collections
import json
import os
import shutil
import sys

import torch
import transformers
from safetensors.torch import load_file as st_load

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
GOLDENS = os.path.join(ROOT, "src", "test", "resources", "goldens")


def golden_tensors(case):
    d = os.path.join(GOLDENS, case)
    out = {}
    for f in sorted(os.listdir(d)):
        if f.endswith(".safetensors") and f != "golden.safetensors":
            out.update(st_load(os.path.join(d, f)))
    return out


def load_model(case):
    d = os.path.join(GOLDENS, case)
    arch = json.load(open(os.path.join(d, "config.json")))["architectures"][0]
    cls = getattr(transformers, arch)
    return cls.from_pretrained(d, torch_dtype="auto")


def check(case, out_dir):
    want = golden_tensors(case)
    index = os.path.join(out_dir, "pytorch_model.bin.index.json")
    files = ([os.path.join(out_dir, f) for f in sorted(set(json.load(open(index))["weight_map"].values()))]
             if os.path.exists(index) else [os.path.join(out_dir, "pytorch_model.bin")])
    got = {}
    for f in files:
        got.update(torch.load(f, weights_only=True, map_location="cpu"))
    for k, v in want.items():
        if k not in got:
            raise SystemExit(f"{case}: {k} is missing from the pickle")
        g = got[k]
        same_bits = g.contiguous().flatten().view(torch.uint8).equal(v.contiguous().flatten().view(torch.uint8))
        if g.dtype != v.dtype or tuple(g.shape) != tuple(v.shape) or not same_bits:
            raise SystemExit(f"{case}: {k} differs ({g.dtype} {tuple(g.shape)} vs {v.dtype} {tuple(v.shape)})")
    return sorted(set(got) - set(want))


def finish(case, golden, out_dir, how, layout, notes=""):
    shutil.copy(os.path.join(GOLDENS, golden, "config.json"), os.path.join(out_dir, "config.json"))
    for f in os.listdir(out_dir):
        if f not in ("config.json",) and not f.startswith("pytorch_model"):
            os.remove(os.path.join(out_dir, f))
    extra = check(golden, out_dir)
    meta = {"case": case, "golden": golden, "written_by": how, "layout": layout,
            "torch_version": torch.__version__.split("+")[0], "transformers_version": transformers.__version__,
            "extra_tensors": extra, "notes": notes}
    with open(os.path.join(out_dir, "source.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")


def save_pretrained_case(out, case, golden, **kwargs):
    d = os.path.join(out, case)
    os.makedirs(d)
    model = load_model(golden)
    model.save_pretrained(d, safe_serialization=False, **kwargs)
    finish(case, golden, d, f"transformers {transformers.__version__} save_pretrained(safe_serialization=False"
           + "".join(f", {k}={v!r}" for k, v in kwargs.items()) + ")", "zip")


def legacy_case(out, case, golden):
    d = os.path.join(out, case)
    os.makedirs(d)
    sd = load_model(golden).state_dict()
    torch.save(sd, os.path.join(d, "pytorch_model.bin"), _use_new_zipfile_serialization=False)
    finish(case, golden, d, "torch.save(model.state_dict(), _use_new_zipfile_serialization=False)", "legacy")


def views_state_dict(golden):
    """bert-base's tensors, but stored as views the way a model with fused or shared parameters saves them."""
    sd = collections.OrderedDict((k, v.clone()) for k, v in load_model(golden).state_dict().items())
    p = "bert.encoder.layer.0.attention.self." if "bert.encoder.layer.0.attention.self.query.weight" in sd \
        else "encoder.layer.0.attention.self."
    q, k, v = sd[p + "query.weight"], sd[p + "key.weight"], sd[p + "value.weight"]
    fused = torch.cat([q, k, v], dim=0)          # one storage; q/k/v are views at offsets 0, n, 2n
    n = q.shape[0]
    sd[p + "query.weight"], sd[p + "key.weight"], sd[p + "value.weight"] = fused[:n], fused[n:2 * n], fused[2 * n:]
    qb, kb, vb = sd[p + "query.bias"], sd[p + "key.bias"], sd[p + "value.bias"]
    biases = torch.cat([qb, kb, vb])
    sd[p + "key.bias"] = biases[n:2 * n]         # a 1-d view at an offset
    d = p.replace("attention.self.", "attention.output.dense.weight")
    w = sd[d]
    sd[d] = w.t().contiguous().t()               # same values, column-major: a non-contiguous view
    assert not sd[d].is_contiguous() and sd[p + "key.weight"].storage_offset() == n * q.shape[1]
    return sd


def views_case(out, case, golden, legacy):
    d = os.path.join(out, case)
    os.makedirs(d)
    sd = views_state_dict(golden)
    torch.save(sd, os.path.join(d, "pytorch_model.bin"), _use_new_zipfile_serialization=not legacy)
    finish(case, golden, d, "torch.save(state_dict with views" + (", _use_new_zipfile_serialization=False)" if legacy else ")"),
           "legacy" if legacy else "zip",
           "query/key/value weights are views of one storage at offsets; key.bias a view at an offset; "
           "attention.output.dense.weight a transposed (non-contiguous) view")


def allowed_globals(path):
    from torch import _weights_only_unpickler as w
    names = sorted(w._get_allowed_globals().keys())
    with open(path, "w") as f:
        f.write(f"# torch {torch.__version__.split('+')[0]}: torch._weights_only_unpickler._get_allowed_globals()\n")
        for n in names:
            f.write(n + "\n")
    return len(names)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True, help="the folder to write (replaced)")
    args = ap.parse_args()
    if int(transformers.__version__.split(".")[0]) != 4:
        raise SystemExit(f"make_pickle_cases.py needs transformers 4.x (save_pretrained writes pickles there); "
                         f"{sys.executable} has {transformers.__version__}")
    torch.manual_seed(0)
    out = os.path.join(args.out, "checkpoints")
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(out)
    save_pretrained_case(out, "bert-seqcls", "bert-seqcls")
    save_pretrained_case(out, "gpt2", "gpt2")
    save_pretrained_case(out, "llama-bf16", "llama-bf16")
    save_pretrained_case(out, "qwen2-f16", "qwen2-f16")
    save_pretrained_case(out, "llama-sharded", "llama-sharded", max_shard_size="40KB")
    legacy_case(out, "distilbert-legacy", "distilbert-seqcls")
    views_case(out, "bert-views", "bert-base", legacy=False)
    views_case(out, "bert-views-legacy", "bert-base", legacy=True)
    n = allowed_globals(os.path.join(args.out, "torch-weights-only-globals.txt"))
    for root, _, files in sorted(os.walk(args.out)):
        for f in sorted(files):
            p = os.path.join(root, f)
            print(f"{os.path.getsize(p):9d}  {os.path.relpath(p, args.out)}")
    print(f"make_pickle_cases: {len(os.listdir(out))} cases, {n} allowed globals")


if __name__ == "__main__":
    main()
