"""Golden cases for the second set of encoders (issue 12): MPNet, ModernBERT and DeBERTa-v2/v3,
with their heads, and the tasks that came with them: zero-shot-classification (transformers'
ZeroShotClassificationPipeline on NLI heads) and text pairs for text-classification (cross-encoders,
reranking).

make_goldens.py calls phase_t5(out, only, mg) at the end of its own phase t5, mg being the
make_goldens module itself: the tokenizer vocabularies, seeding, checkpoint writing and golden
layout are the ones every other case uses. Nothing here is downloaded; the DeBERTa SentencePiece
model (spm.model) is written here as a protobuf, and transformers loads and converts it as it does
microsoft/deberta-v3-base (which ships spm.model and no tokenizer.json). That needs the
sentencepiece and protobuf packages beside transformers 5 (make_goldens.sh installs them).

Cases (hidden 32, 4 heads, intermediate 64; checkpoints written by save_pretrained):
  mpnet-base          MPNetModel; feature-extraction; sentence-transformers files (mean pooling,
                      Normalize) and the normalised sentence embeddings computed from transformers'
                      token vectors the way sentence-transformers' Pooling + Normalize modules do
  mpnet-seqcls        MPNetForSequenceClassification, NLI labels (contradiction, entailment, neutral:
                      the entailment id is not 0); text-classification with pairs, zero-shot
  mpnet-mlm           MPNetForMaskedLM; fill-mask
  modernbert-base     ModernBertModel, 3 layers: full, sliding (local_attention 4), full; its own
                      global and local RoPE theta; feature-extraction
  modernbert-seqcls   ModernBertForSequenceClassification, cls pooling; text-classification (pairs)
  modernbert-rerank   ModernBertForSequenceClassification with one label and mean pooling: a
                      cross-encoder; text-classification pairs, and rerank expectations
  modernbert-mlm      ModernBertForMaskedLM; fill-mask
  modernbert-tokcls   ModernBertForTokenClassification; token-classification
  deberta-v2-base     DebertaV2Model as DeBERTa-v3 is configured (relative attention, position
                      buckets, share_att_key, layer-normed relative embeddings, no absolute
                      positions, no token types); spm.model only; feature-extraction
  deberta-v2-seqcls   DebertaV2ForSequenceClassification, NLI (entailment, neutral, contradiction);
                      zero-shot-classification and text-classification with pairs
  deberta-v2-tokcls   DebertaV2ForTokenClassification; token-classification on SentencePiece
  deberta-v2-conv     DebertaV2Model as DeBERTa-v2-xlarge-style configs have it: separate position
                      projections (no share_att_key), no buckets with max_relative_positions 6,
                      absolute positions, 2 token types, the convolution layer (conv_kernel_size 3)
"""
import json
import os
import sys

import torch
import transformers

HIDDEN, HEADS, INTER = 32, 4, 64
NLI_MPNET = {0: "contradiction", 1: "entailment", 2: "neutral"}
NLI_DEBERTA = {0: "entailment", 1: "neutral", 2: "contradiction"}
RERANK = {0: "LABEL_0"}

PAIRS = [
    ("the capital of France?", "Paris is the capital."),
    ("where does Marie live?", "Marie lives in Paris and John lives in London."),
    ("where does Marie live?", "the quick brown fox jumps over the lazy dog"),
]
ZS_TEXTS = ["Marie Curie was born in Warsaw and worked in Paris",
            "I love this product, it works really well"]
ZS_LABELS = ["science", "travel", "shopping"]

# ---------------------------------------------------------------------------------------------
# tokenizers


def mpnet_vocab(mg):
    """WordPiece like microsoft/mpnet-base: <s> <pad> </s> <unk> first, <mask> last."""
    vocab = {}
    for t in ["<s>", "<pad>", "</s>", "[UNK]"]:
        vocab[t] = len(vocab)
    for t in mg.wordpiece_vocab():
        if t not in mg.WP_SPECIALS:
            vocab.setdefault(t, len(vocab))
    vocab["<mask>"] = len(vocab)
    return vocab


MODERNBERT_SPECIALS = ["[UNK]", "[CLS]", "[SEP]", "[PAD]", "[MASK]"]


def modernbert_tokenizer(mg, n):
    """Byte-level BPE as answerdotai/ModernBERT-base's tokenizer.json has it: ByteLevel
    pre-tokenizer and decoder, [CLS] A [SEP] (B [SEP]) template, the special tokens last."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast
    merges = mg.bytelevel_merges()
    vocab = mg.bytelevel_vocab(merges, [], MODERNBERT_SPECIALS)
    t = Tokenizer(models.BPE(vocab=vocab, merges=merges, dropout=None, continuing_subword_prefix="",
                             end_of_word_suffix="", fuse_unk=False))
    t.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=True)
    t.decoder = decoders.ByteLevel()
    t.post_processor = processors.TemplateProcessing(
        single="[CLS]:0 $A:0 [SEP]:0", pair="[CLS]:0 $A:0 [SEP]:0 $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])])
    t.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in MODERNBERT_SPECIALS[:4]])
    t.add_special_tokens([AddedToken("[MASK]", lstrip=True, special=True, normalized=False)])
    tok = PreTrainedTokenizerFast(tokenizer_object=t, unk_token="[UNK]", cls_token="[CLS]", sep_token="[SEP]",
                                  pad_token="[PAD]",
                                  mask_token=AddedToken("[MASK]", lstrip=True, special=True, normalized=False),
                                  model_max_length=n, model_input_names=["input_ids", "attention_mask"])
    return tok, vocab


def spm_pieces(mg):
    """A Unigram vocabulary as DeBERTa-v3's spm.model lays it out: [PAD] [CLS] [SEP] (control),
    [UNK] (unknown), then ▁-marked pieces with log-probability-like scores that make the longest
    pieces win, no byte fallback (characters outside the vocabulary are [UNK])."""
    import collections
    from tokenizers import pre_tokenizers
    vocab, _ = mg.sentencepiece_vocab_merges()
    pieces = [("[PAD]", 0.0, 3), ("[CLS]", 0.0, 3), ("[SEP]", 0.0, 3), ("[UNK]", 0.0, 2)]
    normal = [p for p in vocab if not (p.startswith("<") and p.endswith(">"))]
    # whole words seen at least twice in the corpus, so that frequent words are one piece and the
    # rest split into the BPE pieces and characters
    pre = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    counts = collections.Counter(w for line in mg.CORPUS for w, _ in pre.pre_tokenize_str(line))
    normal += sorted(w for w, c in counts.items() if c >= 2 and w not in vocab)
    for rank, p in enumerate(normal):
        # longer pieces score better per piece; every score distinct (no Viterbi ties)
        pieces.append((p, round(-8.0 + 1.5 * len(p) - 0.001 * rank, 4), 1))
    return pieces


def write_spm_model(mg, folder):
    from transformers.convert_slow_tokenizer import import_protobuf
    pb = import_protobuf()
    m = pb.ModelProto()
    for piece, score, kind in spm_pieces(mg):
        p = m.pieces.add()
        p.piece, p.score, p.type = piece, score, kind
    m.trainer_spec.model_type = 1  # UNIGRAM
    m.trainer_spec.vocab_size = len(m.pieces)
    m.trainer_spec.unk_id, m.trainer_spec.bos_id, m.trainer_spec.eos_id, m.trainer_spec.pad_id = 3, 1, 2, 0
    m.trainer_spec.unk_piece, m.trainer_spec.bos_piece = "[UNK]", "[CLS]"
    m.trainer_spec.eos_piece, m.trainer_spec.pad_piece = "[SEP]", "[PAD]"
    m.trainer_spec.byte_fallback = False
    m.normalizer_spec.name = "identity"
    m.normalizer_spec.add_dummy_prefix = True
    m.normalizer_spec.remove_extra_whitespaces = True
    m.normalizer_spec.escape_whitespaces = True
    with open(os.path.join(folder, "spm.model"), "wb") as f:
        f.write(m.SerializeToString())
    return len(m.pieces)


def write_deberta_v3_tokenizer_files(mg, folder, n):
    """The tokenizer files microsoft/deberta-v3-base ships: spm.model, tokenizer_config.json,
    special_tokens_map.json and added_tokens.json ([MASK] after the SentencePiece pieces)."""
    size = write_spm_model(mg, folder)
    files = {
        "tokenizer_config.json": {"do_lower_case": False, "vocab_type": "spm", "model_max_length": n},
        "special_tokens_map.json": {"bos_token": "[CLS]", "eos_token": "[SEP]", "unk_token": "[UNK]",
                                    "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]",
                                    "mask_token": "[MASK]"},
        "added_tokens.json": {"[MASK]": size},
    }
    for name, content in files.items():
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(json.dumps(content, indent=2) + "\n")
    return size + 1


def tokenizer_checks(hf_tok, texts, pairs):
    """What transformers' tokenizer gives, for the runtime's own tokenizer to equal (ids, offsets)."""
    out = []
    for text in texts:
        enc = hf_tok(text, return_offsets_mapping=True)
        out.append({"text": text, "input_ids": enc["input_ids"], "offsets": [list(o) for o in enc["offset_mapping"]]})
    for a, b in pairs:
        enc = hf_tok(a, b, return_offsets_mapping=True)
        out.append({"text": a, "text_pair": b, "input_ids": enc["input_ids"],
                    "token_type_ids": enc.get("token_type_ids"),
                    "offsets": [list(o) for o in enc["offset_mapping"]]})
    return out


# ---------------------------------------------------------------------------------------------
# configs


def mpnet_config(head, vocab, positions):
    kw = {"id2label": dict(NLI_MPNET), "label2id": {v: k for k, v in NLI_MPNET.items()}} if head == "seqcls" else {}
    return transformers.MPNetConfig(vocab_size=len(vocab), hidden_size=HIDDEN, num_hidden_layers=2,
                                    num_attention_heads=HEADS, intermediate_size=INTER,
                                    max_position_embeddings=positions + 2, relative_attention_num_buckets=32,
                                    pad_token_id=vocab["<pad>"], bos_token_id=vocab["<s>"],
                                    eos_token_id=vocab["</s>"], **kw)


def modernbert_config(head, vocab, positions, mg):
    kw = {}
    if head == "seqcls":
        kw = {"id2label": dict(mg.SENTIMENT), "label2id": {v: k for k, v in mg.SENTIMENT.items()}}
    elif head == "rerank":
        kw = {"id2label": dict(RERANK), "label2id": {"LABEL_0": 0}, "classifier_pooling": "mean"}
    elif head == "tokcls":
        kw = {"id2label": dict(mg.NER), "label2id": {v: k for k, v in mg.NER.items()}}
    return transformers.ModernBertConfig(
        vocab_size=len(vocab), hidden_size=HIDDEN, num_hidden_layers=3, num_attention_heads=HEADS,
        intermediate_size=INTER, max_position_embeddings=positions, global_attn_every_n_layers=2,
        local_attention=4, global_rope_theta=40000.0, local_rope_theta=1000.0, norm_eps=1e-5,
        pad_token_id=vocab["[PAD]"], bos_token_id=vocab["[CLS]"], eos_token_id=vocab["[SEP]"],
        cls_token_id=vocab["[CLS]"], sep_token_id=vocab["[SEP]"], **kw)


def deberta_config(head, size, positions, mg, variant):
    kw = {}
    if head == "seqcls":
        kw = {"id2label": dict(NLI_DEBERTA), "label2id": {v: k for k, v in NLI_DEBERTA.items()}}
    elif head == "tokcls":
        kw = {"id2label": dict(mg.NER), "label2id": {v: k for k, v in mg.NER.items()}}
    if variant == "v3":
        kw.update(relative_attention=True, max_relative_positions=-1, position_buckets=8, norm_rel_ebd="layer_norm",
                  share_att_key=True, pos_att_type="p2c|c2p", position_biased_input=False, type_vocab_size=0)
    else:
        kw.update(relative_attention=True, max_relative_positions=6, position_buckets=-1, norm_rel_ebd="none",
                  share_att_key=False, pos_att_type=["c2p", "p2c"], position_biased_input=True, type_vocab_size=2,
                  conv_kernel_size=3, conv_act="gelu")
    return transformers.DebertaV2Config(
        vocab_size=size, hidden_size=HIDDEN, num_hidden_layers=2, num_attention_heads=HEADS, intermediate_size=INTER,
        max_position_embeddings=positions, layer_norm_eps=1e-7, pad_token_id=0, pooler_hidden_size=HIDDEN,
        pooler_hidden_act="gelu", pooler_dropout=0, **kw)


# ---------------------------------------------------------------------------------------------
# the case builder


HEAD_CLASSES = {
    "mpnet": {"base": "MPNetModel", "seqcls": "MPNetForSequenceClassification", "mlm": "MPNetForMaskedLM"},
    "modernbert": {"base": "ModernBertModel", "seqcls": "ModernBertForSequenceClassification",
                   "rerank": "ModernBertForSequenceClassification", "mlm": "ModernBertForMaskedLM",
                   "tokcls": "ModernBertForTokenClassification"},
    "deberta": {"base": "DebertaV2Model", "seqcls": "DebertaV2ForSequenceClassification",
                "tokcls": "DebertaV2ForTokenClassification"},
}


def encoder2_case(mg, out, case, family, head, description, pipelines=(), positions=64, variant="v3",
                  spm_only=False, sentence_transformers=False):
    cls = getattr(transformers, HEAD_CLASSES[family][head])

    def build(folder, seed):
        torch.manual_seed(seed)
        if family == "mpnet":
            vocab = mpnet_vocab(mg)
            config = mpnet_config(head, vocab, positions)
        elif family == "modernbert":
            hf_tok, vocab = modernbert_tokenizer(mg, positions)
            config = modernbert_config(head, vocab, positions, mg)
        else:
            size = len(spm_pieces(mg)) + 1
            config = deberta_config(head, size, positions, mg, variant)
        model = cls(config)
        mg.reinit(model, seed)
        model.eval()
        mg.save_model(model, folder, "float32", None)
        if family == "mpnet":
            from transformers import MPNetTokenizer
            MPNetTokenizer(vocab=vocab, do_lower_case=True, model_max_length=positions).save_pretrained(folder)
        elif family == "modernbert":
            hf_tok.save_pretrained(folder)
        else:
            write_deberta_v3_tokenizer_files(mg, folder, positions)
            if not spm_only:
                # what a fine-tuned DeBERTa-v3 repo usually has: tokenizer.json saved by transformers
                # beside spm.model; the runtime then reads tokenizer.json
                converted = mg.load_tokenizer(folder)
                converted.save_pretrained(folder)
        hf_tok = mg.load_tokenizer(folder)
        texts = mg.ENC_TEXTS + mg.NER_TEXTS + mg.TC_TEXTS + ZS_TEXTS
        if os.path.isfile(os.path.join(folder, "tokenizer.json")):
            mg.check_verbatim(folder, hf_tok, texts, [mg.ENC_PAIR] + PAIRS)
        encs = [hf_tok(t) for t in mg.ENC_TEXTS] + [hf_tok(*mg.ENC_PAIR)]
        batch = hf_tok.pad(encs, padding=True, return_tensors="pt")
        mask = batch["attention_mask"]
        fp32 = mg.from_pretrained(cls, folder, torch.float32)
        tensors = mg.Tensors()
        with torch.no_grad():
            res = fp32(**batch, output_hidden_states=True)
        hidden = res.last_hidden_state if head == "base" else res.hidden_states[-1]
        outputs = {"last_hidden_state": tensors.put("last_hidden_state", hidden)}
        if head != "base":
            outputs["logits"] = tensors.put("logits", res.logits)
        if head == "seqcls" and len(set(res.logits.argmax(-1).tolist())) < 2:
            raise mg.Degenerate("one label for every input")
        if head == "tokcls" and len(set(res.logits.argmax(-1)[mask.bool()].tolist())) < 2:
            raise mg.Degenerate("one label for every token")
        if head == "rerank" and float(res.logits.max() - res.logits.min()) < 0.1:
            raise mg.Degenerate("rerank scores too close")
        golden = mg.base_metadata(case, HEAD_CLASSES[family][head], "encoder", "float32", description, None, None)
        golden["inputs"] = {
            "texts": mg.ENC_TEXTS + [list(mg.ENC_PAIR)],
            "input_ids": batch["input_ids"].tolist(),
            "attention_mask": mask.tolist(),
            "token_type_ids": batch["token_type_ids"].tolist() if "token_type_ids" in batch else None,
        }
        golden["outputs"] = outputs
        head_out = {} if head == "base" else {"logits": res.logits}
        golden["reference_lowp_max_abs_diff"] = lowp_reference(
            mg, cls, folder, lambda m: m(**batch, output_hidden_states=True),
            lambda r: dict({"last_hidden_state": r.last_hidden_state if head == "base" else r.hidden_states[-1]},
                           **({} if head == "base" else {"logits": r.logits})),
            {"last_hidden_state": hidden, **head_out}, mask)
        golden["tokenizer_checks"] = tokenizer_checks(hf_tok, texts + ["  Élodie\tlives   in Zürich  ", ""],
                                                      [mg.ENC_PAIR] + PAIRS)
        if sentence_transformers:
            golden["sentence_transformers"] = st_embeddings(folder, fp32, hf_tok)
        entries = []
        for task in pipelines:
            entries.extend(pipelines2(mg, task, fp32, hf_tok))
        golden["pipelines"] = entries
        if head == "rerank":
            golden["rerank"] = rerank_expectations(mg, fp32, hf_tok)
        return golden, tensors

    return mg.attempt(out, case, build)


def lowp_reference(mg, cls, folder, run, pick, fp32_outputs, mask):
    """transformers' own max |diff| between its bfloat16 runs (eager and, where the architecture has
    it, sdpa attention) and its float32 run, on the float32 checkpoint: the yardstick
    LowPrecisionGoldenTest holds the runtime's bfloat16 computation to."""
    ref = {"bfloat16": {}}
    for attn in mg.LOWP_ATTENTION:
        try:
            m = mg.from_pretrained(cls, folder, torch.bfloat16, attn)
        except (ValueError, ImportError):
            continue  # DeBERTa-v2 and MPNet have no sdpa implementation in transformers
        with torch.no_grad():
            outs = pick(run(m))
        for k in fp32_outputs:
            ref["bfloat16"][k] = max(ref["bfloat16"].get(k, 0.0), mg.masked_max(outs[k], fp32_outputs[k], mask))
    return ref


ST_TEXTS = ["hello world", "Élodie lives in Zürich.", "the quick brown fox jumps over the lazy dog"]


def st_embeddings(folder, model, hf_tok):
    """sentence-transformers' files for mean pooling + Normalize (all-mpnet-base-v2's layout), and the
    embeddings those modules compute: the attention-masked mean of the token vectors, L2-normalised
    (sentence_transformers.models.Pooling(pooling_mode_mean_tokens) and models.Normalize)."""
    modules = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
               {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
               {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]
    pooling = {"word_embedding_dimension": HIDDEN, "pooling_mode_cls_token": False, "pooling_mode_mean_tokens": True,
               "pooling_mode_max_tokens": False, "pooling_mode_mean_sqrt_len_tokens": False}
    os.makedirs(os.path.join(folder, "1_Pooling"))
    for path, content in [("modules.json", modules), ("1_Pooling/config.json", pooling),
                          ("sentence_bert_config.json", {"max_seq_length": 48, "do_lower_case": False})]:
        with open(os.path.join(folder, path), "w", encoding="utf-8") as f:
            f.write(json.dumps(content, indent=2) + "\n")
    batch = hf_tok(ST_TEXTS, padding=True, truncation=True, max_length=48, return_tensors="pt")
    with torch.no_grad():
        tokens = model(**batch).last_hidden_state
    m = batch["attention_mask"].unsqueeze(-1).float()
    mean = (tokens * m).sum(1) / m.sum(1).clamp(min=1e-9)
    normed = torch.nn.functional.normalize(mean, p=2, dim=1)
    return {"texts": ST_TEXTS, "embeddings": normed.tolist(),
            "how": "attention-masked mean of transformers' last_hidden_state, then L2 normalisation "
                   "(sentence-transformers' Pooling(mean) and Normalize modules)"}


RERANK_QUERY = "where does Marie live?"
RERANK_TEXTS = ["Marie lives in Paris and John lives in London.", "the quick brown fox jumps over the lazy dog",
                "hello world", "Élodie lives in Zürich near the lake"]


def rerank_expectations(mg, model, hf_tok):
    """A cross-encoder scores (query, text) pairs with its one logit; TEI's /rerank and
    sentence-transformers' CrossEncoder give sigmoid(logit), raw_scores the logit itself."""
    batch = hf_tok([RERANK_QUERY] * len(RERANK_TEXTS), RERANK_TEXTS, padding=True, return_tensors="pt")
    with torch.no_grad():
        logits = model(**batch).logits[:, 0]
    s = sorted(logits.tolist(), reverse=True)
    if any(a - b < 1e-3 for a, b in zip(s, s[1:])):
        raise mg.Degenerate("rerank logits too close")
    order = sorted(range(len(RERANK_TEXTS)), key=lambda i: -float(logits[i]))
    return {"query": RERANK_QUERY, "texts": RERANK_TEXTS, "logits": logits.tolist(),
            "ranked": [{"index": i, "score": float(torch.sigmoid(logits[i])), "raw_score": float(logits[i])}
                       for i in order]}


def pipelines2(mg, task, model, hf_tok):
    """Pipeline goldens: the tasks make_goldens.py already records, plus text pairs and zero-shot."""
    if task == "text-classification-pairs":
        calls = [({"text": a, "text_pair": b}, {"top_k": None}) for a, b in PAIRS[:2]]
        calls += [({"text": PAIRS[0][0], "text_pair": PAIRS[0][1]}, {"top_k": 1}),
                  ({"text": PAIRS[1][0], "text_pair": PAIRS[1][1]}, {"function_to_apply": "none", "top_k": None}),
                  ([{"text": a, "text_pair": b} for a, b in PAIRS], {"top_k": None})]
        for inputs, _ in calls[:2]:
            scores = mg.run_pipeline("text-classification", model, hf_tok, inputs, {"top_k": None})
            if len(scores) > 1 and not mg.ranked_gaps_ok([d["score"] for d in scores]):
                raise mg.Degenerate("text-pair scores too close")
        return [{"task": "text-classification", "inputs": i, "parameters": p,
                 "output": mg.run_pipeline("text-classification", model, hf_tok, i, p)} for i, p in calls]
    if task == "zero-shot-classification":
        calls = [(ZS_TEXTS[0], {"candidate_labels": ZS_LABELS}),
                 (ZS_TEXTS[1], {"candidate_labels": ", ".join(ZS_LABELS), "multi_label": True}),
                 (ZS_TEXTS[0], {"candidate_labels": ZS_LABELS, "hypothesis_template": "This text is about {}."}),
                 (ZS_TEXTS, {"candidate_labels": ZS_LABELS}),
                 (ZS_TEXTS[1], {"candidate_labels": ["shopping"]})]
        entries = []
        for inputs, params in calls:
            output = mg.run_pipeline(task, model, hf_tok, inputs, params)
            for one in (output if isinstance(output, list) else [output]):
                if len(one["scores"]) > 1 and not mg.ranked_gaps_ok(one["scores"]):
                    raise mg.Degenerate("zero-shot scores too close")
            entries.append({"task": task, "inputs": inputs, "parameters": params, "output": output})
        return entries
    return mg.encoder_pipelines(task, model, hf_tok)


# ---------------------------------------------------------------------------------------------
# the phase


def phase_t5(out, only, mg):
    def want(name):
        return only is None or name in only

    if any(want(c) for c in ("deberta-v2-base", "deberta-v2-seqcls", "deberta-v2-tokcls", "deberta-v2-conv")):
        try:
            import google.protobuf  # noqa: F401
            import sentencepiece  # noqa: F401
        except ImportError:
            raise SystemExit(f"cases_encoders2.py: the DeBERTa cases need the sentencepiece and protobuf packages beside "
                             f"transformers ({sys.executable} has not both): transformers reads spm.model with them. "
                             f"make_goldens.sh installs them in its venv; for GOLDENS_T5_PYTHON, pip install them "
                             f"(or pip install --target DIR sentencepiece protobuf and set PYTHONPATH=DIR)")

    cases = [
        ("mpnet-base", "mpnet", "base", "MPNetModel (relative position buckets, positions from padding_idx 1), "
         "WordPiece with <s> </s>; feature-extraction; sentence-transformers mean pooling + Normalize",
         {"pipelines": ["feature-extraction"], "sentence_transformers": True}),
        ("mpnet-seqcls", "mpnet", "seqcls", "MPNetForSequenceClassification, NLI labels with entailment id 1; "
         "text-classification with text pairs, zero-shot-classification",
         {"pipelines": ["text-classification", "text-classification-pairs", "zero-shot-classification"]}),
        ("mpnet-mlm", "mpnet", "mlm", "MPNetForMaskedLM (lm_head, tied decoder); fill-mask",
         {"pipelines": ["fill-mask"]}),
        ("modernbert-base", "modernbert", "base", "ModernBertModel, 3 layers (full, sliding window 4, full), "
         "global RoPE theta 40000, local 1000, GeGLU, no biases; feature-extraction",
         {"pipelines": ["feature-extraction"]}),
        ("modernbert-seqcls", "modernbert", "seqcls", "ModernBertForSequenceClassification (cls pooling, "
         "prediction head); text-classification with text pairs", {"pipelines": ["text-classification",
                                                                                 "text-classification-pairs"]}),
        ("modernbert-rerank", "modernbert", "rerank", "ModernBertForSequenceClassification with one label and mean "
         "pooling: a cross-encoder reranker; text pairs (sigmoid), rerank expectations",
         {"pipelines": ["text-classification-pairs"]}),
        ("modernbert-mlm", "modernbert", "mlm", "ModernBertForMaskedLM (head, tied decoder with bias); fill-mask",
         {"pipelines": ["fill-mask"]}),
        ("modernbert-tokcls", "modernbert", "tokcls", "ModernBertForTokenClassification; token-classification",
         {"pipelines": ["token-classification"]}),
        ("deberta-v2-base", "deberta", "base", "DebertaV2Model configured as DeBERTa-v3 (position buckets 8, "
         "share_att_key, p2c|c2p, norm_rel_ebd layer_norm, no absolute positions, no token types); the repo has "
         "spm.model and no tokenizer.json, as microsoft/deberta-v3-base; feature-extraction",
         {"pipelines": ["feature-extraction"], "spm_only": True}),
        ("deberta-v2-seqcls", "deberta", "seqcls", "DebertaV2ForSequenceClassification (ContextPooler), NLI labels "
         "with entailment id 0; zero-shot-classification, text-classification with text pairs",
         {"pipelines": ["zero-shot-classification", "text-classification-pairs"]}),
        ("deberta-v2-tokcls", "deberta", "tokcls", "DebertaV2ForTokenClassification; token-classification on "
         "SentencePiece (Unigram) tokens", {"pipelines": ["token-classification"]}),
        ("deberta-v2-conv", "deberta", "base", "DebertaV2Model with separate pos_key_proj / pos_query_proj, "
         "max_relative_positions 6 without buckets, absolute positions, 2 token types, conv_kernel_size 3",
         {"variant": "v2"}),
    ]
    for case, family, head, desc, kw in cases:
        if want(case):
            encoder2_case(mg, out, case, family, head, desc, **kw)
