#!/usr/bin/env python3
"""The fuzz corpus of Modelport's weights-only unpickler: hostile, malformed and unsupported
PyTorch checkpoints, each with the refusal it must get (src/test/resources/pickle/hostile/,
manifest.json; the test is src/test/java/dev/modelport/runtime/pickle/HostileCheckpointsTest.java).

Most files are assembled here opcode by opcode (a zip archive written like torch.save's, or the
legacy layout), so that each one differs from a valid checkpoint in exactly one way; some are
written by torch itself (a pickled nn.Module, a quantized tensor, a TorchScript archive, ...).
Every case is also given to torch.load(weights_only=True) and torch's verdict is recorded in the
manifest ("torch": "refused ..." or "loaded"); the script stops if torch loads a case we call
UNSAFE_WEIGHTS (unless the case says why we are stricter), or does not load a valid ("OK") case
with exactly the tensors the manifest lists for it (dtype, shape, bytes).
No payload does harm even if run: the "commands" are `true` and `1+1`.

Expected codes: UNSAFE_WEIGHTS (outside torch's allow-list), INVALID_CHECKPOINT (malformed,
truncated, inconsistent, or past a bound), UNSUPPORTED_MODEL_FILES (torch reads it, Modelport
does not). Run: python make_hostile_pickles.py --out DIR  (any python with torch >= 2.4).
"""
import argparse
import io
import json
import os
import pickle
import struct
import sys
import tarfile
import zipfile
import zlib

import torch

MAGIC = 0x1950a86a20f9469cfc6c


# ------------------------------------------------------------------------------------------------
# a small pickle assembler (protocol 2 opcodes, as torch.save writes them)

class P:
    def __init__(self, proto=True):
        self.b = bytearray(b"\x80\x02" if proto else b"")

    def raw(self, data):
        self.b += data
        return self

    def glob(self, module, name):
        return self.raw(b"c" + module.encode() + b"\n" + name.encode() + b"\n")

    def str(self, text):
        data = text.encode()
        return self.raw(b"X" + struct.pack("<I", len(data)) + data)

    def int(self, v):
        if 0 <= v < 256:
            return self.raw(b"K" + bytes([v]))
        if 0 <= v < 65536:
            return self.raw(b"M" + struct.pack("<H", v))
        if -2 ** 31 <= v < 2 ** 31:
            return self.raw(b"J" + struct.pack("<i", v))
        n = (v.bit_length() + 8) // 8
        return self.raw(b"\x8a" + bytes([n]) + v.to_bytes(n, "little", signed=True))

    def mark(self):
        return self.raw(b"(")

    def tuple(self):
        return self.raw(b"t")

    def ints(self, values):
        self.mark()
        for v in values:
            self.int(v)
        return self.tuple()

    def hooks(self):
        return self.glob("collections", "OrderedDict").raw(b")R")

    def storage(self, key="0", numel=4, cls="FloatStorage", legacy_view=False, view=None):
        self.mark().str("storage").glob("torch", cls).str(key).str("cpu").int(numel)
        if legacy_view:
            if view is None:
                self.raw(b"N")
            else:
                self.mark().str(view[0]).int(view[1]).int(view[2]).tuple()
        return self.tuple().raw(b"Q")

    def tensor(self, key="0", numel=4, offset=0, size=(4,), stride=(1,), cls="FloatStorage", legacy=False):
        self.glob("torch._utils", "_rebuild_tensor_v2").mark()
        self.storage(key, numel, cls, legacy_view=legacy)
        self.int(offset).ints(size).ints(stride).raw(b"\x89").hooks()
        return self.tuple().raw(b"R")

    def stop(self):
        return bytes(self.raw(b".").b)


def state_dict(entries, legacy=False):
    """entries: [(name, tensor kwargs)] -> a pickled OrderedDict of them."""
    p = P().glob("collections", "OrderedDict").raw(b")R").mark()
    for name, kw in entries:
        p.str(name).tensor(legacy=legacy, **kw)
    return p.raw(b"u").stop()


FOUR_FLOATS = struct.pack("<4f", 1.0, 2.0, 3.0, 4.0)
VALID_PKL = state_dict([("w", {})])


def torch_zip(pkl, storages=None, prefix="archive", extra=None, compress=False, byteorder=b"little"):
    """A zip archive laid out as torch.save lays it out (data.pkl, byteorder, data/<key>, version)."""
    storages = {"0": FOUR_FLOATS} if storages is None else storages
    buf = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buf, "w", method) as z:
        put(z, f"{prefix}/data.pkl", pkl, method)
        if byteorder is not None:
            put(z, f"{prefix}/byteorder", byteorder, method)
        for k, v in storages.items():
            put(z, f"{prefix}/data/{k}", v, method)
        put(z, f"{prefix}/version", b"3\n", method)
        for name, data in (extra or []):
            put(z, name, data, method)
    return buf.getvalue()


def put(z, name, data, method=zipfile.ZIP_STORED):
    """A record with a fixed date, so that a rerun writes the same bytes."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = method
    z.writestr(info, data)


def legacy(main, keys=("0",), storages=None, sys_info=None, magic=MAGIC):
    storages = {"0": (4, FOUR_FLOATS)} if storages is None else storages
    sys_info = {"protocol_version": 1001, "little_endian": True, "type_sizes": {"short": 2, "int": 4, "long": 4}} \
        if sys_info is None else sys_info
    out = pickle.dumps(magic, protocol=2) + pickle.dumps(1001, protocol=2) + pickle.dumps(sys_info, protocol=2) + main
    out += pickle.dumps(list(keys), protocol=2)
    for k in keys:
        numel, data = storages[k]
        out += struct.pack("<q", numel) + data
    return out


def patch(data, at, new):
    b = bytearray(data)
    b[at:at + len(new)] = new
    return bytes(b)


def eocd(data):
    return data.rfind(b"PK\x05\x06")


def central(data, index=0):
    at = -1
    for _ in range(index + 1):
        at = data.find(b"PK\x01\x02", at + 1)
    return at


class Reduce:
    """An object whose pickle calls func(*args): what a malicious checkpoint does."""

    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def torch_saved(obj, **kw):
    buf = io.BytesIO()
    torch.save(obj, buf, **kw)
    return buf.getvalue()


def real_checkpoint():
    g = torch.Generator().manual_seed(0)
    sd = {"a.weight": torch.randn(8, 4, generator=g), "a.bias": torch.randn(8, generator=g)}
    return torch_saved(sd)


def deflate_bomb():
    bomb = b"\x80\x02" + b"N" * (10 << 20) + b"."  # 10 MiB that would inflate from a few KiB
    # replace data.pkl by a deflated record that declares 40 bytes
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        put(z, "archive/data.pkl", bomb, zipfile.ZIP_DEFLATED)
        put(z, "archive/data/0", FOUR_FLOATS)
    out = bytearray(buf.getvalue())
    c = central(bytes(out))
    struct.pack_into("<I", out, c + 24, 40)  # uncompressed size in the central directory
    return bytes(out)


def tar_legacy():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, data in (("sys_info", pickle.dumps({}, protocol=2)), ("pickle", VALID_PKL),
                           ("storages", pickle.dumps(0, protocol=2)), ("tensors", pickle.dumps(0, protocol=2))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def torchscript():
    m = torch.jit.script(torch.nn.Linear(2, 2))
    buf = io.BytesIO()
    torch.jit.save(m, buf)
    return buf.getvalue()


UNSAFE, INVALID, UNSUPPORTED = "UNSAFE_WEIGHTS", "INVALID_CHECKPOINT", "UNSUPPORTED_MODEL_FILES"


def cases():
    c = []

    def add(name, code, fragment, what, data, stricter=None, tensors=None):
        case = {"file": name + ".bin", "code": code, "message": fragment, "what": what, "data": data}
        if stricter:
            case["stricter_than_torch"] = stricter
        if tensors is not None:
            case["tensors"] = tensors
        c.append(case)

    def accepted(name, what, sd, data=None, **kw):
        add(name, "OK", "", what, torch_saved(sd, **kw) if data is None else data, tensors=expected(sd))

    # --- code execution and objects outside the allow-list
    add("reduce-os-system", UNSAFE, "posix.system", "__reduce__ to os.system (pickled by Python's own pickle)",
        torch_zip(pickle.dumps(Reduce(os.system, ("true",)), protocol=2)))
    add("reduce-builtins-eval", UNSAFE, "builtins.eval", "__reduce__ to eval('1+1')",
        torch_zip(pickle.dumps(Reduce(eval, ("1+1",)), protocol=2)))
    add("reduce-builtins-exec", UNSAFE, "builtins.exec", "__reduce__ to exec",
        torch_zip(pickle.dumps(Reduce(exec, ("x = 1",)), protocol=2)))
    add("reduce-builtins-getattr", UNSAFE, "builtins.getattr", "getattr, the first step of most pickle exploits",
        torch_zip(pickle.dumps(Reduce(getattr, (0, "real")), protocol=2)))
    add("global-subprocess-popen", UNSAFE, "subprocess.Popen", "GLOBAL subprocess.Popen called with ['true']",
        torch_zip(P().glob("subprocess", "Popen").mark().mark().str("true").raw(b"]").raw(b"e")
                  .tuple().raw(b"R").stop()))
    add("global-arbitrary-module", UNSAFE, "evil_module.run", "GLOBAL of a module no one has heard of",
        torch_zip(P().glob("evil_module", "run").raw(b")R").stop()))
    add("global-sys-exit", UNSAFE, "sys", "GLOBAL sys.exit (a module torch blocks outright)",
        torch_zip(P().glob("sys", "exit").raw(b")R").stop()))
    add("global-builtin-py2-mapping", UNSAFE, "builtins.eval", "__builtin__.eval: Python 2 names are mapped before the check",
        torch_zip(P().glob("__builtin__", "eval").str("1+1").raw(b"\x85R").stop()))
    add("payload-in-state-dict-metadata", UNSAFE, "posix.system",
        "a real tensor, and os.system hidden in the OrderedDict's _metadata (BUILD state)",
        torch_zip(P().glob("collections", "OrderedDict").raw(b")R").mark().str("w").tensor().raw(b"u")
                  .raw(b"}").str("_metadata").glob("posix", "system").str("true").raw(b"\x85R").raw(b"sb").stop()))
    add("payload-as-tensor-value", UNSAFE, "posix.system", "a state dict whose second value is os.system('true')",
        torch_zip(P().raw(b"}").mark().str("w").tensor().str("x").glob("posix", "system").str("true").raw(b"\x85R")
                  .raw(b"u").stop()))
    add("torch-save-module", UNSAFE, "torch.nn.modules.linear.Linear",
        "torch.save(nn.Linear(2, 2)): a whole module, not a state dict (written by torch)",
        torch_saved(torch.nn.Linear(2, 2)))
    add("reduce-on-list", UNSAFE, "calls a list", "REDUCE whose callable is a list",
        torch_zip(P().raw(b"]").raw(b")R").stop()))
    add("newobj-on-string", UNSAFE, "instantiates the string", "NEWOBJ of a string",
        torch_zip(P().str("os.system").raw(b")\x81").stop()))
    add("build-on-list", UNSAFE, "BUILD", "BUILD (setstate) on a list",
        torch_zip(P().raw(b"]").raw(b"}").raw(b"b").stop()))
    add("build-on-plain-dict", UNSAFE, "BUILD", "BUILD on a plain dict (torch allows it on OrderedDict only)",
        torch_zip(P().raw(b"}").raw(b"}").raw(b"b").stop()))
    add("append-to-dict", UNSAFE, "appends to a dict", "APPEND to a dict",
        torch_zip(P().raw(b"}").raw(b"N").raw(b"a").stop()))
    add("setitem-on-list", UNSAFE, "sets items on a list", "SETITEM on a list",
        torch_zip(P().raw(b"]").raw(b"K\x01K\x02s").stop()))
    add("opcode-inst", UNSAFE, "INST", "INST os system (protocol 0's call-a-class opcode)",
        torch_zip(P().mark().str("true").raw(b"ios\nsystem\n").stop()))
    add("opcode-obj", UNSAFE, "OBJ", "OBJ",
        torch_zip(P().mark().glob("collections", "OrderedDict").raw(b"o").stop()))
    add("protocol-4-stack-global", UNSAFE, "FRAME", "a protocol 4 pickle (FRAME, STACK_GLOBAL): torch's allow-list has no such opcodes",
        torch_zip(pickle.dumps(Reduce(os.system, ("true",)), protocol=4)))
    add("opcode-stack-global", UNSAFE, "STACK_GLOBAL", "STACK_GLOBAL of os.system without a frame",
        torch_zip(P().str("os").str("system").raw(b"\x93").stop()))
    add("persistent-id-module", UNSAFE, "persistent id of type the string 'module'",
        "a persistent id ('module', ...): only storages may be loaded",
        torch_zip(P().mark().str("module").str("x").tuple().raw(b"Q").stop()))
    add("persistent-id-list", UNSAFE, "as a persistent id", "a persistent id that is a list",
        torch_zip(P().raw(b"]").raw(b"Q").stop()))
    add("storage-key-traversal", UNSAFE, "../../../etc/passwd", "a storage key that climbs out of the archive",
        torch_zip(state_dict([("w", {"key": "../../../etc/passwd"})])))
    add("zip-entry-traversal", UNSAFE, "climbs out of the archive", "a zip record named archive/../../evil.sh",
        torch_zip(VALID_PKL, extra=[("archive/../../evil.sh", b"#!/bin/sh\ntrue\n")]),
        stricter="torch never extracts records, so it loads this file; a name like this has no business in a checkpoint")
    add("zip-entry-absolute", UNSAFE, "climbs out of the archive", "a zip record named /etc/cron.d/evil",
        torch_zip(VALID_PKL, extra=[("/etc/cron.d/evil", b"true\n")]))
    add("legacy-reduce-os-system", UNSAFE, "posix.system", "the legacy layout with os.system as its state dict",
        legacy(pickle.dumps(Reduce(os.system, ("true",)), protocol=2)))
    add("legacy-magic-is-payload", UNSAFE, "builtins.eval", "the legacy layout whose first pickle is eval('1+1')",
        pickle.dumps(Reduce(eval, ("1+1",)), protocol=2) + VALID_PKL)
    add("numpy-array", UNSAFE, "numpy", "torch.save of a numpy array (numpy globals are not on torch's list)",
        torch_saved({"w": torch.zeros(2).numpy()}))

    # --- malformed, truncated, inconsistent, or past a bound
    real = real_checkpoint()
    add("empty", INVALID, "is empty", "a file of 0 bytes", b"")
    add("garbage", INVALID, "not a PyTorch checkpoint", "1 KiB of bytes that are no format",
        bytes((i * 37 + 11) % 256 for i in range(1024)).replace(b"\x80", b"\x81").replace(b"PK", b"pk"))
    add("truncated-zip-half", INVALID, "end-of-central-directory", "a real checkpoint cut at half its size",
        real[:len(real) // 2])
    add("truncated-zip-tail", INVALID, "end-of-central-directory", "a real checkpoint missing its last 10 bytes",
        real[:-10])
    add("truncated-pickle", INVALID, "truncated", "a zip whose data.pkl stops before its STOP opcode",
        torch_zip(VALID_PKL[:len(VALID_PKL) // 2]))
    add("truncated-legacy-data", INVALID, "truncated", "the legacy layout cut inside its storage data",
        legacy(state_dict([("w", {})], legacy=True))[:-5])
    add("truncated-legacy-pickle", INVALID, "truncated", "the legacy layout cut inside its state dict",
        legacy(state_dict([("w", {})], legacy=True))[:80])
    add("oversized-string-length", INVALID, "string of 4294967280 bytes", "BINUNICODE declaring 4 GiB",
        torch_zip(P().raw(b"X" + struct.pack("<I", 0xFFFFFFF0) + b"abc").stop()))
    add("oversized-string-past-end", INVALID, "truncated", "BINUNICODE declaring 100,000 bytes with 3 left",
        torch_zip(P().raw(b"X" + struct.pack("<I", 100000) + b"abc").stop()))
    add("oversized-storage-numel", INVALID, "more than the file", "a storage declaring 2^62 elements",
        torch_zip(state_dict([("w", {"numel": 2 ** 62, "size": (2 ** 31,), "stride": (1,)})])))
    add("storage-size-mismatch", INVALID, "its record holds 16 bytes", "a storage declaring 100 elements over a 16-byte record",
        torch_zip(state_dict([("w", {"numel": 100})])))
    add("tensor-exceeds-storage", INVALID, "exceeds its storage", "a 1000x1000 tensor on a 4-element storage",
        torch_zip(state_dict([("w", {"size": (1000, 1000), "stride": (1000, 1)})])))
    add("tensor-offset-exceeds-storage", INVALID, "exceeds its storage", "4 elements from offset 3 of a 4-element storage",
        torch_zip(state_dict([("w", {"offset": 3})])))
    add("tensor-size-overflow", INVALID, "overflows", "a tensor of 2^40 x 2^40 elements",
        torch_zip(state_dict([("w", {"size": (2 ** 40, 2 ** 40), "stride": (2 ** 40, 1)})])))
    add("tensor-negative-size", INVALID, "the int -1", "a tensor of size -1",
        torch_zip(state_dict([("w", {"size": (-1,)})])))
    add("tensor-expanded-view", INVALID, "more elements than its storage", "a stride-0 view repeating 4 elements 250,000 times",
        torch_zip(state_dict([("w", {"size": (250000, 4), "stride": (0, 1)})])))
    add("storage-key-missing", INVALID, "no record", "a storage key with no record in the archive",
        torch_zip(state_dict([("w", {"key": "7"})])))
    add("deep-nested-lists", INVALID, "nests containers more than 100 deep", "20,000 lists nested in each other",
        torch_zip(P().raw(b"]" * 20000 + b"a" * 19999).stop()))
    add("deep-nested-tuples", INVALID, "nests containers more than 100 deep", "20,000 tuples nested in each other",
        torch_zip(P().raw(b"N" + b"\x85" * 20000).stop()))
    add("deep-marks", INVALID, "MARKs", "20,000 MARKs open at once", torch_zip(P().raw(b"(" * 20000).stop()))
    add("huge-memo-index", INVALID, "memo entry 4294967294", "LONG_BINPUT at index 2^32-1, LONG_BINGET of 2^32-2",
        torch_zip(P().raw(b"N" + b"r" + struct.pack("<I", 0xFFFFFFFF) + b"j" + struct.pack("<I", 0xFFFFFFFE)).stop()))
    add("memo-get-unset", INVALID, "never set", "BINGET of a memo entry never set", torch_zip(P().raw(b"h\x05").stop()))
    add("stack-underflow", INVALID, "empty pickle stack", "REDUCE on an empty stack", torch_zip(P().raw(b"R").stop()))
    add("mark-underflow", INVALID, "never opened", "TUPLE without a MARK", torch_zip(P().raw(b"Nt").stop()))
    add("odd-setitems", INVALID, "odd number", "SETITEMS with a key and no value",
        torch_zip(P().raw(b"}(").str("w").raw(b"u").stop()))
    add("not-a-state-dict", INVALID, "not a state dict", "a list of tensors instead of a dict",
        torch_zip(P().raw(b"](").tensor().raw(b"e").stop()))
    add("nested-state-dict", INVALID, "not a tensor", "{'state_dict': {...}}: a training checkpoint, not a state dict",
        torch_zip(P().raw(b"}").str("state_dict").raw(b"}").str("w").tensor().raw(b"ss").stop()))
    add("int-key-state-dict", INVALID, "state dict key", "a state dict keyed by an int",
        torch_zip(P().raw(b"}").int(7).tensor().raw(b"s").stop()))
    add("tuple-dict-key", INVALID, "as a dict key", "a dict keyed by a tuple",
        torch_zip(P().raw(b"}").raw(b"NN\x86").raw(b"Ns").stop()))
    add("bad-utf8-string", INVALID, "not valid UTF-8", "BINUNICODE of invalid UTF-8",
        torch_zip(P().raw(b"X" + struct.pack("<I", 2) + b"\xff\xfe").stop()))
    add("long-global-name", INVALID, "name over 256 bytes", "a GLOBAL whose name runs for 10,000 bytes",
        torch_zip(P().raw(b"c" + b"a" * 10000 + b"\nb\n").stop()))
    add("global-without-newline", INVALID, "truncated", "a GLOBAL that never ends its line",
        torch_zip(b"\x80\x02ctorch._utils"))
    add("integer-persistent-id", INVALID, "integer persistent id", "a persistent id that is an int (the tar layout's)",
        torch_zip(P().int(5).raw(b"Q").stop()))
    add("storage-type-not-storage", INVALID, "as a storage type", "a storage id whose type is torch.float32",
        torch_zip(P().mark().str("storage").glob("torch", "float32").str("0").str("cpu").int(4).tuple().raw(b"Q").stop()))
    add("zip-cd-offset-past-end", INVALID, "does not fit the file", "an end record whose central directory lies past the end",
        (lambda d: patch(d, eocd(d) + 16, struct.pack("<I", len(d) + 1000)))(torch_zip(VALID_PKL)))
    add("zip-huge-record-count", INVALID, "does not fit the file", "an end record claiming 65,535 records",
        (lambda d: patch(patch(d, eocd(d) + 8, struct.pack("<H", 0xFFFF)), eocd(d) + 10, struct.pack("<H", 0xFFFF)))(
            torch_zip(VALID_PKL)))
    add("zip-record-past-end", INVALID, "do not fit the file", "a record whose size runs far past the end of the file",
        (lambda d: patch(patch(d, central(d, 2) + 20, struct.pack("<I", 0x7FFFFFFF)), central(d, 2) + 24,
                         struct.pack("<I", 0x7FFFFFFF)))(torch_zip(VALID_PKL)))
    add("zip-duplicate-records", INVALID, "two records named", "two records named archive/data/0",
        torch_zip(VALID_PKL, extra=[("archive/data/0", FOUR_FLOATS)]))
    add("zip-two-folders", INVALID, "outside the archive's folder", "records in two top folders",
        torch_zip(VALID_PKL, extra=[("other/data.pkl", VALID_PKL)]))
    add("zip-without-data-pkl", INVALID, "without archive/data.pkl", "a zip with storages but no data.pkl",
        _zip_only({"archive/data/0": FOUR_FLOATS, "archive/version": b"3\n"}).getvalue())
    add("zip-encrypted-record", INVALID, "encrypted", "a record flagged as encrypted",
        (lambda d: patch(d, central(d, 0) + 8, struct.pack("<H", 1)))(torch_zip(VALID_PKL)))
    add("zip-local-name-mismatch", INVALID, "local header names another file", "data.pkl's local header names another file",
        (lambda d: patch(d, d.find(b"archive/data.pkl"), b"archive/data.pkX"))(torch_zip(VALID_PKL)))
    add("zip-crc-mismatch", INVALID, "CRC", "data.pkl whose CRC is wrong",
        (lambda d: patch(d, central(d, 0) + 16, struct.pack("<I", 0x12345678)))(torch_zip(VALID_PKL)))
    add("zip-deflate-bomb", INVALID, "does not inflate to its declared", "data.pkl deflated from 10 MiB, declaring 40 bytes",
        deflate_bomb())
    add("legacy-bad-magic", INVALID, "magic number", "the legacy layout with another magic number",
        legacy(state_dict([("w", {})], legacy=True), magic=12345))
    add("legacy-count-mismatch", INVALID, "stores 5 elements", "legacy storage data whose element count disagrees",
        legacy(state_dict([("w", {})], legacy=True), storages={"0": (5, FOUR_FLOATS + b"\0\0\0\0")}))
    add("legacy-unlisted-storage", INVALID, "never stores the data", "a legacy storage missing from the key list",
        legacy(state_dict([("w", {})], legacy=True), keys=()))
    add("legacy-unknown-key-listed", INVALID, "which no tensor uses", "a legacy key list naming a storage no tensor uses",
        legacy(state_dict([("w", {})], legacy=True), keys=("0", "9"), storages={"0": (4, FOUR_FLOATS), "9": (4, FOUR_FLOATS)}))
    add("legacy-view-outside-root", INVALID, "does not lie within", "a legacy storage view past its root's end",
        legacy(P().glob("collections", "OrderedDict").raw(b")R").mark().str("w")
               .glob("torch._utils", "_rebuild_tensor_v2").mark().storage("0", 4, legacy_view=True, view=("1", 2, 8))
               .int(0).ints((2,)).ints((1,)).raw(b"\x89").hooks().tuple().raw(b"R").raw(b"u").stop()))

    # --- allowed by torch, not read by Modelport
    add("quantized-tensor", UNSUPPORTED, "quantized", "a quantized tensor (written by torch)",
        torch_saved({"w": torch.quantize_per_tensor(torch.ones(4), 0.1, 0, torch.qint8)}))
    add("sparse-tensor", UNSUPPORTED, "_rebuild_sparse_tensor", "a sparse COO tensor (written by torch)",
        torch_saved({"w": torch.eye(3).to_sparse()}))
    add("negative-view", UNSUPPORTED, "negative view", "a tensor with the negative bit set (torch._neg_view)",
        torch_saved({"w": torch._neg_view(torch.ones(4))}))
    add("compressed-storages", UNSUPPORTED, "compressed", "a checkpoint re-zipped with deflate (storages compressed)",
        torch_zip(VALID_PKL, compress=True))
    add("big-endian", UNSUPPORTED, "big-endian", "a checkpoint whose byteorder record says big",
        torch_zip(VALID_PKL, byteorder=b"big"))
    add("torchscript-archive", UNSUPPORTED, "TorchScript", "torch.jit.save of a module, named pytorch_model.bin",
        torchscript())
    add("tar-layout", UNSUPPORTED, "tar layout", "the pre-0.4 tar layout", tar_legacy())
    add("tensor-dtype-float8-e8m0", UNSUPPORTED, "float8_e8m0fnu", "a _rebuild_tensor_v3 tensor of a dtype Modelport cannot lay out",
        torch_zip(P().raw(b"}").str("w").glob("torch._utils", "_rebuild_tensor_v3").mark()
                  .mark().str("storage").glob("torch.storage", "UntypedStorage").str("0").str("cpu").int(16).tuple().raw(b"Q")
                  .int(0).ints((4,)).ints((1,)).raw(b"\x89").hooks().glob("torch", "float8_e8m0fnu").tuple().raw(b"R")
                  .raw(b"s").stop()))

    add("tensor-with-attributes", UNSUPPORTED, "Python attributes", "a tensor carrying a Python attribute (_rebuild_from_type_v2 with state)",
        torch_saved({"w": _with_attr(torch.ones(2))}))

    # --- valid checkpoints in every form torch writes that Modelport reads (they must load, with these bytes)
    accepted("valid-control", "a valid one-tensor state dict assembled like the others",
             {"w": torch.tensor([1.0, 2.0, 3.0, 4.0])}, data=torch_zip(VALID_PKL))
    accepted("accepted-parameter", "an nn.Parameter (_rebuild_parameter)", {"w": torch.nn.Parameter(torch.arange(4.0))})
    accepted("accepted-parameter-with-state", "a Parameter with a Python attribute (_rebuild_parameter_with_state)",
             {"w": _with_attr(torch.nn.Parameter(torch.arange(3.0)))})
    accepted("accepted-float8", "a float8 tensor (_rebuild_tensor_v3 on an UntypedStorage)",
             {"w": torch.tensor([1.0, -2.0, 0.5]).to(torch.float8_e4m3fn)})
    accepted("accepted-uint16", "a uint16 tensor (_rebuild_tensor_v3)", {"w": torch.tensor([1, 2, 65535], dtype=torch.uint16)})
    lin = torch.nn.Linear(3, 2)
    torch.nn.init.constant_(lin.weight, 0.25)
    torch.nn.init.constant_(lin.bias, -1.0)
    accepted("accepted-module-state-dict", "nn.Linear's state_dict(): an OrderedDict with _metadata set by BUILD",
             lin.state_dict())
    accepted("accepted-legacy-state-dict", "the legacy layout of the same", lin.state_dict(),
             _use_new_zipfile_serialization=False)
    accepted("accepted-legacy-view", "the legacy layout with a storage view (as torch < 1.0 wrote views)",
             {"w": torch.tensor([3.0, 4.0])},
             data=legacy(P().glob("collections", "OrderedDict").raw(b")R").mark().str("w")
                         .glob("torch._utils", "_rebuild_tensor_v2").mark().storage("0", 4, legacy_view=True, view=("1", 2, 2))
                         .int(0).ints((2,)).ints((1,)).raw(b"\x89").hooks().tuple().raw(b"R").raw(b"u").stop()))
    accepted("accepted-bytes-and-sizes", "bytes (_codecs.encode), a set, torch.Size and a Counter in _metadata",
             {"w": torch.tensor([1.0, 2.0, 3.0, 4.0])},
             data=torch_zip(P().glob("collections", "OrderedDict").raw(b")R").mark().str("w").tensor().raw(b"u")
                            .raw(b"}").str("_metadata").raw(b"}").mark()
                            .str("b").glob("_codecs", "encode").str("\u00ff\u0001").str("latin1").raw(b"\x86R")
                            .str("s").glob("builtins", "set").raw(b"]").raw(b"(K\x01K\x02e").raw(b"\x85R")
                            .str("z").glob("torch", "Size").ints((2, 3)).raw(b"\x85R")
                            .str("c").glob("collections", "Counter").raw(b")R")
                            .raw(b"u").raw(b"sb").stop()))
    return c


def _with_attr(t):
    t.note = "extra"
    return t


def expected(sd):
    names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.float64: "F64",
             torch.int64: "I64", torch.uint16: "U16", torch.float8_e4m3fn: "F8_E4M3"}
    out = {}
    for k, v in sd.items():
        v = v.detach().contiguous()
        out[k] = {"dtype": names[v.dtype], "shape": list(v.shape), "hex": v.view(-1).view(torch.uint8).numpy().tobytes().hex()}
    return out


def _zip_only(records):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in records.items():
            put(z, name, data)
    return buf


def torch_load(path):
    """(what torch.load(weights_only=True) gave or None, its verdict in words)."""
    try:
        return torch.load(path, weights_only=True, map_location="cpu"), "loaded"
    except Exception as e:  # noqa: BLE001 - every failure is a verdict here
        text = str(e).splitlines()[0][:160] if str(e) else ""
        return None, "refused: " + type(e).__name__ + (": " + text if text else "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for f in os.listdir(args.out):
        os.remove(os.path.join(args.out, f))
    manifest = []
    problems = []
    for case in cases():
        path = os.path.join(args.out, case["file"])
        with open(path, "wb") as f:
            f.write(case.pop("data"))
        loaded, verdict = torch_load(path)
        case["torch"] = verdict
        if case["code"] == "OK" and loaded is not None and expected(loaded) != case["tensors"]:
            problems.append(f"{case['file']}: torch reads other tensors than the manifest expects")
        if case["code"] == UNSAFE and verdict == "loaded" and "stricter_than_torch" not in case:
            problems.append(f"{case['file']}: torch loads it, yet it is called UNSAFE_WEIGHTS")
        if case["code"] == "OK" and verdict != "loaded":
            problems.append(f"{case['file']}: a valid case does not load in torch: {verdict}")
        manifest.append(case)
        print(f"{os.path.getsize(path):8d}  {case['code']:24s} {case['file']:36s} torch {verdict[:70]}")
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump({"torch_version": torch.__version__.split("+")[0], "cases": manifest}, f, indent=1)
        f.write("\n")
    if problems:
        sys.exit("make_hostile_pickles: " + "; ".join(problems))
    print(f"make_hostile_pickles: {len(manifest)} cases")


if __name__ == "__main__":
    main()
