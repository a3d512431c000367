#!/usr/bin/env python3
"""Tiny random Hugging Face checkpoints, written by transformers itself, and transformers' own
outputs on them: the golden files the Java tests in src/test/java/dev/modelport/goldens compare
Modelport's runtime against.

Run it through make_goldens.sh, which makes the two Python environments. Phases:

  --phase t5     under transformers 5.x: every case except the t4-* ones, with the pipelines that
                 transformers 5 has (text-classification, token-classification, fill-mask,
                 feature-extraction, text-generation)
  --phase t4     under transformers 4.57.x: the t4-* cases (configs in the transformers-4 layout);
                 question-answering pipeline goldens on the *-qa folders phase t5 wrote (5.x has
                 no question-answering pipeline); transformers 4's text-generation output on the
                 Llama text-generation goldens ("output_transformers4")
  --phase check  checks the folder both phases wrote and prints a summary

Each case folder holds what save_pretrained wrote (config.json, model*.safetensors, tokenizer
files, generation_config.json for decoders) plus golden.json (inputs, metadata, pipelines) and
golden.safetensors (the float32 output tensors, exactly as transformers computed them; golden.json
names each by key). Everything is seeded: a rerun writes the same files.
"""
import argparse
import collections
import json
import os
import shutil
import sys
import zlib


def _missing(what):
    sys.stderr.write(
        f"make_goldens.py: {what} cannot be imported by {sys.executable}.\n"
        "Run scripts/goldens/make_goldens.sh: it creates Python environments with torch, transformers,\n"
        "tokenizers and safetensors (or point GOLDENS_T5_PYTHON / GOLDENS_T4_PYTHON at ones that have them).\n")
    sys.exit(2)


try:
    import torch
except ImportError:
    _missing("torch")
try:
    import transformers
except ImportError:
    _missing("transformers")
try:
    import tokenizers
    from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
except ImportError:
    _missing("tokenizers")
try:
    from safetensors.torch import load_file as st_load, save_file as st_save
except ImportError:
    _missing("safetensors")

T_MAJOR = int(transformers.__version__.split(".")[0])

import cases_decoders2  # noqa: E402  Qwen3, Gemma 2/3, Phi-3 decoders and decoder embedding models

# ---------------------------------------------------------------------------------------------
# sizes and initialisation

HIDDEN, LAYERS, HEADS, KV_HEADS, INTER = 32, 2, 4, 2, 64
WEIGHT_STD = 0.3     # matrices and embeddings: logits spread over a few units
BIAS_STD = 0.1       # every bias non-zero, so a dropped bias shows
NORM_STD = 0.1       # norm weights 1 + N(0, 0.1), norm biases N(0, 0.1)
MIN_MARGIN = 1e-2    # greedy steps: top-1 minus top-2 logit
MIN_PROB_GAP = 1e-4  # pipelines: neighbouring scores in a ranked list
MAX_ATTEMPTS = 40
NEW_TOKENS = 8

# ---------------------------------------------------------------------------------------------
# text

CORPUS = [
    "the quick brown fox jumps over the lazy dog",
    "Élodie lives in Zürich and works in Paris",
    "Marie and John visited London and Berlin last summer",
    "once upon a time there lived a small cat in a quiet village",
    "the capital of France is Paris and the capital of Germany is Berlin",
    "what is the capital of France?",
    "hello world, this is a tiny model speaking",
    "the river flows through the old city near the bridge",
    "she was playing with the children in the garden",
    "they were walking along the river and talking about books",
    "I love this product, it works really well",
    "the worst service ever, I would not buy it again",
    "Marie Curie was born in Warsaw and worked in Paris",
    "the model generates text one token at a time",
    "where does Marie live? Marie lives in Paris.",
    "John lives in London and Élodie lives in Zürich near the lake",
    "the children were reading books about the river and the city",
    "a small dog and a lazy cat were sleeping in the garden",
]

ENC_TEXTS = [
    "Élodie lives in Zürich.",
    "the quick brown fox jumps over the lazy dog",
    "hello world",
]
ENC_PAIR = ("the capital of France?", "Paris is the capital.")

TC_TEXTS = ["I love this product, it works really well", "the worst service ever, I would not buy it again"]
NER_TEXTS = ["Élodie lives in Zürich", "🙂 Paris and Marie"]
LONG_PARAGRAPH = ("Marie lives in Paris and works at the old library near the river. John lives in London "
                  "and he was walking along the river with the children. The capital of France is Paris "
                  "and the capital of Germany is Berlin. ")
QA_INPUTS = [
    ({"question": "where does Marie live?", "context": "Marie lives in Paris and John lives in London."}, {}),
    ({"question": "who lives in Zürich?", "context": "🙂 Élodie lives in Zürich near the lake."}, {}),
    ({"question": "where does Marie live?", "context": LONG_PARAGRAPH * 9 + "Marie lives in Paris."}, {"top_k": 3}),
    ({"question": "where does Marie live?", "context": "Marie lives in Paris and John lives in London."},
     {"handle_impossible_answer": True}),
]
LONG_PROMPT = ("the children were reading books about the river and the city and a small dog and a lazy cat "
               "were sleeping in the garden")
GEN_PARAMS = [{"max_new_tokens": 8, "do_sample": False, "return_full_text": False},
              {"max_new_tokens": 8, "do_sample": False, "return_full_text": True}]

# ---------------------------------------------------------------------------------------------
# tokenizers: vocabularies written here, nothing downloaded or trained by a library


def learn_bpe(words, n_merges):
    """Plain BPE on {tuple(symbols): count}: the most frequent pair first, ties by the pair's
    text; stops at n_merges or when no pair occurs twice. Deterministic."""
    merges = []
    words = dict(words)
    for _ in range(n_merges):
        pairs = collections.Counter()
        for w, c in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        best, count = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
        if count < 2:
            break
        merges.append(best)
        merged = {}
        for w, c in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == best:
                    out.append(w[i] + w[i + 1])
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + c
        words = merged
    return merges


def bytes_to_unicode():
    """GPT-2's byte to printable-character table, in GPT-2's vocabulary order."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [(b, chr(c)) for b, c in zip(bs, cs)]


WP_SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WP_WORDS = """the a an and or of in on at to is was were be he she it they we you i this that what where
who how when with without from for by about over near through along after before not no yes would
could will can do does did have has had live lives lived work works worked play walk talk read
quick brown fox jump jumps lazy dog cat small big old new quiet village city river bridge garden lake
children child book books capital france germany paris london berlin john smith john mary
time once upon there here hello world tiny model speak text one token love product really well worst
service ever buy again born last summer day night good bad great water tree house street school
people man woman boy girl friend family home car road train station market shop bank money price
red green blue white black first second third next new high low long short left right up down
""".split()
WP_PIECES = """##s ##es ##ed ##ing ##er ##ers ##ly ##ie ##od ##ich ##ren ##ld ##ion ##ation ##al ##ful
##ness ##ment ##able ##ity ##ous ##ive ##ize ##ist ##ism ##est ##en ##ry ##ri ##is ##ar ##aw ##ue
##ks ##ts el zur mar cu war sum vis ##it ##ited
""".split()


def wordpiece_vocab():
    vocab = {}
    for t in WP_SPECIALS:
        vocab[t] = len(vocab)
    for c in "abcdefghijklmnopqrstuvwxyz0123456789.,!?'\"-:;()":
        vocab.setdefault(c, len(vocab))
    for c in "abcdefghijklmnopqrstuvwxyz0123456789":
        vocab.setdefault("##" + c, len(vocab))
    for w in WP_WORDS + WP_PIECES:
        vocab.setdefault(w, len(vocab))
    return vocab


def bpe_corpus():
    """The corpus, with the texts the goldens feed in counted once more, so that they
    tokenize into real multi-character pieces."""
    inputs = (ENC_TEXTS + list(ENC_PAIR) + NER_TEXTS + TC_TEXTS + [LONG_PROMPT] + list(GEN_PROMPT.values())
              + [text for prompts in PROMPTS.values() for text, _ in prompts])
    return CORPUS + inputs


def bytelevel_merges(n_merges=100):
    pre = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    counts = collections.Counter()
    for line in bpe_corpus():
        for word, _ in pre.pre_tokenize_str(line):
            counts[tuple(word)] += 1
    return learn_bpe(counts, n_merges)


def bytelevel_vocab(merges, head, tail):
    vocab = {}
    for t in head:
        vocab[t] = len(vocab)
    for _, ch in bytes_to_unicode():
        vocab.setdefault(ch, len(vocab))
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    for t in tail:
        vocab.setdefault(t, len(vocab))
    return vocab


def sentencepiece_vocab_merges(n_merges=80):
    pre = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    counts = collections.Counter()
    for line in bpe_corpus():
        for word, _ in pre.pre_tokenize_str(line):
            counts[tuple(word)] += 1
    merges = learn_bpe(counts, n_merges)
    vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
    for b in range(256):
        vocab[f"<0x{b:02X}>"] = len(vocab)
    for ch in sorted({ch for w in counts for ch in w}):
        vocab.setdefault(ch, len(vocab))
    for a, b in merges:
        vocab.setdefault(a + b, len(vocab))
    return vocab, merges


# The backend pipelines below are the ones transformers 5's tokenizer classes build
# (BertTokenizer, DistilBertTokenizer, RobertaTokenizer, GPT2Tokenizer, LlamaTokenizer);
# phase t5 lets those classes build them and asserts the result equals these, phase t4 hands
# these to the transformers-4 fast classes as tokenizer_object.

def wordpiece_backend(vocab):
    t = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    t.normalizer = normalizers.BertNormalizer(clean_text=True, handle_chinese_chars=True, strip_accents=None,
                                              lowercase=True)
    t.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    t.decoder = decoders.WordPiece(prefix="##")
    t.post_processor = processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0", pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])])
    t.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in WP_SPECIALS])
    return t


def bytelevel_backend(vocab, merges, roberta):
    t = Tokenizer(models.BPE(vocab=vocab, merges=merges, dropout=None, continuing_subword_prefix="",
                             end_of_word_suffix="", fuse_unk=False))
    t.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    t.decoder = decoders.ByteLevel()
    if roberta:
        t.post_processor = processors.RobertaProcessing(("</s>", vocab["</s>"]), ("<s>", vocab["<s>"]),
                                                        trim_offsets=True, add_prefix_space=False)
        t.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in ["<s>", "<pad>", "</s>", "<unk>"]])
        t.add_special_tokens([AddedToken("<mask>", lstrip=True, special=True, normalized=False)])
    else:
        t.add_special_tokens([AddedToken("<|endoftext|>", special=True, normalized=False)])
    return t


def sentencepiece_backend(vocab, merges):
    t = Tokenizer(models.BPE(vocab=vocab, merges=merges, fuse_unk=True, byte_fallback=True, dropout=None))
    t.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="first", split=False)
    t.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(),
                                   decoders.Strip(" ", 1, 0)])
    t.post_processor = processors.TemplateProcessing(single="<s>:0 $A:0", pair="<s>:0 $A:0 <s>:1 $B:1",
                                                     special_tokens=[("<s>", vocab["<s>"])])
    t.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in ["<unk>", "<s>", "</s>"]])
    return t


class Tok:
    """One tokenizer kind: its vocabulary, ids of its special tokens, and how to save it."""

    def __init__(self, kind):
        self.kind = kind
        if kind in ("wp-bert", "wp-distilbert"):
            self.vocab = wordpiece_vocab()
            self.merges = None
            self.backend = lambda: wordpiece_backend(self.vocab)
        elif kind == "bl-roberta":
            self.merges = bytelevel_merges()
            self.vocab = bytelevel_vocab(self.merges, ["<s>", "<pad>", "</s>", "<unk>"], ["<mask>"])
            self.backend = lambda: bytelevel_backend(self.vocab, self.merges, True)
        elif kind == "bl-gpt2":
            self.merges = bytelevel_merges()
            self.vocab = bytelevel_vocab(self.merges, [], ["<|endoftext|>"])
            self.backend = lambda: bytelevel_backend(self.vocab, self.merges, False)
        elif kind == "sp-llama":
            self.vocab, self.merges = sentencepiece_vocab_merges()
            self.backend = lambda: sentencepiece_backend(self.vocab, self.merges)
        else:
            raise ValueError(kind)

    def id(self, token):
        return self.vocab[token]

    @property
    def size(self):
        return len(self.vocab)

    def save(self, folder, max_length):
        """Saves with the model-specific transformers class, as a real checkpoint has it."""
        if T_MAJOR >= 5:
            tok = self._t5(max_length)
            ours = self.backend()
            for text in CORPUS + ENC_TEXTS + NER_TEXTS + TC_TEXTS:
                a, b = tok.backend_tokenizer.encode(text), ours.encode(text)
                if a.ids != b.ids or a.offsets != b.offsets:
                    raise SystemExit(f"{self.kind}: transformers' tokenizer class gives {a.tokens} for {text!r}, "
                                     f"the hand-built pipeline {b.tokens}")
        else:
            tok = self._t4(max_length)
        tok.save_pretrained(folder)

    def _t5(self, n):
        from transformers import BertTokenizer, DistilBertTokenizer, GPT2Tokenizer, LlamaTokenizer, RobertaTokenizer
        if self.kind == "wp-bert":
            return BertTokenizer(vocab=self.vocab, do_lower_case=True, model_max_length=n)
        if self.kind == "wp-distilbert":
            return DistilBertTokenizer(vocab=self.vocab, do_lower_case=True, model_max_length=n)
        if self.kind == "bl-roberta":
            return RobertaTokenizer(vocab=self.vocab, merges=self.merges, model_max_length=n,
                                    mask_token=AddedToken("<mask>", lstrip=True, rstrip=False, special=True,
                                                          normalized=False))
        if self.kind == "bl-gpt2":
            return GPT2Tokenizer(vocab=self.vocab, merges=self.merges, model_max_length=n)
        return LlamaTokenizer(vocab=self.vocab, merges=self.merges, add_bos_token=True, model_max_length=n)

    def _t4(self, n):
        from transformers import (BertTokenizerFast, DistilBertTokenizerFast, GPT2TokenizerFast,
                                  LlamaTokenizerFast, RobertaTokenizerFast)
        b = self.backend()
        if self.kind == "wp-bert":
            return BertTokenizerFast(tokenizer_object=b, do_lower_case=True, model_max_length=n)
        if self.kind == "wp-distilbert":
            return DistilBertTokenizerFast(tokenizer_object=b, do_lower_case=True, model_max_length=n)
        if self.kind == "bl-roberta":
            return RobertaTokenizerFast(tokenizer_object=b, model_max_length=n,
                                        mask_token=AddedToken("<mask>", lstrip=True, rstrip=False, special=True,
                                                              normalized=False))
        if self.kind == "bl-gpt2":
            return GPT2TokenizerFast(tokenizer_object=b, model_max_length=n)
        return LlamaTokenizerFast(tokenizer_object=b, add_bos_token=True, add_eos_token=False, legacy=False,
                                  model_max_length=n)


TOKS = {}


def tok_kind(kind):
    if kind not in TOKS:
        TOKS[kind] = Tok(kind)
    return TOKS[kind]


def load_tokenizer(folder):
    from transformers import AutoTokenizer
    return AutoTokenizer.from_pretrained(folder)


def check_verbatim(folder, hf_tok, texts, pairs=()):
    """The runtime reads tokenizer.json as it is (no transformers class around it): the ids must
    be the ones transformers' tokenizer gives, or the goldens would test the tokenizer instead."""
    raw = Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
    for text in texts:
        want = hf_tok(text)["input_ids"]
        got = raw.encode(text).ids
        if want != got:
            raise SystemExit(f"{folder}: tokenizer.json read as is gives {got} for {text!r}, transformers {want}")
    for a, b in pairs:
        want = hf_tok(a, b)["input_ids"]
        got = raw.encode(a, b).ids
        if want != got:
            raise SystemExit(f"{folder}: tokenizer.json read as is gives {got} for {(a, b)!r}, transformers {want}")


# ---------------------------------------------------------------------------------------------
# numbers


class Degenerate(Exception):
    """These weights give near-ties or uniform predictions: the case tries the next seed."""


def quiet_byte_tokens(model, tok):
    """Scales the output rows of the raw byte symbols (SentencePiece <0xNN>, byte-level symbols of
    non-ASCII bytes) down, so that greedy continuations are mostly word pieces and decode to clean
    text, as a trained model's would."""
    if tok.kind == "sp-llama":
        rows = [i for t, i in tok.vocab.items() if t.startswith("<0x")]
    elif tok.kind == "bl-gpt2":
        rows = [tok.vocab[ch] for b, ch in bytes_to_unicode() if b >= 0x80]
    else:
        return
    with torch.no_grad():
        model.get_output_embeddings().weight[rows] *= 0.25


def reinit(model, seed):
    g = torch.Generator().manual_seed(seed)
    seen = set()
    with torch.no_grad():
        for _, module in model.named_modules():
            is_norm = isinstance(module, torch.nn.LayerNorm) or type(module).__name__.endswith("RMSNorm")
            for pname, p in module.named_parameters(recurse=False):
                if id(p) in seen:
                    continue
                seen.add(id(p))
                noise = torch.randn(p.shape, generator=g, dtype=torch.float32)
                if is_norm:
                    p.copy_(1.0 + NORM_STD * noise if pname == "weight" else NORM_STD * noise)
                elif p.dim() >= 2:
                    p.copy_(WEIGHT_STD * noise)
                else:
                    p.copy_(BIAS_STD * noise)


class Tensors:
    """Collects golden tensors for golden.safetensors; golden.json refers to them by key."""

    def __init__(self):
        self.items = {}

    def put(self, key, t):
        t = t.detach().to(torch.float32).contiguous().clone()
        if key in self.items:
            raise ValueError(key)
        self.items[key] = t
        return {"shape": list(t.shape), "key": key}


def masked_max(a, b, mask):
    """max |a-b| over the positions whose attention mask is 1 (a, b [B,T,...] or [B,C])."""
    d = (a.float() - b.float()).abs()
    if mask is not None and d.dim() >= 2 and d.shape[:2] == mask.shape:
        d = d[mask.bool()]
    return float(d.max())


def margin(logits):
    top = torch.topk(logits.float(), 2).values
    return float(top[0] - top[1])


def to_json(o):
    """Pipeline outputs to plain JSON values (numpy scalars become Python numbers)."""
    import numpy as np
    if isinstance(o, dict):
        return {str(k): to_json(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [to_json(v) for v in o]
    if isinstance(o, np.ndarray):
        return to_json(o.tolist())
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, torch.Tensor):
        return to_json(o.tolist())
    return o


def dumps(o, indent=0):
    """JSON with objects one key a line and lists of scalars on one line."""
    pad, pad1 = " " * indent, " " * (indent + 1)
    if isinstance(o, dict):
        if not o:
            return "{}"
        return "{\n" + ",\n".join(f"{pad1}{json.dumps(k, ensure_ascii=False)}: {dumps(v, indent + 1)}"
                                  for k, v in o.items()) + "\n" + pad + "}"
    if isinstance(o, list) and any(isinstance(v, (dict, list)) for v in o):
        return "[\n" + ",\n".join(pad1 + dumps(v, indent + 1) for v in o) + "\n" + pad + "]"
    return json.dumps(o, ensure_ascii=False)


def write_golden(folder, golden, tensors):
    if tensors is not None:
        st_save(dict(sorted(tensors.items.items())), os.path.join(folder, "golden.safetensors"))
        golden["tensors_file"] = "golden.safetensors"
    with open(os.path.join(folder, "golden.json"), "w", encoding="utf-8") as f:
        f.write(dumps(golden) + "\n")


def read_golden(folder):
    with open(os.path.join(folder, "golden.json"), encoding="utf-8") as f:
        return json.load(f)


# ---------------------------------------------------------------------------------------------
# cases

ENCODER_CLASSES = {
    "bert": ("BertConfig", {"base": "BertModel", "seqcls": "BertForSequenceClassification",
                            "tokcls": "BertForTokenClassification", "mlm": "BertForMaskedLM",
                            "qa": "BertForQuestionAnswering"}, "wp-bert"),
    "roberta": ("RobertaConfig", {"base": "RobertaModel", "seqcls": "RobertaForSequenceClassification",
                                  "tokcls": "RobertaForTokenClassification", "mlm": "RobertaForMaskedLM",
                                  "qa": "RobertaForQuestionAnswering"}, "bl-roberta"),
    "xlmr": ("XLMRobertaConfig", {"base": "XLMRobertaModel", "seqcls": "XLMRobertaForSequenceClassification"},
             "bl-roberta"),
    "distilbert": ("DistilBertConfig", {"base": "DistilBertModel", "seqcls": "DistilBertForSequenceClassification",
                                        "tokcls": "DistilBertForTokenClassification", "mlm": "DistilBertForMaskedLM",
                                        "qa": "DistilBertForQuestionAnswering"}, "wp-distilbert"),
}
SENTIMENT = {0: "negative", 1: "neutral", 2: "positive"}
NER = {0: "O", 1: "B-PER", 2: "I-PER", 3: "B-LOC", 4: "I-LOC"}


def encoder_config(family, head, positions):
    cls_name, _, kind = ENCODER_CLASSES[family]
    tok = tok_kind(kind)
    kw = {}
    if head == "seqcls":
        kw = {"id2label": dict(SENTIMENT), "label2id": {v: k for k, v in SENTIMENT.items()}}
    elif head == "tokcls":
        kw = {"id2label": dict(NER), "label2id": {v: k for k, v in NER.items()}}
    if family == "distilbert":
        return getattr(transformers, cls_name)(
            vocab_size=tok.size, dim=HIDDEN, n_layers=LAYERS, n_heads=HEADS, hidden_dim=INTER,
            max_position_embeddings=positions, pad_token_id=tok.id("[PAD]"), **kw)
    common = dict(vocab_size=tok.size, hidden_size=HIDDEN, num_hidden_layers=LAYERS, num_attention_heads=HEADS,
                  intermediate_size=INTER, **kw)
    if family == "bert":
        return getattr(transformers, cls_name)(max_position_embeddings=positions, type_vocab_size=2,
                                               pad_token_id=tok.id("[PAD]"), **common)
    return getattr(transformers, cls_name)(max_position_embeddings=positions + 2, type_vocab_size=1,
                                           pad_token_id=tok.id("<pad>"), bos_token_id=tok.id("<s>"),
                                           eos_token_id=tok.id("</s>"), **common)


def rope(rope_type, theta=10000.0, **extra):
    params = {"rope_type": rope_type, "rope_theta": theta, **extra}
    if T_MAJOR >= 5:
        return {"rope_parameters": params}
    out = {"rope_theta": theta}
    if rope_type != "default":
        out["rope_scaling"] = {"rope_type": rope_type, **extra}
    return out


def decoder_config(family, tok, positions, **extra):
    if family == "gpt2":
        eot = tok.id("<|endoftext|>")
        return transformers.GPT2Config(vocab_size=tok.size, n_positions=positions, n_embd=HIDDEN, n_layer=LAYERS,
                                       n_head=HEADS, n_inner=INTER, bos_token_id=eot, eos_token_id=eot,
                                       tie_word_embeddings=True, **extra)
    cls_name = {"llama": "LlamaConfig", "mistral": "MistralConfig", "qwen2": "Qwen2Config"}[family]
    if family == "qwen2":
        ids = {"bos_token_id": tok.id("<|endoftext|>"), "eos_token_id": tok.id("<|endoftext|>")}
    else:
        ids = {"bos_token_id": tok.id("<s>"), "eos_token_id": tok.id("</s>")}
    if not any(k.startswith("rope") for k in extra):
        extra.update(rope("default"))
    return getattr(transformers, cls_name)(
        vocab_size=tok.size, hidden_size=HIDDEN, intermediate_size=INTER, num_hidden_layers=LAYERS,
        num_attention_heads=HEADS, num_key_value_heads=KV_HEADS, max_position_embeddings=positions,
        rms_norm_eps=1e-6, **ids, **extra)


def from_pretrained(cls, folder, dtype, attn="eager"):
    kw = {"dtype": dtype} if T_MAJOR >= 5 else {"torch_dtype": dtype}
    m = cls.from_pretrained(folder, attn_implementation=attn, **kw)
    m.eval()
    return m


def save_model(model, folder, stored, shard):
    if stored == "bfloat16":
        model = model.to(torch.bfloat16)
    elif stored == "float16":
        model = model.to(torch.float16)
    kw = {"max_shard_size": shard} if shard else {}
    if T_MAJOR < 5:
        kw["safe_serialization"] = True
    model.save_pretrained(folder, **kw)
    if T_MAJOR < 5:
        # transformers 4.56+ writes "dtype"; every checkpoint saved before (most of the Hub) has
        # "torch_dtype": the t4 cases carry the older key, as those configs do
        path = os.path.join(folder, "config.json")
        with open(path, encoding="utf-8") as f:
            cfg = json.load(f)
        cfg["torch_dtype"] = cfg.pop("dtype")
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(cfg, indent=2, sort_keys=True) + "\n")
    names = sorted(os.listdir(folder))
    if shard and not ("model.safetensors.index.json" in names and sum(n.startswith("model-") for n in names) >= 2):
        raise SystemExit(f"{folder}: expected >= 2 shards and an index, got {names}")


def base_metadata(case, architecture, kind, stored, description, seed, attempts):
    return {
        "case": case,
        "architecture": architecture,
        "description": description,
        "transformers_version": transformers.__version__,
        "torch_version": torch.__version__,
        "tokenizers_version": tokenizers.__version__,
        "stored_dtype": stored,
        "kind": kind,
        "seed": seed,
        "attempts": attempts,
    }


def run_pipeline(task, model, tok, inputs, params):
    from transformers import pipeline
    p = pipeline(task, model=model, tokenizer=tok, device="cpu")
    return to_json(p(inputs, **params))


# ---- encoders


def encoder_case(out, case, family, head, description, stored="float32", shard=None, positions=64, pipelines=()):
    cfg_name, classes, kind = ENCODER_CLASSES[family]
    cls = getattr(transformers, classes[head])
    tok = tok_kind(kind)

    def build(folder, seed):
        torch.manual_seed(seed)
        model = cls(encoder_config(family, head, positions))
        reinit(model, seed)
        model.eval()
        save_model(model, folder, stored, shard)
        tok.save(folder, positions)
        hf_tok = load_tokenizer(folder)
        check_verbatim(folder, hf_tok, ENC_TEXTS + NER_TEXTS + TC_TEXTS, [ENC_PAIR])
        encs = [hf_tok(t) for t in ENC_TEXTS] + [hf_tok(*ENC_PAIR)]
        batch = hf_tok.pad(encs, padding=True, return_tensors="pt")
        mask = batch["attention_mask"]
        fp32 = from_pretrained(cls, folder, torch.float32)
        tensors = Tensors()
        with torch.no_grad():
            res = fp32(**batch, output_hidden_states=True)
        outputs = {"last_hidden_state": tensors.put("last_hidden_state", res.hidden_states[-1])}
        head_out = {}
        if head == "qa":
            head_out = {"start_logits": res.start_logits, "end_logits": res.end_logits}
        elif head != "base":
            head_out = {"logits": res.logits}
        for k, v in head_out.items():
            outputs[k] = tensors.put(k, v)
        if head == "seqcls" and len(set(res.logits.argmax(-1).tolist())) < 2:
            raise Degenerate("one label for every input")
        if head == "tokcls" and len(set(res.logits.argmax(-1)[mask.bool()].tolist())) < 2:
            raise Degenerate("one label for every token")
        golden = base_metadata(case, classes[head], "encoder", stored, description, None, None)
        golden["inputs"] = {
            "texts": ENC_TEXTS + [list(ENC_PAIR)],
            "input_ids": batch["input_ids"].tolist(),
            "attention_mask": mask.tolist(),
            "token_type_ids": batch["token_type_ids"].tolist() if "token_type_ids" in batch else None,
        }
        golden["outputs"] = outputs
        if stored != "float32":
            golden["reference_lowp_max_abs_diff"] = lowp_reference(
                cls, folder, stored, lambda m: m(**batch, output_hidden_states=True),
                lambda r: dict({"last_hidden_state": r.hidden_states[-1]},
                               **({"start_logits": r.start_logits, "end_logits": r.end_logits} if head == "qa"
                                  else {} if head == "base" else {"logits": r.logits})),
                {"last_hidden_state": res.hidden_states[-1], **head_out}, mask)
        golden["pipelines"] = [p for task in pipelines for p in encoder_pipelines(task, fp32, hf_tok)]
        return golden, tensors

    return attempt(out, case, build)


# transformers' low-precision error depends on its attention implementation (eager rounds the
# scores to bfloat16 before the softmax, sdpa does not): both are transformers' own outputs, and
# the larger of the two is the yardstick (Modelport attends through scaled_dot_product_attention)
LOWP_ATTENTION = ("eager", "sdpa")


def lowp_reference(cls, folder, stored, run, pick, fp32_outputs, mask):
    """transformers' own max |diff| between its bfloat16 (float16) runs and its float32 run."""
    ref = {}
    for dtype in (["bfloat16", "float16"] if stored == "float16" else ["bfloat16"]):
        ref[dtype] = {}
        for attn in LOWP_ATTENTION:
            m = from_pretrained(cls, folder, getattr(torch, dtype), attn)
            with torch.no_grad():
                outs = pick(run(m))
            for k in fp32_outputs:
                ref[dtype][k] = max(ref[dtype].get(k, 0.0), masked_max(outs[k], fp32_outputs[k], mask))
    return ref


def ranked_gaps_ok(scores):
    s = sorted(scores, reverse=True)
    return all(a - b > MIN_PROB_GAP for a, b in zip(s, s[1:]))


def encoder_pipelines(task, model, hf_tok):
    entries = []
    if task == "text-classification":
        calls = [(TC_TEXTS[0], {}), (TC_TEXTS[0], {"top_k": None}), (TC_TEXTS[0], {"function_to_apply": "sigmoid"}),
                 (TC_TEXTS, {"top_k": None})]
        for text in TC_TEXTS:
            all_labels = run_pipeline(task, model, hf_tok, text, {"top_k": None})
            if not ranked_gaps_ok([d["score"] for d in all_labels]):
                raise Degenerate("text-classification scores too close")
    elif task == "token-classification":
        calls = [(text, {"aggregation_strategy": s}) for text in NER_TEXTS
                 for s in ["none", "simple", "first", "average", "max"]]
        calls.append((NER_TEXTS[0], {"aggregation_strategy": "simple", "ignore_labels": []}))
        for text in NER_TEXTS:
            enc = hf_tok(text, return_tensors="pt")
            with torch.no_grad():
                probs = model(**enc).logits[0].softmax(-1)
            top = torch.topk(probs, 2).values
            if float((top[:, 0] - top[:, 1]).min()) < 1e-3:
                raise Degenerate("token label near-tie")
            if len(set(probs.argmax(-1)[1:-1].tolist()) - {0}) < 1:
                raise Degenerate("no entity in a token-classification input")
    elif task == "fill-mask":
        m = hf_tok.mask_token
        texts = [f"the capital of France is {m}.", f"Élodie lives in {m} with Marie."]
        calls = [(texts[0], {}), (texts[0], {"top_k": 3}), (texts[1], {})]
        for text in texts:
            six = run_pipeline(task, model, hf_tok, text, {"top_k": 6})
            if not ranked_gaps_ok([d["score"] for d in six]):
                raise Degenerate("fill-mask scores too close")
    elif task == "feature-extraction":
        calls = [("hello world", {})]
    else:
        raise ValueError(task)
    for inputs, params in calls:
        entries.append({"task": task, "inputs": inputs, "parameters": params,
                        "output": run_pipeline(task, model, hf_tok, inputs, params)})
    return entries


# ---- decoders

DECODER_CLASSES = {"gpt2": ("GPT2LMHeadModel", "bl-gpt2"), "llama": ("LlamaForCausalLM", "sp-llama"),
                   "mistral": ("MistralForCausalLM", "sp-llama"), "qwen2": ("Qwen2ForCausalLM", "bl-gpt2")}
PROMPTS = {
    "bl-gpt2": [("Hello world, this is a tiny model speaking", None), ("once upon a time", None),
                ("The capital of France is Paris and the capital of Germany is", None)],
    "sp-llama": [("once upon a time there lived a cat", None), ("Élodie lives in Zürich 🙂", None),
                 ("the model", None)],
}
GEN_PROMPT = {"bl-gpt2": "Hello world, this is", "sp-llama": "once upon a time"}


def greedy(model, ids, n, eos):
    """model.generate greedy with n new tokens; EOS is never top-1 (asserted), so none is cut."""
    x = torch.tensor([ids])
    with torch.no_grad():
        out = model.generate(x, attention_mask=torch.ones_like(x), do_sample=False, max_new_tokens=n,
                             min_new_tokens=n, output_logits=True, return_dict_in_generate=True,
                             pad_token_id=eos, eos_token_id=eos)
    new = out.sequences[0, len(ids):].tolist()
    raw = torch.cat([l.float() for l in out.logits], 0)
    if len(new) != n:
        raise SystemExit(f"generate gave {len(new)} tokens, not {n}")
    for step, tok_id in enumerate(new):
        if int(raw[step].argmax()) != tok_id:
            raise Degenerate(f"step {step}: EOS is top-1")
        if margin(raw[step]) <= MIN_MARGIN:
            raise Degenerate(f"step {step}: top-1/top-2 margin {margin(raw[step]):.2e}")
    if len(set(new)) < 2:
        raise Degenerate("the continuation repeats one token")
    return new, raw, min(margin(r) for r in raw)


def decoder_case(out, case, family, description, stored="float32", shard=None, positions=64, config=None,
                 prompts=None, new_tokens=NEW_TOKENS, pipelines=(), n_prompts=2):
    cls_name, kind = DECODER_CLASSES[family]
    cls = getattr(transformers, cls_name)
    tok = tok_kind(kind)
    config = config or {}
    prompt_spec = prompts or PROMPTS[kind][:n_prompts]

    def build(folder, seed):
        torch.manual_seed(seed)
        model = cls(decoder_config(family, tok, positions, **config))
        reinit(model, seed)
        quiet_byte_tokens(model, tok)
        model.eval()
        save_model(model, folder, stored, shard)
        tok.save(folder, positions)
        hf_tok = load_tokenizer(folder)
        check_verbatim(folder, hf_tok, [t for t, _ in prompt_spec] + list(GEN_PROMPT.values()))
        fp32 = from_pretrained(cls, folder, torch.float32)
        eos = fp32.config.eos_token_id
        tensors = Tensors()
        entries, fp32_logits = [], []
        for i, (text, length) in enumerate(prompt_spec):
            ids = hf_tok(text)["input_ids"]
            if length is not None:
                if len(ids) < length:
                    raise SystemExit(f"{case}: prompt {text!r} has {len(ids)} tokens, fewer than {length}")
                ids = ids[:length]
            with torch.no_grad():
                logits = fp32(torch.tensor([ids])).logits[0]
            fp32_logits.append(logits)
            new, step_logits, low = greedy(fp32, ids, new_tokens, eos)
            entries.append({"text": text, "truncated_to": length, "input_ids": ids,
                            "logits": tensors.put(f"prompt{i}.logits", logits),
                            "greedy": new, "greedy_step_logits": tensors.put(f"prompt{i}.greedy_step_logits", step_logits),
                            "greedy_min_margin": round(low, 6)})
        golden = base_metadata(case, cls_name, "decoder", stored, description, None, None)
        golden["max_new_tokens"] = new_tokens
        golden["prompts"] = entries
        if stored != "float32":
            ref = {}
            for dtype in (["bfloat16", "float16"] if stored == "float16" else ["bfloat16"]):
                worst = 0.0
                for attn in LOWP_ATTENTION:
                    m = from_pretrained(cls, folder, getattr(torch, dtype), attn)
                    for e, want in zip(entries, fp32_logits):
                        with torch.no_grad():
                            got = m(torch.tensor([e["input_ids"]])).logits[0]
                        worst = max(worst, masked_max(got, want, None))
                ref[dtype] = {"logits": worst}
            golden["reference_lowp_max_abs_diff"] = ref
        golden["pipelines"] = []
        if "text-generation" in pipelines:
            prompt = GEN_PROMPT[kind]
            new, _, _ = greedy(fp32, hf_tok(prompt)["input_ids"], 8, eos)  # margins of the pipeline's own steps
            if "\ufffd" in hf_tok.decode(new):
                raise Degenerate("the text-generation continuation is not clean UTF-8")
            if kind == "sp-llama" and not hf_tok.convert_ids_to_tokens(new[0]).startswith("\u2581"):
                raise Degenerate("the continuation does not start a new word (transformers 4 and 5 differ there)")
            for params in GEN_PARAMS:
                golden["pipelines"].append({"task": "text-generation", "inputs": prompt, "parameters": params,
                                            "output": run_pipeline("text-generation", fp32, hf_tok, prompt, params)})
        return golden, tensors

    return attempt(out, case, build)


def attempt(out, case, build):
    folder = os.path.join(out, case)
    base = zlib.crc32(case.encode()) % 100000
    reasons = []
    for n in range(MAX_ATTEMPTS):
        seed = base + 7919 * n
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        try:
            golden, tensors = build(folder, seed)
        except Degenerate as e:
            reasons.append(str(e))
            continue
        golden["seed"], golden["attempts"] = seed, n + 1
        write_golden(folder, golden, tensors)
        size = sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
        print(f"  {case:28s} seed {seed:6d} (attempt {n + 1}) {size / 1024:7.1f} KiB  "
              f"{', '.join(sorted(os.listdir(folder)))}", flush=True)
        return golden
    raise SystemExit(f"{case}: no seed in {MAX_ATTEMPTS} gave non-degenerate outputs: {collections.Counter(reasons)}")


# ---------------------------------------------------------------------------------------------
# phases


def phase_t5(out, only):
    def want(name):
        return only is None or name in only

    enc = [
        ("bert-base", "bert", "base", "BertModel, uncased WordPiece; feature-extraction pipeline",
         {"pipelines": ["feature-extraction"]}),
        ("bert-seqcls", "bert", "seqcls", "BertForSequenceClassification, 3 labels; text-classification pipeline",
         {"pipelines": ["text-classification"]}),
        ("bert-tokcls", "bert", "tokcls", "BertForTokenClassification, 5 BIO labels; token-classification pipeline",
         {"pipelines": ["token-classification"]}),
        ("bert-mlm", "bert", "mlm", "BertForMaskedLM (tied decoder); fill-mask pipeline", {"pipelines": ["fill-mask"]}),
        ("bert-qa", "bert", "qa", "BertForQuestionAnswering, 384 positions; question-answering pipeline from transformers 4",
         {"positions": 384}),
        ("roberta-base", "roberta", "base", "RobertaModel, byte-level BPE, positions offset by padding_idx", {}),
        ("roberta-seqcls", "roberta", "seqcls", "RobertaForSequenceClassification (dense+tanh head); text-classification pipeline",
         {"pipelines": ["text-classification"]}),
        ("roberta-tokcls", "roberta", "tokcls", "RobertaForTokenClassification; token-classification pipeline on byte-level BPE",
         {"pipelines": ["token-classification"]}),
        ("roberta-mlm", "roberta", "mlm", "RobertaForMaskedLM (lm_head dense+gelu+LayerNorm); fill-mask pipeline",
         {"pipelines": ["fill-mask"]}),
        ("roberta-qa", "roberta", "qa", "RobertaForQuestionAnswering, 386 positions; question-answering pipeline from transformers 4",
         {"positions": 384}),
        ("xlmr-base", "xlmr", "base", "XLMRobertaModel (byte-level BPE tokenizer)", {}),
        ("xlmr-seqcls", "xlmr", "seqcls", "XLMRobertaForSequenceClassification", {}),
        ("distilbert-base", "distilbert", "base", "DistilBertModel (no token types)", {}),
        ("distilbert-seqcls", "distilbert", "seqcls", "DistilBertForSequenceClassification (pre_classifier+ReLU); text-classification pipeline",
         {"pipelines": ["text-classification"]}),
        ("distilbert-tokcls", "distilbert", "tokcls", "DistilBertForTokenClassification; token-classification pipeline",
         {"pipelines": ["token-classification"]}),
        ("distilbert-mlm", "distilbert", "mlm", "DistilBertForMaskedLM (vocab_transform+gelu+LayerNorm, tied projector); fill-mask pipeline",
         {"pipelines": ["fill-mask"]}),
        ("distilbert-qa", "distilbert", "qa", "DistilBertForQuestionAnswering, 384 positions; question-answering pipeline from transformers 4",
         {"positions": 384}),
        ("bert-seqcls-bf16", "bert", "seqcls", "BertForSequenceClassification stored in bfloat16", {"stored": "bfloat16"}),
    ]
    for case, family, head, desc, kw in enc:
        if want(case):
            encoder_case(out, case, family, head, desc, **kw)

    sw_text = LONG_PROMPT
    dec = [
        ("gpt2", "gpt2", "GPT2LMHeadModel, tied embeddings, byte-level BPE; text-generation pipeline",
         {"pipelines": ["text-generation"], "n_prompts": 3}),
        ("gpt2-scale-inv-layer", "gpt2", "GPT2LMHeadModel with scale_attn_by_inverse_layer_idx",
         {"config": {"scale_attn_by_inverse_layer_idx": True}}),
        ("llama", "llama", "LlamaForCausalLM, GQA 4 heads / 2 kv heads, SentencePiece-style BPE; text-generation pipeline",
         {"pipelines": ["text-generation"], "n_prompts": 3}),
        ("llama-bias", "llama", "LlamaForCausalLM with attention_bias and mlp_bias",
         {"config": {"attention_bias": True, "mlp_bias": True}}),
        ("llama-llama3", "llama", "LlamaForCausalLM, llama3 RoPE (factor 8, original 64: head dim 8 puts one "
         "frequency in each band)",
         {"positions": 128, "config": rope("llama3", factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0,
                                           original_max_position_embeddings=64)}),
        ("llama-dynamic", "llama", "LlamaForCausalLM, dynamic NTK RoPE (factor 2), max_position_embeddings 16, "
         "a 24-token prompt; transformers recomputes the frequencies as the sequence grows past 16",
         {"positions": 16, "config": rope("dynamic", factor=2.0), "new_tokens": 8,
          "prompts": [(sw_text, 24), ("once upon a time there lived a small cat", 12), ("the model", None)]}),
        ("llama-linear", "llama", "LlamaForCausalLM, linear RoPE scaling (factor 2)",
         {"config": rope("linear", factor=2.0)}),
        ("llama-tied", "llama", "LlamaForCausalLM with tie_word_embeddings", {"config": {"tie_word_embeddings": True}}),
        ("mistral-sliding", "mistral", "MistralForCausalLM, sliding_window 6, a 20-token prompt",
         {"config": {"sliding_window": 6}, "prompts": [(sw_text, 20), ("once upon a time there lived a small cat", None),
                                                      ("the model", None)]}),
        ("qwen2", "qwen2", "Qwen2ForCausalLM (q/k/v biases), GQA, byte-level BPE", {"n_prompts": 3}),
        ("qwen2-sliding", "qwen2", "Qwen2ForCausalLM, use_sliding_window, sliding_window 6, max_window_layers 1: "
         "layer 0 full attention, layer 1 sliding",
         {"config": {"use_sliding_window": True, "sliding_window": 6, "max_window_layers": 1},
          "prompts": [(sw_text, 20), ("once upon a time", None), ("Hello world, this is a tiny model speaking", None)]}),
        ("llama-bf16", "llama", "LlamaForCausalLM stored in bfloat16", {"stored": "bfloat16"}),
        ("qwen2-f16", "qwen2", "Qwen2ForCausalLM stored in float16", {"stored": "float16"}),
        ("llama-sharded", "llama", "LlamaForCausalLM saved in shards with model.safetensors.index.json",
         {"shard": "64KB"}),
    ]
    for case, family, desc, kw in dec:
        if want(case):
            decoder_case(out, case, family, desc, **kw)
    cases_decoders2.add_t5_cases(sys.modules[__name__], out, want)

    # MPNet, ModernBERT, DeBERTa-v2/v3, zero-shot and text-pair cases (cases_encoders2.py)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import cases_encoders2
    cases_encoders2.phase_t5(out, only, sys.modules[__name__])

    # T5, BART and Marian encoder-decoders (cases_seq2seq.py)
    import cases_seq2seq
    cases_seq2seq.phase_t5(out, only, sys.modules[__name__])


def phase_t4(out, only):
    def want(name):
        return only is None or name in only

    if want("t4-bert-seqcls"):
        encoder_case(out, "t4-bert-seqcls", "bert", "seqcls",
                     "BertForSequenceClassification saved by transformers 4 (torch_dtype, vocab.txt, special_tokens_map.json)",
                     pipelines=["text-classification"])
    if want("t4-llama-llama3"):
        decoder_case(out, "t4-llama-llama3", "llama",
                     "LlamaForCausalLM saved by transformers 4: rope_scaling llama3, top-level rope_theta, torch_dtype",
                     positions=128, config=rope("llama3", factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0,
                                                original_max_position_embeddings=64),
                     pipelines=["text-generation"])
    if want("t4-qwen2-sliding"):
        decoder_case(out, "t4-qwen2-sliding", "qwen2",
                     "Qwen2ForCausalLM saved by transformers 4: use_sliding_window, sliding_window 6, max_window_layers 1, "
                     "rope_scaling null, top-level rope_theta, torch_dtype",
                     config={"use_sliding_window": True, "sliding_window": 6, "max_window_layers": 1},
                     prompts=[(LONG_PROMPT, 20),
                              ("once upon a time", None)])

    # question answering: transformers 5 has no pipeline for it
    from transformers import AutoModelForQuestionAnswering, pipeline
    for case in ["bert-qa", "roberta-qa", "distilbert-qa"]:
        folder = os.path.join(out, case)
        if not want(case):
            continue
        if not os.path.isdir(folder):
            raise SystemExit(f"{folder} is missing: run phase t5 first")
        golden = read_golden(folder)
        model = from_pretrained(AutoModelForQuestionAnswering, folder, torch.float32)
        tok = load_tokenizer(folder)
        long_ctx = QA_INPUTS[2][0]
        n = len(tok(long_ctx["question"], long_ctx["context"])["input_ids"])
        if n <= 384:
            raise SystemExit(f"{case}: the long context is {n} tokens, not > 384")
        qa = pipeline("question-answering", model=model, tokenizer=tok, device="cpu")
        golden["pipelines"] = [p for p in golden["pipelines"] if p["task"] != "question-answering"]
        for inputs, params in QA_INPUTS:
            golden["pipelines"].append({"task": "question-answering", "inputs": inputs, "parameters": params,
                                        "output": to_json(qa(question=inputs["question"], context=inputs["context"],
                                                             **params)),
                                        "source": f"transformers {transformers.__version__} (5.x has no question-answering pipeline)"})
        write_golden(folder, golden, None)
        print(f"  {case:28s} + {len(QA_INPUTS)} question-answering goldens (transformers {transformers.__version__})")

    # text generation on the Llama (SentencePiece) folder: transformers 4 and 5 decode the
    # continuation differently (the leading space), so both are kept
    from transformers import AutoModelForCausalLM
    for case in ["llama", "gpt2"]:
        folder = os.path.join(out, case)
        if not want(case):
            continue
        golden = read_golden(folder)
        model = from_pretrained(AutoModelForCausalLM, folder, torch.float32)
        tok = load_tokenizer(folder)
        gen = pipeline("text-generation", model=model, tokenizer=tok, device="cpu")
        for p in golden["pipelines"]:
            if p["task"] == "text-generation":
                p["output_transformers4"] = to_json(gen(p["inputs"], **p["parameters"]))
        write_golden(folder, golden, None)
        print(f"  {case:28s} + transformers {transformers.__version__} text-generation outputs")

    # text2text-generation, summarization and translation on the encoder-decoder cases (cases_seq2seq.py)
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import cases_seq2seq
    cases_seq2seq.phase_t4(out, only, sys.modules[__name__])


def phase_check(out):
    total, cases = 0, 0
    problems = []
    for case in sorted(os.listdir(out)):
        folder = os.path.join(out, case)
        if not os.path.isdir(folder):
            continue
        cases += 1
        g = read_golden(folder)
        tensors = st_load(os.path.join(folder, "golden.safetensors"))
        refs = []

        def collect(o):
            if isinstance(o, dict):
                if "key" in o and "shape" in o:
                    refs.append(o)
                for v in o.values():
                    collect(v)
            elif isinstance(o, list):
                for v in o:
                    collect(v)

        collect(g)
        for r in refs:
            t = tensors.get(r["key"])
            if t is None or list(t.shape) != r["shape"]:
                problems.append(f"{case}: tensor {r['key']} missing or misshapen")
        # a tokenizer.json, unless the case ships a SentencePiece model alone (spm.model, or MarianTokenizer's source.spm)
        if os.path.isfile(os.path.join(folder, "tokenizer.json")) or not any(
                os.path.isfile(os.path.join(folder, f)) for f in ("spm.model", "source.spm")):
            Tokenizer.from_file(os.path.join(folder, "tokenizer.json"))
        for need in ("case", "architecture", "transformers_version", "torch_version", "stored_dtype", "kind"):
            if need not in g:
                problems.append(f"{case}: golden.json lacks {need}")
        if case.endswith("-qa") and not any(p["task"] == "question-answering" for p in g["pipelines"]):
            problems.append(f"{case}: no question-answering goldens (phase t4 did not run?)")
        total += sum(os.path.getsize(os.path.join(folder, f)) for f in os.listdir(folder))
    print(f"  {cases} cases, {total / 1024 / 1024:.2f} MiB")
    if total > 12 * 1024 * 1024:
        problems.append(f"the goldens take {total} bytes, over 12 MiB")
    if problems:
        raise SystemExit("\n".join(problems))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--phase", choices=["t5", "t4", "check"], required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--only", nargs="*", help="only these cases (for debugging)")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.use_deterministic_algorithms(True)
    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    os.makedirs(args.out, exist_ok=True)
    if args.phase == "check":
        phase_check(args.out)
        return
    want_major = 5 if args.phase == "t5" else 4
    if T_MAJOR != want_major:
        raise SystemExit(f"phase {args.phase} needs transformers {want_major}.x, {sys.executable} has {transformers.__version__}")
    print(f"make_goldens.py: phase {args.phase}: transformers {transformers.__version__}, torch {torch.__version__}, "
          f"tokenizers {tokenizers.__version__}", flush=True)
    (phase_t5 if args.phase == "t5" else phase_t4)(args.out, set(args.only) if args.only else None)


if __name__ == "__main__":
    main()
