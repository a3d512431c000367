"""Golden cases for Qwen3, Gemma 2, Gemma 3 (text) and Phi-3 decoders, and for Qwen3 and Gemma 3
checkpoints used as embedding models (sentence-transformers files, last-token pooling, instruction
prompts). make_goldens.py calls add_t5_cases() from its phase t5 with itself as `mg`, so these cases
use its helpers (tokenizers, seeds, degeneracy checks, tensor files) and are written like its own:
tiny seeded random checkpoints saved by transformers, and transformers' outputs on them.

Cases (all float32 unless named -bf16; hidden 32, 2 layers, 4 heads / 2 KV heads, intermediate 64):
  qwen3               Qwen3ForCausalLM: q_norm/k_norm, explicit head_dim 16 (hidden 32 / 4 heads would
                      be 8), tied embeddings; text-generation pipeline
  qwen3-sliding       use_sliding_window, window 6, max_window_layers 1 (layer_types full, sliding),
                      attention_bias, a 20-token prompt
  gemma2              Gemma2ForCausalLM: layers sliding, full, window 6 and a 20-token prompt, attention
                      scores soft-capped at 10 and logits at 15 (both bend the values),
                      query_pre_attn_scalar 24, Gemma tokenizer; text-generation pipeline
  gemma2-bf16         the same kind, stored in bfloat16 (reference: transformers' eager attention alone,
                      since its sdpa attention ignores the soft cap)
  gemma3              Gemma3ForCausalLM (gemma3_text): q_norm/k_norm, layers sliding, full, rope theta
                      1e6 with linear scaling (factor 2) on the full layer and 10000 on the sliding one,
                      final logits capped at 15, a 20-token prompt; text-generation pipeline
  phi3                Phi3ForCausalLM: fused qkv_proj and gate_up_proj, sliding_window 8 on every layer,
                      partial_rotary_factor 0.5, longrope (short and long factors, original 16 of 64
                      positions): a 24-token prompt starts on the long factors, a 12-token one switches
                      from short to long while it generates
  qwen3-embedding     a Qwen3Model save (no "model." prefix, no lm_head) whose config.json names
                      Qwen3ForCausalLM, as Qwen/Qwen3-Embedding-* ships it, with sentence-transformers
                      files: last-token pooling, Normalize, prompts {"query": ..., "document": ""}
  gemma3-embedding    a Gemma3TextModel save with mean pooling, Normalize and a default prompt

Embedding goldens ("kind": "embedding", "embeddings": [...]) are sentence-transformers' modules as
they compute (Transformer -> Pooling -> Normalize; a prompt is put before the text and tokenized
with it, truncated to max_seq_length 64: the longest prompted text is cut) on transformers' own
AutoModel last_hidden_state, each text run alone; make_goldens.py's
environments have no sentence-transformers, so the pooling (one row or a mean, then an L2 norm) is
written here, and a padded batch is checked to give the same vectors.
"""
import json
import os

import torch
import transformers

# a prompt of Qwen3-Embedding's form, and an empty one for documents
EMBED_PROMPTS = {"query": "Instruct: Given a question, find the passage that answers it\nQuery: ", "document": ""}
EMBED_TEXTS = ["where does Marie live?", "Marie lives in Paris and John lives in London.", "the quick brown fox"]


def add_t5_cases(mg, out, want):
    cases = Cases(mg)
    sw = (mg.LONG_PROMPT, 20)
    decoders = [
        ("qwen3", "qwen3", "Qwen3ForCausalLM, q_norm/k_norm, head_dim 16 (not hidden/heads), GQA 4/2, tied embeddings, "
         "byte-level BPE; text-generation pipeline",
         {"config": {"head_dim": 16, "tie_word_embeddings": True}, "pipelines": ["text-generation"]}),
        ("qwen3-sliding", "qwen3", "Qwen3ForCausalLM, use_sliding_window, sliding_window 6, max_window_layers 1 "
         "(layer_types full, sliding), attention_bias, a 20-token prompt",
         {"config": {"use_sliding_window": True, "sliding_window": 6, "max_window_layers": 1, "attention_bias": True},
          "prompts": [sw, ("once upon a time", None)]}),
        ("gemma2", "gemma2", "Gemma2ForCausalLM, layer_types sliding, full (Gemma 2's default), sliding_window 6 and a "
         "20-token prompt, attn_logit_softcapping 10 and final_logit_softcapping 15 (scores reach ~40 and logits ~14: "
         "both caps bend them), query_pre_attn_scalar 24, head_dim 8, Gemma tokenizer; text-generation pipeline",
         {"pipelines": ["text-generation"],
          "config": {"sliding_window": 6, "attn_logit_softcapping": 10.0, "final_logit_softcapping": 15.0,
                     "query_pre_attn_scalar": 24},
          "prompts": [sw, ("once upon a time there lived a cat", None)]}),
        ("gemma2-bf16", "gemma2", "Gemma2ForCausalLM stored in bfloat16 (soft-capped attention computed explicitly, "
         "as transformers' eager attention; its sdpa attention ignores the cap, so the reference is eager alone)",
         {"stored": "bfloat16",
          "config": {"sliding_window": 6, "attn_logit_softcapping": 10.0, "final_logit_softcapping": 15.0},
          "prompts": [sw, ("once upon a time there lived a cat", None)]}),
        ("gemma3", "gemma3", "Gemma3ForCausalLM (gemma3_text), q_norm/k_norm, layer_types sliding, full, window 6, "
         "rope theta 1e6 with linear scaling (factor 2) on the full layer and 10000 on the sliding one, "
         "final_logit_softcapping 15, a 20-token prompt; text-generation pipeline",
         {"pipelines": ["text-generation"],
          "config": {"sliding_window": 6, "final_logit_softcapping": 15.0, "query_pre_attn_scalar": 16,
                     "layer_types": ["sliding_attention", "full_attention"],
                     "rope_parameters": {"full_attention": {"rope_type": "linear", "factor": 2.0, "rope_theta": 1e6},
                                         "sliding_attention": {"rope_type": "default", "rope_theta": 1e4}}},
          "prompts": [sw, ("once upon a time there lived a cat", None)]}),
        ("phi3", "phi3", "Phi3ForCausalLM: fused qkv_proj and gate_up_proj, GQA 4/2, sliding_window 8 on every layer, "
         "partial_rotary_factor 0.5, longrope (short and long factors, original_max_position_embeddings 16 of 64): "
         "the 24-token prompt runs on the long factors, the 12-token one crosses from short to long as it generates",
         {"config": {"sliding_window": 8, "partial_rotary_factor": 0.5, "original_max_position_embeddings": 16,
                     "rope_parameters": {"rope_type": "longrope", "rope_theta": 10000.0, "short_factor": [1.0, 1.7],
                                         "long_factor": [1.5, 6.0], "partial_rotary_factor": 0.5}},
          "prompts": [(mg.LONG_PROMPT, 24), ("once upon a time there lived a small cat", 12)],
          "greedy_without_cache": True}),
    ]
    for case, family, desc, kw in decoders:
        if want(case):
            cases.decoder(out, case, family, desc, **kw)
    embeddings = [
        ("qwen3-embedding", "qwen3", "a Qwen3Model save (no model. prefix, no lm_head) whose config.json names "
         "Qwen3ForCausalLM, as Qwen3-Embedding ships it; sentence-transformers: last-token pooling, Normalize, prompts",
         {"pooling": "lasttoken", "default_prompt": None}),
        ("gemma3-embedding", "gemma3", "a Gemma3TextModel save (causal attention) with sentence-transformers mean pooling, "
         "Normalize and a default prompt",
         {"pooling": "mean", "default_prompt": "query",
          "config": {"sliding_window": 6, "layer_types": ["sliding_attention", "full_attention"]}}),
    ]
    for case, family, desc, kw in embeddings:
        if want(case):
            cases.embedding(out, case, family, desc, **kw)


class Cases:
    def __init__(self, mg):
        self.mg = mg
        self.gemma_tok = None

    # ---- tokenizers

    def tok(self, family):
        if family in ("gemma2", "gemma3"):
            if self.gemma_tok is None:
                self.gemma_tok = GemmaTok(self.mg)
            return self.gemma_tok
        return self.mg.tok_kind({"qwen3": "bl-gpt2", "phi3": "sp-llama"}[family])

    def prompts(self, tok):
        if tok.kind == "sp-gemma":
            return self.mg.PROMPTS["sp-llama"], "once upon a time"
        return self.mg.PROMPTS[tok.kind], self.mg.GEN_PROMPT[tok.kind]

    # ---- configs

    def config(self, family, tok, positions, layers, **extra):
        mg = self.mg
        common = dict(vocab_size=tok.size, hidden_size=mg.HIDDEN, intermediate_size=mg.INTER, num_hidden_layers=layers,
                      num_attention_heads=mg.HEADS, num_key_value_heads=mg.KV_HEADS, max_position_embeddings=positions,
                      rms_norm_eps=1e-6)
        if family == "qwen3":
            eot = tok.id("<|endoftext|>")
            extra.setdefault("rope_parameters", {"rope_type": "default", "rope_theta": 10000.0})
            extra.setdefault("head_dim", mg.HIDDEN // mg.HEADS)
            extra.setdefault("tie_word_embeddings", False)
            return transformers.Qwen3Config(bos_token_id=eot, eos_token_id=eot, **common, **extra)
        if family == "phi3":
            extra.setdefault("rope_parameters", {"rope_type": "default", "rope_theta": 10000.0})
            return transformers.Phi3Config(bos_token_id=tok.id("<s>"), eos_token_id=tok.id("</s>"),
                                           pad_token_id=tok.id("</s>"), **common, **extra)
        ids = dict(pad_token_id=tok.id("<pad>"), eos_token_id=tok.id("<eos>"), bos_token_id=tok.id("<bos>"))
        extra.setdefault("head_dim", mg.HIDDEN // mg.HEADS)
        if family == "gemma2":
            extra.setdefault("rope_parameters", {"rope_type": "default", "rope_theta": 10000.0})
            return transformers.Gemma2Config(**ids, **common, **extra)
        return transformers.Gemma3TextConfig(**ids, **common, **extra)

    # ---- decoders

    def decoder(self, out, case, family, description, stored="float32", positions=64, layers=None, config=None,
                prompts=None, new_tokens=None, pipelines=(), n_prompts=2, greedy_without_cache=False):
        mg = self.mg
        cls_name = {"qwen3": "Qwen3ForCausalLM", "gemma2": "Gemma2ForCausalLM", "gemma3": "Gemma3ForCausalLM",
                    "phi3": "Phi3ForCausalLM"}[family]
        cls = getattr(transformers, cls_name)
        tok = self.tok(family)
        config = config or {}
        default_prompts, gen_prompt = self.prompts(tok)
        prompt_spec = prompts or default_prompts[:n_prompts]
        layers = layers or mg.LAYERS
        new_tokens = new_tokens or mg.NEW_TOKENS
        # transformers' sdpa attention ignores soft-capping: with capped scores only eager is the model
        attentions = ("eager",) if family == "gemma2" and config.get("attn_logit_softcapping", 50.0) else mg.LOWP_ATTENTION

        def build(folder, seed):
            torch.manual_seed(seed)
            model = cls(self.config(family, tok, positions, layers, **json.loads(json.dumps(config))))
            mg.reinit(model, seed)
            quiet_bytes(mg, model, tok)
            model.eval()
            mg.save_model(model, folder, stored, None)
            tok.save(folder, positions)
            hf_tok = mg.load_tokenizer(folder)
            mg.check_verbatim(folder, hf_tok, [t for t, _ in prompt_spec] + [gen_prompt])
            fp32 = mg.from_pretrained(cls, folder, torch.float32)
            eos = fp32.config.eos_token_id
            tensors = mg.Tensors()
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
                if greedy_without_cache:
                    new, step_logits, low = greedy_forward(mg, fp32, ids, new_tokens, eos)
                else:
                    new, step_logits, low = mg.greedy(fp32, ids, new_tokens, eos)
                entries.append({"text": text, "truncated_to": length, "input_ids": ids,
                                "logits": tensors.put(f"prompt{i}.logits", logits),
                                "greedy": new,
                                "greedy_step_logits": tensors.put(f"prompt{i}.greedy_step_logits", step_logits),
                                "greedy_min_margin": round(low, 6)})
            golden = mg.base_metadata(case, cls_name, "decoder", stored, description, None, None)
            golden["max_new_tokens"] = new_tokens
            golden["prompts"] = entries
            if greedy_without_cache:
                golden["greedy_source"] = GREEDY_FORWARD_NOTE
            if stored != "float32":
                worst = 0.0
                for attn in attentions:
                    m = mg.from_pretrained(cls, folder, torch.bfloat16, attn)
                    for e, want in zip(entries, fp32_logits):
                        with torch.no_grad():
                            got = m(torch.tensor([e["input_ids"]])).logits[0]
                        worst = max(worst, mg.masked_max(got, want, None))
                golden["reference_lowp_max_abs_diff"] = {"bfloat16": {"logits": worst}}
                golden["reference_lowp_attention"] = list(attentions)
            golden["pipelines"] = []
            if "text-generation" in pipelines:
                new, _, _ = mg.greedy(fp32, hf_tok(gen_prompt)["input_ids"], 8, eos)
                if "\ufffd" in hf_tok.decode(new):
                    raise mg.Degenerate("the text-generation continuation is not clean UTF-8")
                if tok.kind in ("sp-llama", "sp-gemma") and not hf_tok.convert_ids_to_tokens(new[0]).startswith("\u2581"):
                    raise mg.Degenerate("the continuation does not start a new word")
                for params in mg.GEN_PARAMS:
                    golden["pipelines"].append({"task": "text-generation", "inputs": gen_prompt, "parameters": params,
                                                "output": mg.run_pipeline("text-generation", fp32, hf_tok, gen_prompt,
                                                                          params)})
            return golden, tensors

        return mg.attempt(out, case, build)

    # ---- embedding models

    def embedding(self, out, case, family, description, pooling, default_prompt, layers=None, config=None,
                  positions=64):
        mg = self.mg
        base_name = {"qwen3": "Qwen3Model", "gemma3": "Gemma3TextModel"}[family]
        named = {"qwen3": "Qwen3ForCausalLM", "gemma3": "Gemma3TextModel"}[family]
        cls = getattr(transformers, base_name)
        tok = self.tok(family)
        layers = layers or mg.LAYERS
        config = config or {}

        def build(folder, seed):
            torch.manual_seed(seed)
            model = cls(self.config(family, tok, positions, layers, **json.loads(json.dumps(config))))
            mg.reinit(model, seed)
            model.eval()
            mg.save_model(model, folder, "float32", None)
            if named != base_name:
                # Qwen3-Embedding's config.json names the causal LM while its weights are the base model's
                path = os.path.join(folder, "config.json")
                with open(path, encoding="utf-8") as f:
                    cfg = json.load(f)
                cfg["architectures"] = [named]
                with open(path, "w", encoding="utf-8") as f:
                    f.write(json.dumps(cfg, indent=2, sort_keys=True) + "\n")
            write_sentence_transformers(folder, pooling, default_prompt, positions)
            tok.save(folder, positions)
            hf_tok = mg.load_tokenizer(folder)
            texts = [p + t for p in EMBED_PROMPTS.values() for t in EMBED_TEXTS]
            mg.check_verbatim(folder, hf_tok, texts)
            from transformers import AutoModel
            base = mg.from_pretrained(AutoModel, folder, torch.float32)
            if type(base).__name__ != base_name:
                raise SystemExit(f"{case}: AutoModel loaded {type(base).__name__}, not {base_name}")

            def hidden(text):
                # sentence-transformers truncates to max_seq_length
                ids = hf_tok(text, truncation=True, max_length=positions)["input_ids"]
                with torch.no_grad():
                    return base(torch.tensor([ids])).last_hidden_state[0]

            def pooled(text):
                h = hidden(text)
                v = h[-1] if pooling == "lasttoken" else h.mean(0)
                return torch.nn.functional.normalize(v, p=2, dim=0)

            # a right-padded batch (the service pads right, whatever the tokenizer's padding_side)
            # must give each text's own hidden states
            if hf_tok.pad_token is None:
                hf_tok.pad_token = hf_tok.eos_token
            hf_tok.padding_side = "right"
            enc = hf_tok([EMBED_PROMPTS["query"] + t for t in EMBED_TEXTS], padding=True, truncation=True,
                         max_length=positions, return_tensors="pt")
            with torch.no_grad():
                batch = base(**enc).last_hidden_state
            for b, t in enumerate(EMBED_TEXTS):
                n = int(enc["attention_mask"][b].sum())
                if float((batch[b, :n] - hidden(EMBED_PROMPTS["query"] + t)).abs().max()) > 1e-5:
                    raise SystemExit(f"{case}: a padded batch changes the hidden states of {t!r}")

            entries = []
            default = "" if default_prompt is None else EMBED_PROMPTS[default_prompt]
            for params, prompt in [({}, default), ({"prompt_name": "query"}, EMBED_PROMPTS["query"]),
                                   ({"prompt_name": "document"}, EMBED_PROMPTS["document"]),
                                   ({"prompt": "passage: "}, "passage: ")]:
                vectors = [pooled(prompt + t) for t in EMBED_TEXTS]
                entries.append({"task": "feature-extraction", "inputs": EMBED_TEXTS, "parameters": params,
                                "prompt": prompt, "output": mg.to_json(torch.stack(vectors))})
            # token vectors of a text without prompt (few tokens: the file stays small)
            tokens = hidden(EMBED_TEXTS[2])
            entries.append({"task": "feature-extraction", "inputs": EMBED_TEXTS[2],
                            "parameters": {"pooling": "none", "prompt_name": "document"}, "prompt": "",
                            "output": mg.to_json(tokens)})
            source = [pooled(EMBED_PROMPTS["query"] + EMBED_TEXTS[0])]
            others = [pooled(EMBED_PROMPTS["query"] + t) for t in EMBED_TEXTS[1:]]
            scores = [float(torch.nn.functional.cosine_similarity(source[0], o, dim=0)) for o in others]
            if abs(scores[0] - scores[1]) < 1e-3:
                raise mg.Degenerate("similarity scores too close")
            entries.append({"task": "sentence-similarity",
                            "inputs": {"source_sentence": EMBED_TEXTS[0], "sentences": EMBED_TEXTS[1:]},
                            "parameters": {"prompt_name": "query"}, "prompt": EMBED_PROMPTS["query"], "output": scores})
            golden = mg.base_metadata(case, named, "embedding", "float32", description, None, None)
            golden["base_model"] = base_name
            golden["pooling"] = pooling
            golden["embeddings"] = entries
            golden["pipelines"] = []
            golden["source"] = ("sentence-transformers' Transformer, Pooling (" + pooling + ") and Normalize modules as "
                                "they compute, on transformers " + transformers.__version__ + "'s AutoModel "
                                "last_hidden_state, each text run alone with its prompt before it")
            return golden, mg.Tensors()

        return mg.attempt(out, case, build)


GREEDY_FORWARD_NOTE = (
    "greedy and greedy_step_logits come from transformers' forward pass over the whole sequence at each step (no "
    "cache), not from generate: when a longrope sequence first grows past original_max_position_embeddings, "
    "Phi3ForCausalLM.prepare_inputs_for_generation drops the cache to have it recomputed on the long factors, but "
    "transformers 5.18's generate then feeds only the newest token, which attends to itself alone and starts a new "
    "cache (the context is lost). Before the crossing both agree within 1e-6; Modelport recomputes the sequence, "
    "which is what this forward pass gives at every step.")


def greedy_forward(mg, model, ids, n, eos):
    """mg.greedy's contract (n tokens, EOS never top-1, margins), each step a forward over the whole sequence."""
    seq = list(ids)
    rows = []
    for _ in range(n):
        with torch.no_grad():
            logits = model(torch.tensor([seq])).logits[0, -1].float()
        if int(logits.argmax()) == eos:
            raise mg.Degenerate("EOS is top-1")
        if mg.margin(logits) <= mg.MIN_MARGIN:
            raise mg.Degenerate(f"step {len(rows)}: top-1/top-2 margin {mg.margin(logits):.2e}")
        rows.append(logits)
        seq.append(int(logits.argmax()))
    new = seq[len(ids):]
    if len(set(new)) < 2:
        raise mg.Degenerate("the continuation repeats one token")
    return new, torch.stack(rows), min(mg.margin(r) for r in rows)


def write_sentence_transformers(folder, pooling, default_prompt, max_seq_length):
    modules = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
               {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
               {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]
    pool = {"word_embedding_dimension": 32, "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": pooling == "mean", "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": pooling == "lasttoken", "include_prompt": True}
    st = {"__version__": {"sentence_transformers": "6.0.1", "transformers": transformers.__version__,
                          "pytorch": torch.__version__.split("+")[0]},
          "prompts": EMBED_PROMPTS, "default_prompt_name": default_prompt, "similarity_fn_name": "cosine"}
    files = {"modules.json": modules, "1_Pooling/config.json": pool, "config_sentence_transformers.json": st,
             "sentence_bert_config.json": {"max_seq_length": max_seq_length, "do_lower_case": False}}
    for name, value in files.items():
        path = os.path.join(folder, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(json.dumps(value, indent=2) + "\n")
    os.makedirs(os.path.join(folder, "2_Normalize"), exist_ok=True)


def quiet_bytes(mg, model, tok):
    """make_goldens' quiet_byte_tokens, and the same for the Gemma tokenizer's <0xNN> pieces."""
    if tok.kind == "sp-gemma":
        rows = [i for t, i in tok.vocab.items() if t.startswith("<0x")]
        with torch.no_grad():
            model.get_output_embeddings().weight[rows] *= 0.25
    else:
        mg.quiet_byte_tokens(model, tok)


class GemmaTok:
    """A Gemma-style tokenizer (GemmaTokenizer: spaces become '▁' before BPE, no dummy prefix, byte
    fallback, <bos> added), vocabulary and merges learned here from make_goldens' corpus."""

    kind = "sp-gemma"

    def __init__(self, mg):
        import collections
        self.mg = mg
        counts = collections.Counter()
        for line in mg.bpe_corpus():
            words = line.split(" ")
            for j, word in enumerate(words):
                if word:
                    counts[tuple(("\u2581" if j else "") + word)] += 1
        self.merges = mg.learn_bpe(counts, 80)
        vocab = {"<pad>": 0, "<eos>": 1, "<bos>": 2, "<unk>": 3, "<mask>": 4}
        for b in range(256):
            vocab[f"<0x{b:02X}>"] = len(vocab)
        for ch in sorted({ch for w in counts for ch in w}):
            vocab.setdefault(ch, len(vocab))
        for a, b in self.merges:
            vocab.setdefault(a + b, len(vocab))
        self.vocab = vocab

    def id(self, token):
        return self.vocab[token]

    @property
    def size(self):
        return len(self.vocab)

    def save(self, folder, max_length):
        from transformers import GemmaTokenizer
        tok = GemmaTokenizer(vocab=dict(self.vocab), merges=list(self.merges), add_bos_token=True,
                             model_max_length=max_length)
        tok.save_pretrained(folder)
