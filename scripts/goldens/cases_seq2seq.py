"""Golden cases for the encoder-decoders of issue 12: T5 (t5-small's relu feed-forward with tied,
rescaled embeddings; flan-t5's gated-gelu with an untied lm_head), BART and Marian, with the
text2text-generation, summarization and translation pipelines of transformers 4.57 (transformers 5
has none of them).

make_goldens.py calls phase_t5(out, only, mg) at the end of its phase t5 and phase_t4(out, only, mg)
at the end of its phase t4, mg being the make_goldens module itself (seeding, checkpoint writing,
golden layout). Phase t5 (transformers 5.18) writes the checkpoints and what transformers' model and
generate() give; phase t4 (transformers 4.57) adds the pipelines' outputs to the same folders.

Cases (d_model 32, 4 heads, 1 or 2 layers; tokenizers written here, nothing downloaded):
  t5        T5ForConditionalGeneration as t5-small: relu feed-forward, tied embeddings (the decoder
            output rescaled by d_model**-0.5), 8 relative-attention buckets up to distance 16, 2
            encoder layers and 1 decoder layer (num_decoder_layers: transformers 5.18's cache cannot
            run more decoder than encoder layers), T5's Unigram tokenizer with sentinel tokens;
            task_specific_params (summarize: / translate ... prefixes, beam settings) and a
            generation_config.json with max_length 24
  flan-t5   T5ForConditionalGeneration as google/flan-t5-* (2 + 2 layers, d_ff 32): gated-gelu (gelu_new),
            tie_word_embeddings false (its own lm_head.weight, no rescale), as flan-t5's config.json
            says it (transformers 5 itself would save such a model tied)
  bart      BartForConditionalGeneration (1 encoder, 2 decoder layers): learned positions offset by 2,
            layernorm_embedding, scale_embedding, a non-zero final_logits_bias, byte-level BPE (the
            non-ASCII and control byte symbols made unlikely outputs); generation_config.json
            as facebook/bart-large-cnn's (forced BOS/EOS, min_length, no_repeat_ngram_size 3,
            4 beams, length_penalty 2, early_stopping)
  marian    MarianMTModel (1 + 1 layers, swish): sinusoidal positions, scale_embedding, final_logits_bias, pad as decoder
            start; generation_config.json as Helsinki-NLP/opus-mt-*'s (bad_words_ids [[pad]],
            renormalize_logits, forced EOS, 4 beams); a tokenizer.json (Unigram) beside it, since
            Modelport serves Marian only with one (opus-mt repos ship source.spm/target.spm)
  marian-spm MarianMTModel as Helsinki-NLP/opus-mt-* ship it: no tokenizer.json but MarianTokenizer's files,
            saved by MarianTokenizer itself: source.spm = target.spm (a Unigram SentencePiece model trained here
            with the sentencepiece library on MARIAN_CORPUS, nmt_nfkc), vocab.json the joint vocabulary
            (</s> <unk>, the pieces with one left out, language codes >>fra<< >>deu<<, a piece the spm lacks,
            an unknown character's surface, <pad> last); sizes as marian; "tokenizer": MarianTokenizer's
            tokens and ids for MARIAN_TOKENIZER_INPUTS and decode(ids, skip_special_tokens=True) of them

golden.json of a case ("kind": "seq2seq"):
  inputs     the encoder texts, right-padded input_ids and attention_mask
  outputs    encoder_last_hidden_state [B,T,H] (transformers' encoder on the padded batch)
  decoder    per input row: decoder_input_ids (the decoder start token and a prefix) and the
             logits [n,V] of a forward pass over them without a cache
  generate   per entry: input_ids (one input, unpadded), the keyword arguments given to
             model.generate (over the repo's generation_config.json), the sequences it returned
             (decoder start token included; num_return_sequences of them), and for greedy entries
             the raw logits of each step (output_logits) and the smallest top-1/top-2 margin of the
             processed scores; (marian-spm) texts: each sequence decoded with skip_special_tokens=True
  reference_lowp  (t5, bart) {"bfloat16": {tensor: transformers' own max |diff| between its
             bfloat16 and float32 runs}}, the larger over eager and sdpa attention
  tokenizer  (marian-spm) per input of MARIAN_TOKENIZER_INPUTS: text, tokens (tokenize), input_ids (the
             tokenizer's call, </s> appended) and decoded (decode(input_ids, skip_special_tokens=True));
             tokenizer_random: the same (tokens left out) for 150 seeded random texts (marian_random_texts)
  pipelines  (phase t4) text2text-generation, summarization and translation as transformers 4.57's
             pipelines answer, with "transformers_task" where the pipeline was built for another
             task name than the entry's (translation_en_to_fr: our "translation" with src_lang en,
             tgt_lang fr selects that entry of task_specific_params)

Non-degenerate: a seed is rejected when a greedy step's top-1/top-2 margin is under 1e-3, when
generate() or a pipeline gives other tokens in float64 than in float32 (a near-tie in beam search
that float noise could flip), or when the outputs are one repeated token.
"""
import collections
import json
import os

import torch
import transformers

D_MODEL, HEADS, D_FF = 32, 4, 64
POSITIONS = 64
SRC_TEXTS = [
    "the quick brown fox jumps over the lazy dog",
    "Marie lives in Paris and John lives in London.",
    "hello world",
]
DECODER_PREFIX = "the capital of France"
LIST_INPUTS = ["the children were reading books about the river", "once upon a time there lived a small cat"]
EXTRA_WORDS = ["summarize:", "translate", "English", "to", "German:", "French:", "question:", "answer:"]
MIN_STEP_MARGIN = 1e-3

# ---------------------------------------------------------------------------------------------
# tokenizers


def unigram_pieces(mg):
    """Pieces and scores for a Unigram (SentencePiece-style) vocabulary: the ▁-marked BPE pieces of
    make_goldens' corpus, whole words seen at least twice and the task prefixes' words, scored so that
    longer pieces win; every score distinct (no Viterbi ties)."""
    from tokenizers import pre_tokenizers
    vocab, _ = mg.sentencepiece_vocab_merges()
    normal = [p for p in vocab if not (p.startswith("<") and p.endswith(">"))]
    pre = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    lines = mg.CORPUS + SRC_TEXTS + LIST_INPUTS + [DECODER_PREFIX]
    counts = collections.Counter(w for line in lines for w, _ in pre.pre_tokenize_str(line))
    words = sorted(w for w, c in counts.items() if c >= 2 and w not in vocab)
    words += ["▁" + w for w in EXTRA_WORDS if "▁" + w not in vocab and "▁" + w not in words]
    chars = sorted({ch for line in lines + EXTRA_WORDS for ch in line if ch != " "} - set(normal))
    out = []
    for rank, p in enumerate(normal + words + chars):
        out.append((p, round(-8.0 + 1.5 * len(p) - 0.001 * rank, 4)))
    return out


def t5_tokenizer(mg, folder, extra_ids=3):
    """T5's tokenizer: <pad>=0 </s>=1 <unk>=2, Unigram pieces, the sentinel tokens <extra_id_N> last
    (in reverse), "$A </s>" template. tokenizer_config.json is written as t5-small's is on the Hub
    (additional_special_tokens), which transformers 4 and 5 both read."""
    from transformers import T5Tokenizer
    vocab = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0)] + unigram_pieces(mg)
    vocab += [(f"<extra_id_{i}>", 0.0) for i in range(extra_ids - 1, -1, -1)]
    tok = T5Tokenizer(vocab=vocab, extra_ids=extra_ids, model_max_length=POSITIONS * 8)
    tok.save_pretrained(folder)
    extras = [f"<extra_id_{i}>" for i in range(extra_ids)]
    write_json(os.path.join(folder, "tokenizer_config.json"), {
        "additional_special_tokens": extras, "eos_token": "</s>", "extra_ids": extra_ids,
        "model_max_length": POSITIONS * 8, "pad_token": "<pad>", "tokenizer_class": "T5Tokenizer",
        "unk_token": "<unk>"})
    write_json(os.path.join(folder, "special_tokens_map.json"), {
        "additional_special_tokens": extras, "eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>"})
    return len(vocab)


def marian_tokenizer(mg, folder):
    """A tokenizer.json for Marian's vocabulary layout (</s>=0, <unk>=1, the pieces, <pad> last):
    Unigram, Metaspace, "$A </s>"; the tokenizer_config.json of a repo that ships it
    (PreTrainedTokenizerFast, which transformers 4 loads from tokenizer.json alone)."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast
    vocab = [("</s>", 0.0), ("<unk>", 0.0)] + unigram_pieces(mg) + [("<pad>", 0.0)]
    t = Tokenizer(models.Unigram(vocab, unk_id=1, byte_fallback=False))
    t.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(),
                                               pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always",
                                                                        split=True)])
    t.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    t.post_processor = processors.TemplateProcessing(single=["$A", "</s>"], pair=["$A", "</s>", "$B", "</s>"],
                                                     special_tokens=[("</s>", 0)])
    t.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in ("</s>", "<unk>", "<pad>")])
    tok = PreTrainedTokenizerFast(tokenizer_object=t, eos_token="</s>", unk_token="<unk>", pad_token="<pad>",
                                  model_max_length=POSITIONS)
    tok.save_pretrained(folder)
    write_json(os.path.join(folder, "tokenizer_config.json"), {
        "eos_token": "</s>", "model_max_length": POSITIONS, "pad_token": "<pad>",
        "tokenizer_class": "PreTrainedTokenizerFast", "unk_token": "<unk>"})
    write_json(os.path.join(folder, "special_tokens_map.json"), {
        "eos_token": "</s>", "pad_token": "<pad>", "unk_token": "<unk>"})
    return len(vocab)


MARIAN_CORPUS = [
    "the quick brown fox jumps over the lazy dog",
    "Marie lives in Paris and John lives in London.",
    "hello world, hello friends, hello everyone!",
    "the children were reading books about the river",
    "once upon a time there lived a small cat",
    "Élodie a mangé une crème brûlée à Noël, près de la forêt.",
    "Où est la gare ? À côté du théâtre, s'il vous plaît.",
    "In 2024 the price rose by 3.5% to 120 dollars (roughly).",
    "Numbers: 0 1 2 3 4 5 6 7 8 9 10 42 100 1000",
    "She said: \"yes\" - and then - 'no'; really?",
    "Ärger über Öl und Übermut, die Straße ist groß.",
    "ŒUVRE, Œuvre and œuvre; naïve café déjà vu.",
    "the translation of the text into French and German",
    "a tiny model translates short sentences",
]
MARIAN_TOKENIZER_INPUTS = [
    "the quick brown fox jumps over the lazy dog",
    "Élodie a mangé une crème brûlée à Noël.",
    "ÉLODIE, Œuvre: naïve déjà-vu!",
    "Hello, world! (really?) - yes: 42 + 3.5 = 45.5%",
    "ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３, ﬁne ligatures, ① and ½",
    "e\u0301te\u0301 combining accents",
    "   leading, trailing   and   multiple spaces   ",
    "tabs\tand\nnewlines\r\nhere\u00a0nbsp\u3000ideographic",
    "zero\u200bwidth and control\u0007char",
    ">>fra<< the lazy dog",
    ">>deu<<hello world",
    "hello >>fra<< world",
    ">>xyz<< an unknown code",
    "price 5 € and 漢字 and 🙂 emoji",
    "",
    "   ",
    "hello </s> world <pad>",
    "translation",
]
MARIAN_LANGUAGE_CODES = [">>fra<<", ">>deu<<"]
MARIAN_TARGET_ONLY = "▁Schwarzwald"
MARIAN_UNKNOWN_SURFACE = "€"
MARIAN_DROPPED_WORD = "translation"


def nmt_nfkc_rules(folder):
    """sentencepiece's nmt_nfkc rules restricted to the characters around the goldens' inputs (ASCII and
    its controls, Latin-1 and Latin Extended, general punctuation and spaces, number forms, enclosed
    numbers, CJK spaces, the fi/fl ligatures, fullwidth forms, and base letters with combining accents),
    as a normalization_rule_tsv: the full nmt_nfkc map makes a 240 KB model; this one keeps the
    Darts trie and its longest-match rules (a letter + combining accent composed) at a few KB."""
    import sentencepiece as spm
    n = spm.SentencePieceNormalizer(rule_name="nmt_nfkc", add_dummy_prefix=False, escape_whitespaces=False,
                                    remove_extra_whitespaces=False)
    ranges = [(0x00, 0x24F), (0x2000, 0x206F), (0x2150, 0x218F), (0x2460, 0x24FF), (0x3000, 0x3003),
              (0xFB00, 0xFB06), (0xFF01, 0xFF5E)]
    sources = [chr(c) for a, b in ranges for c in range(a, b + 1) if not 0xD800 <= c < 0xE000]
    sources += [base + mark for base in "aeiouyncAEIOUYNC" for mark in "\u0300\u0301\u0302\u0303\u0308\u0327"]
    lines = []
    for src in sources:
        dst = n.normalize(src)
        if dst != src:
            lines.append(" ".join(f"{ord(c):X}" for c in src) + "\t" + " ".join(f"{ord(c):X}" for c in dst))
    path = os.path.join(folder, "rules.tsv")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path


def marian_spm_tokenizer(mg, folder):
    """A Unigram SentencePiece model trained on MARIAN_CORPUS (the sentencepiece library, one thread,
    nmt_nfkc_rules, <unk>=0 <s>=1 </s>=2 as Marian's spm_train writes them), saved by MarianTokenizer as
    source.spm and target.spm with a joint vocab.json: </s>=0, <unk>=1, the spm's pieces in order
    except the piece the spm uses first for MARIAN_DROPPED_WORD (it then maps to <unk>), the language
    codes, a piece the spm lacks, the surface of a character the spm does not know, <pad> last."""
    import io
    import sentencepiece as spm
    from transformers import MarianTokenizer
    model = io.BytesIO()
    scratch = os.path.join(folder, "_scratch")
    os.makedirs(scratch)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(MARIAN_CORPUS), model_writer=model, model_type="unigram", vocab_size=200,
        character_coverage=1.0, unk_id=0, bos_id=1, eos_id=2, pad_id=-1,
        normalization_rule_tsv=nmt_nfkc_rules(scratch), hard_vocab_limit=False, num_threads=1,
        shuffle_input_sentence=False, minloglevel=2)
    data = model.getvalue()
    sp = spm.SentencePieceProcessor(model_proto=data)
    pieces = [sp.id_to_piece(i) for i in range(sp.get_piece_size())
              if not (sp.is_control(i) or sp.is_unknown(i))]
    dropped = next(p for p in sp.encode(MARIAN_DROPPED_WORD, out_type=str) if len(p) > 2)
    if MARIAN_UNKNOWN_SURFACE in pieces or MARIAN_TARGET_ONLY in pieces:
        raise SystemExit("marian-spm: the trained spm already has the pieces meant to be missing")
    vocab = ["</s>", "<unk>"] + [p for p in pieces if p != dropped] + MARIAN_LANGUAGE_CODES + [
        MARIAN_TARGET_ONLY, MARIAN_UNKNOWN_SURFACE, "<pad>"]
    with open(os.path.join(scratch, "source.spm"), "wb") as f:
        f.write(data)
    write_json(os.path.join(scratch, "vocab.json"), {p: i for i, p in enumerate(vocab)})
    tok = MarianTokenizer(os.path.join(scratch, "source.spm"), os.path.join(scratch, "source.spm"),
                          os.path.join(scratch, "vocab.json"), source_lang="en", target_lang="fr",
                          model_max_length=POSITIONS)
    tok.save_pretrained(folder)
    import shutil
    shutil.rmtree(scratch)
    for name in ("tokenizer.json", "added_tokens.json", "chat_template.jinja"):
        if os.path.exists(os.path.join(folder, name)):
            os.remove(os.path.join(folder, name))
    return len(vocab)


MARIAN_RANDOM_POOLS = [
    "abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "0123456789 .,;:!?'\"()-+=%&/\\[]{}<>#*@$^_`|~",
    "   \t\n\r\u00a0\u2000\u2002\u2009\u200b\u200d\u2028\u3000\ufeff\u0085\x0b\x0c\x1c",
    "éèêëàâäîïôöûüçñÉÈÀÇÑßœŒæÆøØåÅ",
    "\u0300\u0301\u0302\u0303\u0308\u0327\u030a",
    "ＡＢＣａｂｃ１２３！？（）ﬁﬂ①⑩½¾",
    "漢字日本語한국어🙂🚀€£",
    "\x00\x01\x07\x1f\x7f\x80\x9f",
    "the lazy dog hello world lives in Paris",
    ">><<",
]


def marian_random_texts(n, seed=12):
    """Seeded random texts mixing MARIAN_RANDOM_POOLS (letters, digits and punctuation, Unicode spaces
    and controls, accents and combining marks, fullwidth forms and ligatures, CJK, emoji, words of the
    corpus, language-code brackets): what a hand-picked list misses."""
    import random
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        mix = rng.sample(MARIAN_RANDOM_POOLS, rng.randint(1, 4))
        text = "".join(rng.choice(rng.choice(mix)) for _ in range(rng.randint(0, 30)))
        out.append((">>" if rng.random() < 0.1 else "") + text)
    return out


def marian_tokenizer_goldens(hf_tok, texts=MARIAN_TOKENIZER_INPUTS, tokens=True):
    out = []
    for text in texts:
        ids = hf_tok(text)["input_ids"]
        entry = {"text": text, "tokens": hf_tok.tokenize(text)} if tokens else {"text": text}
        entry.update({"input_ids": ids, "decoded": hf_tok.decode(ids, skip_special_tokens=True)})
        out.append(entry)
    if not tokens:
        return out
    unk = hf_tok.convert_tokens_to_ids("<unk>")
    seen = [t for e in out for t in e["input_ids"]]
    vocab = hf_tok.get_vocab()
    for must in [unk, vocab[MARIAN_LANGUAGE_CODES[0]], vocab[MARIAN_UNKNOWN_SURFACE]]:
        if must not in seen:
            raise SystemExit(f"marian-spm: no tokenizer input gives id {must}")
    if vocab[MARIAN_TARGET_ONLY] in seen:
        raise SystemExit("marian-spm: the piece the spm lacks was used")
    return out


def write_json(path, obj):
    with open(path, "w", encoding="utf-8") as f:
        f.write(json.dumps(obj, indent=2, ensure_ascii=False) + "\n")


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# ---------------------------------------------------------------------------------------------
# models


T5_TASK_PARAMS = {
    "summarization": {"early_stopping": True, "length_penalty": 2.0, "max_length": 16, "min_length": 5,
                      "no_repeat_ngram_size": 3, "num_beams": 4, "prefix": "summarize: "},
    "translation_en_to_de": {"early_stopping": True, "max_length": 14, "num_beams": 4,
                             "prefix": "translate English to German: "},
    "translation_en_to_fr": {"early_stopping": True, "max_length": 12, "num_beams": 3,
                             "prefix": "translate English to French: "},
}


def t5_model(vocab, flan):
    cfg = transformers.T5Config(
        vocab_size=vocab, d_model=D_MODEL, d_kv=8, d_ff=D_FF if not flan else D_FF // 2, num_layers=2, num_decoder_layers=1 if not flan else 2, num_heads=HEADS,
        relative_attention_num_buckets=8, relative_attention_max_distance=16,
        feed_forward_proj="gated-gelu" if flan else "relu", tie_word_embeddings=not flan,
        decoder_start_token_id=0, pad_token_id=0, eos_token_id=1,
        task_specific_params=None if flan else T5_TASK_PARAMS)
    return transformers.T5ForConditionalGeneration(cfg)


def bart_model(tok):
    cfg = transformers.BartConfig(
        vocab_size=tok.size, d_model=D_MODEL, encoder_layers=1, decoder_layers=2, encoder_attention_heads=HEADS,
        decoder_attention_heads=HEADS, encoder_ffn_dim=D_FF, decoder_ffn_dim=D_FF, max_position_embeddings=POSITIONS,
        scale_embedding=True, activation_function="gelu", pad_token_id=tok.id("<pad>"), bos_token_id=tok.id("<s>"),
        eos_token_id=tok.id("</s>"), decoder_start_token_id=tok.id("</s>"), forced_eos_token_id=tok.id("</s>"),
        forced_bos_token_id=tok.id("<s>"))
    return transformers.BartForConditionalGeneration(cfg)


def marian_model(vocab, d_model=D_MODEL, heads=HEADS, d_ff=D_FF):
    cfg = transformers.MarianConfig(
        vocab_size=vocab, d_model=d_model, encoder_layers=1, decoder_layers=1, encoder_attention_heads=heads,
        decoder_attention_heads=heads, encoder_ffn_dim=d_ff, decoder_ffn_dim=d_ff, max_position_embeddings=POSITIONS,
        scale_embedding=True, activation_function="swish", pad_token_id=vocab - 1, decoder_start_token_id=vocab - 1,
        eos_token_id=0, forced_eos_token_id=0, bos_token_id=None)
    return transformers.MarianMTModel(cfg)


def reinit(mg, model, seed):
    """make_goldens' reinit, with T5's LayerNorm (a scale without bias) treated as a norm, Marian's
    sinusoidal positions left as transformers computes them, and final_logits_bias (a buffer)
    filled too, so that it shows when dropped."""
    g = torch.Generator().manual_seed(seed)
    seen = set()
    with torch.no_grad():
        for mname, module in model.named_modules():
            is_norm = isinstance(module, torch.nn.LayerNorm) or type(module).__name__.endswith(("RMSNorm", "LayerNorm"))
            if type(module).__name__.endswith("SinusoidalPositionalEmbedding"):
                continue
            for pname, p in module.named_parameters(recurse=False):
                if id(p) in seen:
                    continue
                seen.add(id(p))
                noise = torch.randn(p.shape, generator=g, dtype=torch.float32)
                if is_norm:
                    p.copy_(1.0 + mg.NORM_STD * noise if pname == "weight" else mg.NORM_STD * noise)
                elif p.dim() >= 2:
                    p.copy_(mg.WEIGHT_STD * noise)
                else:
                    p.copy_(mg.BIAS_STD * noise)
        if hasattr(model, "final_logits_bias"):
            model.final_logits_bias.copy_(0.5 * torch.randn(model.final_logits_bias.shape, generator=g))


def quiet_bytes(mg, model):
    """BART's byte-level symbols of non-ASCII bytes and control characters are made unlikely outputs
    (their embedding rows, which the tied lm_head reads, scaled down and their final_logits_bias
    lowered), so that the texts decode to clean UTF-8, as a trained model's would."""
    rows = [i for b, ch in mg.bytes_to_unicode() if b >= 0x80 or b < 0x20 or b == 0x7F
            for i in [mg.tok_kind("bl-roberta").vocab[ch]]]
    with torch.no_grad():
        model.get_input_embeddings().weight[rows] *= 0.25
        model.final_logits_bias[0, rows] -= 3.0


def untie_t5(folder, seed):
    """flan-t5's layout: config.json with tie_word_embeddings false (and no scale_decoder_outputs,
    which transformers 5 writes), and a model.safetensors with an lm_head.weight of its own."""
    from safetensors.torch import load_file, save_file
    path = os.path.join(folder, "config.json")
    cfg = read_json(path)
    cfg.pop("scale_decoder_outputs", None)
    cfg["tie_word_embeddings"] = False
    write_json(path, dict(sorted(cfg.items())))
    weights = load_file(os.path.join(folder, "model.safetensors"))
    g = torch.Generator().manual_seed(seed + 1)
    weights["lm_head.weight"] = 0.3 * torch.randn(weights["shared.weight"].shape, generator=g)
    save_file(weights, os.path.join(folder, "model.safetensors"), metadata={"format": "pt"})


GENERATION_CONFIGS = {
    "t5": {"decoder_start_token_id": 0, "eos_token_id": 1, "pad_token_id": 0, "max_length": 24},
    "flan-t5": {"decoder_start_token_id": 0, "eos_token_id": 1, "pad_token_id": 0},
}


def generation_config(case, ids):
    if case == "bart":
        return {"bos_token_id": ids["<s>"], "decoder_start_token_id": ids["</s>"], "early_stopping": True,
                "eos_token_id": ids["</s>"], "forced_bos_token_id": ids["<s>"], "forced_eos_token_id": ids["</s>"],
                "length_penalty": 2.0, "max_length": 24, "min_length": 6, "no_repeat_ngram_size": 3, "num_beams": 4,
                "pad_token_id": ids["<pad>"]}
    if case in ("marian", "marian-spm"):
        pad = ids["<pad>"]
        return {"bad_words_ids": [[pad]], "bos_token_id": 0, "decoder_start_token_id": pad, "eos_token_id": 0,
                "forced_eos_token_id": 0, "max_length": 32, "num_beams": 4, "pad_token_id": pad,
                "renormalize_logits": True}
    return dict(GENERATION_CONFIGS[case])


CASES = {
    "t5": ("T5ForConditionalGeneration", "T5ForConditionalGeneration as t5-small: relu feed-forward, tied and rescaled "
           "embeddings, 8 relative-attention buckets up to distance 16, 2 encoder layers / 1 decoder layer, Unigram "
           "tokenizer with sentinels; task_specific_params; summarization, translation, text2text-generation"),
    "flan-t5": ("T5ForConditionalGeneration", "T5ForConditionalGeneration as flan-t5: gated-gelu, "
                "tie_word_embeddings false with its own lm_head.weight; text2text-generation"),
    "bart": ("BartForConditionalGeneration", "BartForConditionalGeneration: learned positions (offset 2), "
             "layernorm_embedding, scale_embedding, final_logits_bias, byte-level BPE; bart-large-cnn-like "
             "generation_config (forced BOS/EOS, min_length, no_repeat_ngram_size 3, 4 beams); summarization"),
    "marian": ("MarianMTModel", "MarianMTModel: sinusoidal positions, scale_embedding, final_logits_bias, swish, "
               "opus-mt-like generation_config (bad_words_ids, renormalize_logits, 4 beams); tokenizer.json; "
               "translation"),
    "marian-spm": ("MarianMTModel", "MarianMTModel as Helsinki-NLP/opus-mt-* ship it: MarianTokenizer's source.spm, "
                   "target.spm (a trained Unigram SentencePiece model, nmt_nfkc) and joint vocab.json, no "
                   "tokenizer.json; tokenizer ids and decodes; translation"),
}

# generate() entries: keyword arguments over the repo's generation_config.json
GENERATE = [
    {"num_beams": 1, "do_sample": False, "max_new_tokens": 8},
    {"num_beams": 4, "do_sample": False, "max_new_tokens": 10, "early_stopping": False, "length_penalty": 1.0},
    {"num_beams": 3, "do_sample": False, "max_new_tokens": 10, "no_repeat_ngram_size": 2, "length_penalty": 2.0,
     "early_stopping": True, "min_length": 5, "num_return_sequences": 2},
]
GENERATE_DEFAULTS = {"bart": [{}], "marian": [{}, {"num_beams": 2, "early_stopping": "never", "max_length": 12}],
                     "marian-spm": [{}]}


def load(cls, folder, dtype, attn="eager"):
    m = cls.from_pretrained(folder, dtype=dtype, attn_implementation=attn)
    m.eval()
    return m


def run_generate(model, ids, kwargs, want_logits):
    x = torch.tensor([ids])
    with torch.no_grad():
        out = model.generate(x, attention_mask=torch.ones_like(x), return_dict_in_generate=True,
                             output_logits=want_logits, output_scores=want_logits, **kwargs)
    return out


def generate_entries(mg, case, cls, folder, fp32, tok, tensors):
    fp64 = load(cls, folder, torch.float64)
    entries = []
    specs = [(i, kw) for i in (0, 1) for kw in GENERATE] + [(0, kw) for kw in GENERATE_DEFAULTS.get(case, [])]
    for n, (row, kwargs) in enumerate(specs):
        ids = tok(SRC_TEXTS[row])["input_ids"]
        greedy = kwargs.get("num_beams", 1) == 1 and "num_beams" in kwargs
        out = run_generate(fp32, ids, kwargs, greedy)
        seqs = out.sequences.tolist()
        check = run_generate(fp64, ids, kwargs, False).sequences.tolist()
        if seqs != check:
            raise mg.Degenerate(f"generate {kwargs}: float64 gives other tokens")
        entry = {"row": row, "input_ids": ids, "kwargs": kwargs, "sequences": seqs}
        if greedy:
            raw = torch.cat([l.float() for l in out.logits], 0)
            scores = torch.cat([s.float() for s in out.scores], 0)
            margins = [mg.margin(s) for s in scores if torch.isfinite(s).sum() >= 2]
            low = min(margins) if margins else float("inf")
            if low <= MIN_STEP_MARGIN:
                raise mg.Degenerate(f"greedy step margin {low:.2e}")
            entry["step_logits"] = tensors.put(f"generate{n}.step_logits", raw)
            entry["min_margin"] = round(low, 6)
        new = [t for s in seqs for t in s[1:]]
        if len(new) >= 4 and len(set(new)) < 3:
            raise mg.Degenerate("a generation repeats one or two tokens")
        if case == "marian-spm" and any(len(set(s[1:])) < min(5, len(s) - 1) for s in seqs):
            raise mg.Degenerate("a translation has fewer than 5 distinct tokens")
        entries.append(entry)
    return entries


def case_build(mg, case):
    arch, _ = CASES[case]
    cls = getattr(transformers, arch)

    def build(folder, seed):
        torch.manual_seed(seed)
        if case in ("t5", "flan-t5"):
            vocab = t5_tokenizer(mg, folder)
            model = t5_model(vocab, case == "flan-t5")
        elif case == "bart":
            tok = mg.tok_kind("bl-roberta")
            tok.save(folder, POSITIONS)
            model = bart_model(tok)
        elif case == "marian-spm":
            vocab = marian_spm_tokenizer(mg, folder)
            model = marian_model(vocab)
        else:
            vocab = marian_tokenizer(mg, folder)
            model = marian_model(vocab)
        reinit(mg, model, seed)
        if case == "bart":
            quiet_bytes(mg, model)
        model.eval()
        model.save_pretrained(folder)
        if case == "flan-t5":
            untie_t5(folder, seed)
        hf_tok = mg.load_tokenizer(folder)
        ids = {t: hf_tok.convert_tokens_to_ids(t) for t in ("<s>", "</s>", "<pad>", "<unk>") if t in hf_tok.get_vocab()}
        write_json(os.path.join(folder, "generation_config.json"),
                   dict(generation_config(case, ids), transformers_version=transformers.__version__))
        if case == "marian-spm":
            if type(hf_tok).__name__ != "MarianTokenizer":
                raise SystemExit(f"marian-spm loads as {type(hf_tok).__name__}")
        else:
            mg.check_verbatim(folder, hf_tok, SRC_TEXTS + LIST_INPUTS + [DECODER_PREFIX])
        fp32 = load(cls, folder, torch.float32)
        tensors = mg.Tensors()
        golden = mg.base_metadata(case, arch, "seq2seq", "float32", CASES[case][1], None, None)

        batch = hf_tok(SRC_TEXTS, padding=True, return_tensors="pt")
        with torch.no_grad():
            enc = fp32.get_encoder()(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"])
        hidden = enc.last_hidden_state
        golden["inputs"] = {"texts": SRC_TEXTS, "input_ids": batch["input_ids"].tolist(),
                            "attention_mask": batch["attention_mask"].tolist()}
        golden["outputs"] = {"encoder_last_hidden_state": tensors.put("encoder_last_hidden_state", hidden)}

        start = fp32.generation_config.decoder_start_token_id
        prefix = [start] + hf_tok(DECODER_PREFIX, add_special_tokens=False)["input_ids"]
        decoder, fp32_logits = [], []
        for row in (0, 2):
            ids = [t for t, m in zip(batch["input_ids"][row].tolist(), batch["attention_mask"][row].tolist()) if m]
            with torch.no_grad():
                logits = fp32(input_ids=torch.tensor([ids]), decoder_input_ids=torch.tensor([prefix])).logits[0]
            fp32_logits.append(logits)
            decoder.append({"row": row, "input_ids": ids, "decoder_input_ids": prefix,
                            "logits": tensors.put(f"decoder{row}.logits", logits)})
        golden["decoder"] = decoder
        golden["generate"] = generate_entries(mg, case, cls, folder, fp32, hf_tok, tensors)

        if case in ("t5", "bart"):
            worst = {"encoder_last_hidden_state": 0.0, "logits": 0.0}
            mask = batch["attention_mask"]
            for attn in mg.LOWP_ATTENTION:
                m = load(cls, folder, torch.bfloat16, attn)
                with torch.no_grad():
                    h = m.get_encoder()(input_ids=batch["input_ids"], attention_mask=mask).last_hidden_state
                    worst["encoder_last_hidden_state"] = max(worst["encoder_last_hidden_state"],
                                                             mg.masked_max(h, hidden, mask))
                    for d, want in zip(decoder, fp32_logits):
                        got = m(input_ids=torch.tensor([d["input_ids"]]),
                                decoder_input_ids=torch.tensor([prefix])).logits[0]
                        worst["logits"] = max(worst["logits"], mg.masked_max(got, want, None))
            golden["reference_lowp"] = {"bfloat16": worst}
            golden["reference_lowp_attention"] = list(mg.LOWP_ATTENTION)
        if case == "marian-spm":
            golden["tokenizer"] = marian_tokenizer_goldens(hf_tok)
            golden["tokenizer_random"] = marian_tokenizer_goldens(hf_tok, marian_random_texts(150), tokens=False)
            for entry in golden["generate"]:
                entry["texts"] = [hf_tok.decode(seq, skip_special_tokens=True) for seq in entry["sequences"]]
        golden["pipelines"] = []
        return golden, tensors

    return build


def phase_t5(out, only, mg):
    for case in CASES:
        if only is None or case in only:
            mg.attempt(out, case, case_build(mg, case))


# ---------------------------------------------------------------------------------------------
# phase t4: the pipelines transformers 4.57 has

PIPELINES = {
    "t5": [
        ("summarization", None, "the quick brown fox jumps over the lazy dog", {}),
        ("summarization", None, "Marie lives in Paris and John lives in London.", {"num_beams": 1, "max_new_tokens": 6}),
        ("summarization", None, LIST_INPUTS, {}),
        ("translation", None, "hello world", {}),
        ("translation", "translation_en_to_fr", "hello world", {"src_lang": "en", "tgt_lang": "fr"}),
        ("text2text-generation", None, "the quick brown fox jumps over the lazy dog",
         {"num_beams": 1, "max_new_tokens": 8}),
    ],
    "flan-t5": [
        ("text2text-generation", None, "the quick brown fox jumps over the lazy dog", {"max_new_tokens": 8}),
        ("text2text-generation", None, "Marie lives in Paris and John lives in London.",
         {"num_beams": 3, "num_return_sequences": 2, "max_new_tokens": 8, "no_repeat_ngram_size": 2,
          "length_penalty": 0.5}),
        ("text2text-generation", None, LIST_INPUTS, {"max_new_tokens": 6, "num_beams": 1}),
        ("text2text-generation", None, "hello world", {"max_new_tokens": 10, "min_new_tokens": 4,
                                                       "repetition_penalty": 1.3, "num_beams": 2}),
    ],
    "bart": [
        ("summarization", None, "the quick brown fox jumps over the lazy dog", {}),
        ("summarization", None, LIST_INPUTS, {"num_beams": 2, "max_length": 12}),
        ("summarization", None, "hello world", {"num_beams": 1, "min_length": 3, "max_length": 9}),
        ("text2text-generation", None, "Marie lives in Paris and John lives in London.", {"num_beams": 1}),
    ],
    "marian": [
        ("translation", None, "the quick brown fox jumps over the lazy dog", {}),
        ("translation", None, LIST_INPUTS, {"max_length": 10}),
        ("translation", None, "hello world", {"num_beams": 1, "max_new_tokens": 7}),
    ],
    "marian-spm": [
        ("translation", None, "Élodie a mangé une crème brûlée à Noël.", {}),
        ("translation", None, ">>fra<< the quick brown fox jumps over the lazy dog", {"num_beams": 1, "max_new_tokens": 10}),
        ("translation", None, ["ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３, ﬁne", "price 5 € and 漢字"], {"max_length": 12}),
    ],
}


def run_pipeline(model, tok, task, inputs, params):
    from transformers import pipeline
    p = pipeline(task, model=model, tokenizer=tok, device="cpu")
    return p(inputs, **params)


def phase_t4(out, only, mg):
    import transformers as t4
    for case, entries in PIPELINES.items():
        if only is not None and case not in only:
            continue
        folder = os.path.join(out, case)
        if not os.path.isdir(folder):
            raise SystemExit(f"{folder} is missing: run phase t5 first")
        golden = mg.read_golden(folder)
        cls = getattr(t4, CASES[case][0])
        tok = mg.load_tokenizer(folder)
        for e in golden.get("tokenizer", []) + golden.get("tokenizer_random", []):
            # MarianTokenizer of transformers 4.57 (target.spm for decoding) agrees with 5.18's (source.spm)
            ids = tok(e["text"])["input_ids"]
            if ids != e["input_ids"] or tok.decode(ids, skip_special_tokens=True) != e["decoded"]:
                raise SystemExit(f"{case}: transformers {t4.__version__} tokenizes {e['text']!r} otherwise")
        golden["pipelines"] = []
        for task, built_as, inputs, params in entries:
            # a fresh model each time: building a pipeline pops the task's prefix out of the model's
            # config.task_specific_params, so a second pipeline on the same model object would run without it
            fp32 = mg.from_pretrained(cls, folder, torch.float32)
            fp64 = mg.from_pretrained(cls, folder, torch.float64)
            output = mg.to_json(run_pipeline(fp32, tok, built_as or task, inputs, params))
            if output != mg.to_json(run_pipeline(fp64, tok, built_as or task, inputs, params)):
                raise SystemExit(f"{case}: the {task} pipeline on {inputs!r} with {params} gives another text in "
                                 f"float64: a near-tie; pick another seed or input")
            entry = {"task": task, "inputs": inputs, "parameters": params, "output": output,
                     "source": f"transformers {t4.__version__} (5.x has no {task} pipeline)"}
            if built_as:
                entry["transformers_task"] = built_as
            golden["pipelines"].append(entry)
        mg.write_golden(folder, golden, None)
        print(f"  {case:28s} + {len(entries)} pipeline goldens (transformers {t4.__version__})")
