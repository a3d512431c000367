# What every causal language model shares (gpt2.py, llama.py, qwen3.py, gemma.py, phi3.py):
# rotary position embeddings, attention over a KV cache one row at a time, and the Decoder calls
# of program.py (new_cache, prefill, step, logits, hidden) around a family's stack of layers.
#
# A call runs B rows of n new tokens each: a prefill is one row of the prompt's n tokens, a decode
# step B rows of one token. Rows may have pasts of different lengths; the projections and MLPs run
# batched, and each row attends to its own cache (at decode time attention is a small share of the
# work, which is reading the weights).


class RotaryEmbedding:
    # transformers' rotary embeddings (modeling_rope_utils.py: default, linear, dynamic, llama3 and
    # longrope), the frequencies in float32 as transformers computes them. One set of settings, read
    # from the config under a key prefix: "" for most models, "local_" for Gemma 3's sliding layers.
    # rotary_dim < head_dim rotates only the first rotary_dim dimensions (partial_rotary_factor).
    inv_freq : Tensor
    long_inv_freq : Tensor
    rope_type : str
    theta : float
    factor : float
    dim : int
    max_positions : int
    original_max_positions : int
    attention_scaling : float

    def __init__(self, config: __torch__.nn.Config, device: Device, prefix: str):
        self.rope_type = config.get_str(prefix + "rope_type")
        self.theta = config.get_float(prefix + "rope_theta")
        self.factor = config.get_float(prefix + "rope_factor")
        self.dim = config.get_int(prefix + "rotary_dim")
        self.max_positions = config.get_int("max_position_embeddings")
        self.original_max_positions = config.get_int(prefix + "original_max_position_embeddings")
        self.attention_scaling = 1.0
        steps = torch.arange(0, self.dim, 2, dtype=torch.int64, device=device).to(torch.float32) / self.dim
        inv_freq = 1.0 / torch.pow(self.theta, steps)
        self.long_inv_freq = inv_freq
        if self.rope_type == "linear":
            inv_freq = inv_freq / self.factor
        if self.rope_type == "llama3":
            inv_freq = self.llama3(inv_freq, config, prefix)
        if self.rope_type == "longrope":
            # _compute_longrope_parameters: short factors up to the pretraining length, long beyond
            short_factor = torch.tensor(config.get_floats(prefix + "short_factor"), dtype=torch.float32, device=device)
            long_factor = torch.tensor(config.get_floats(prefix + "long_factor"), dtype=torch.float32, device=device)
            base = torch.pow(self.theta, steps)
            inv_freq = 1.0 / (short_factor * base)
            self.long_inv_freq = 1.0 / (long_factor * base)
            self.attention_scaling = config.get_float(prefix + "rope_attention_factor")
        self.inv_freq = inv_freq

    def llama3(self, inv_freq: Tensor, config: __torch__.nn.Config, prefix: str) -> Tensor:
        # _compute_llama3_parameters: long wavelengths divided by factor, short ones kept, smoothed between
        low_freq_factor = config.get_float(prefix + "low_freq_factor")
        high_freq_factor = config.get_float(prefix + "high_freq_factor")
        old_context_len = float(self.original_max_positions)
        low_freq_wavelen = old_context_len / low_freq_factor
        high_freq_wavelen = old_context_len / high_freq_factor
        wavelen = 2 * 3.141592653589793 / inv_freq
        inv_freq_llama = torch.where(wavelen > low_freq_wavelen, inv_freq / self.factor, inv_freq)
        smooth_factor = (old_context_len / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
        smoothed_inv_freq = (1 - smooth_factor) * inv_freq_llama / self.factor + smooth_factor * inv_freq_llama
        is_medium_freq = torch.logical_not(wavelen < high_freq_wavelen) & torch.logical_not(wavelen > low_freq_wavelen)
        return torch.where(is_medium_freq, smoothed_inv_freq, inv_freq_llama)

    def dynamic_inv_freq(self, seq_len: Tensor) -> Tensor:
        # _compute_dynamic_ntk_parameters with seq_len a tensor, as dynamic_rope_update passes it
        # (the base is computed in float32); below the trained length the original frequencies
        if int(seq_len.item()) <= self.max_positions:
            return self.inv_freq
        base = self.theta * ((self.factor * seq_len / self.max_positions) - (self.factor - 1)) ** (self.dim / (self.dim - 2))
        steps = torch.arange(0, self.dim, 2, dtype=torch.int64, device=seq_len.device).to(torch.float32) / self.dim
        return 1.0 / torch.pow(base, steps)

    def forward(self, positions: Tensor, dtype: int) -> Tuple[Tensor, Tensor]:
        # positions [B, n] -> cos, sin [B, n, rotary_dim] in dtype
        rows = annotate(List[Tensor], [])
        if self.rope_type == "dynamic" or self.rope_type == "longrope":
            # each row's frequencies follow its own length, as one generation alone would see them
            # (dynamic_rope_update); keys already in a cache keep the frequencies they had
            for b in range(positions.size(0)):
                seq_len = torch.max(positions[b]) + 1
                if self.rope_type == "dynamic":
                    rows.append(self.dynamic_inv_freq(seq_len))
                elif int(seq_len.item()) > self.original_max_positions:
                    rows.append(self.long_inv_freq)
                else:
                    rows.append(self.inv_freq)
            inv_freq = torch.stack(rows, 0).unsqueeze(2)
        else:
            inv_freq = self.inv_freq[None, :, None].expand(positions.size(0), -1, 1)
        freqs = torch.matmul(inv_freq.to(torch.float32), positions[:, None, :].to(torch.float32)).transpose(1, 2)
        emb = torch.cat([freqs, freqs], -1)
        cos = emb.cos()
        sin = emb.sin()
        if self.attention_scaling != 1.0:
            cos = cos * self.attention_scaling
            sin = sin * self.attention_scaling
        return cos.to(dtype), sin.to(dtype)


def rotate_half(x: Tensor) -> Tensor:
    half = x.size(-1) // 2
    return torch.cat([-x[..., half:], x[..., :half]], -1)


def apply_rotary_pos_emb(x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
    # x [B, heads, n, d]; cos, sin [B, n, rotary_dim]: the first rotary_dim dimensions are rotated,
    # the rest pass through (Phi-3's partial rotary embeddings)
    cos = cos.unsqueeze(1)
    sin = sin.unsqueeze(1)
    rotary = cos.size(-1)
    if rotary == x.size(-1):
        return (x * cos) + (__torch__.causal.rotate_half(x) * sin)
    x_rot = x[..., :rotary]
    x_pass = x[..., rotary:]
    return torch.cat([(x_rot * cos) + (__torch__.causal.rotate_half(x_rot) * sin), x_pass], -1)


class DecoderStack(Interface):
    # hidden states after the final norm [B, n, H] for ids [B, n] at positions [B, n]; writes
    # each layer's keys and values into caches[b] after its past (the caller advances them)
    def forward(self, input_ids: Tensor, positions: Tensor, caches: List[__torch__.nn.KvCache]) -> Tensor:
        pass


def causal_mask(past: int, n: int, window: int, device: Device) -> Optional[Tensor]:
    # [n, past + n] booleans: query i (at position past + i) sees key j when j <= past + i and,
    # with a sliding window W, j > past + i - W. None when every key is visible (one new token).
    if n == 1 and (window == 0 or past < window):
        return None
    query = torch.arange(n, device=device).unsqueeze(1) + past
    key = torch.arange(past + n, device=device).unsqueeze(0)
    visible = key <= query
    if window > 0:
        visible = visible & (key > query - window)
    return visible


def attention(q: Tensor, keys: Tensor, values: Tensor, mask: Optional[Tensor], scaling: float,
              softcap: float) -> Tensor:
    # q [1, h, m, d], keys and values [1, h, L, d], mask [m, L] (True where visible) or None.
    # scaled_dot_product_attention cannot soft-cap the scores: with softcap > 0 (Gemma 2's
    # attn_logit_softcapping) the attention is computed as transformers' eager_attention_forward
    # does, step for step: scores, cap (tanh), mask, softmax in float32, back to the compute dtype.
    if softcap <= 0.0:
        return torch.scaled_dot_product_attention(q, keys, values, attn_mask=mask, scale=scaling)
    scores = torch.matmul(q, keys.transpose(2, 3)) * scaling
    scores = torch.tanh(scores / softcap) * softcap
    if mask is not None:
        scores = scores.masked_fill(torch.logical_not(mask), float("-inf"))
    weights = torch.softmax(scores, -1, torch.float32).to(q.dtype)
    return torch.matmul(weights, values)


def attend_rows(q: Tensor, k: Tensor, v: Tensor, caches: List[__torch__.nn.KvCache], layer: int, window: int,
                scaling: float, softcap: float) -> Tensor:
    # q [B, heads, n, d], k and v [B, kv_heads, n, d] -> [B, heads, n, d]
    outputs = annotate(List[Tensor], [])
    heads = q.size(1)
    kv_heads = k.size(1)
    repeats = heads // kv_heads
    n = q.size(2)
    d = q.size(3)
    for b in range(len(caches)):
        cache = caches[b]
        past = cache.length
        keys, values = cache.update(layer, k[b:b + 1], v[b:b + 1])
        mask = __torch__.causal.causal_mask(past, n, window, q.device)
        if repeats == 1:
            outputs.append(__torch__.causal.attention(q[b:b + 1], keys, values, mask, scaling, softcap))
            continue
        # transformers' repeat_kv: query head h reads key/value head h // repeats. Rather than copy
        # the cache `repeats` times, each key/value head's query heads are folded into its query
        # axis (row r * n + i is head r of the group at position i), the mask repeated to match
        grouped = q[b:b + 1].reshape([1, kv_heads, repeats * n, d])
        if mask is not None:
            mask = mask.repeat([repeats, 1])
        attended = __torch__.causal.attention(grouped, keys, values, mask, scaling, softcap)
        outputs.append(attended.reshape([1, heads, n, d]))
    if len(outputs) == 1:
        return outputs[0]
    return torch.cat(outputs, 0)


def lm_head_weight(w: __torch__.nn.Checkpoint, tied: bool, embed: Tensor) -> Tensor:
    # the word embeddings when tied, else lm_head.weight; empty when a base model's checkpoint has
    # none (the Java side's plan allows that only for base-model saves)
    if tied:
        return embed
    if w.has("lm_head.weight"):
        return w.get("lm_head.weight")
    return torch.empty([0], dtype=embed.dtype, device=embed.device)


class CausalLM:
    # lm_head is empty when the checkpoint has none (a base model saved for embeddings): then only
    # hidden() answers. final_softcap > 0 caps the logits as Gemma's final_logit_softcapping does.
    # recompute_at > 0: a sequence whose cache holds at most that many tokens and grows past it is
    # computed again from its first token (Phi-3's longrope, see run).
    stack : __torch__.causal.DecoderStack
    lm_head : Tensor
    has_lm_head : bool
    final_softcap : float
    recompute_at : int
    layers : int
    kv_heads : int
    head_dim : int
    context : int
    dtype : int
    device : Device

    def __init__(self, stack: __torch__.causal.DecoderStack, lm_head: Tensor, layers: int, kv_heads: int,
                 head_dim: int, context: int):
        self.stack = stack
        self.lm_head = lm_head
        self.has_lm_head = lm_head.numel() > 0
        self.final_softcap = 0.0
        self.recompute_at = 0
        self.layers = layers
        self.kv_heads = kv_heads
        self.head_dim = head_dim
        self.context = context
        self.dtype = lm_head.dtype
        self.device = lm_head.device

    def new_cache(self) -> __torch__.nn.KvCache:
        return __torch__.nn.KvCache(self.layers, self.kv_heads, self.head_dim, self.context, self.dtype, self.device)

    def run(self, caches: List[__torch__.nn.KvCache], input_ids: Tensor) -> Tensor:
        # input_ids [B, n]; hidden states [B, n, H]
        if self.recompute_at <= 0:
            return self.run_rows(caches, input_ids)
        # Phi3ForCausalLM.prepare_inputs_for_generation: when a sequence first grows past
        # original_max_position_embeddings, transformers drops its cache and computes the whole
        # sequence again (all of it on longrope's long factors, where its cached keys had the short
        # ones). Such rows run alone; the others stay batched.
        n = input_ids.size(1)
        crossing = annotate(List[bool], [])
        for cache in caches:
            crossing.append(cache.length > 0 and cache.length <= self.recompute_at and cache.length + n > self.recompute_at)
            cache.ids = torch.cat([cache.ids[:cache.length], input_ids[len(crossing) - 1]])
        if not any(crossing):
            return self.run_rows(caches, input_ids)
        rows = annotate(List[Tensor], [])
        for b in range(len(caches)):
            cache = caches[b]
            if crossing[b]:
                cache.clear()
                rows.append(self.run_rows([cache], cache.ids.unsqueeze(0))[:, -n:])
            else:
                rows.append(self.run_rows([cache], input_ids[b:b + 1]))
        return torch.cat(rows, 0)

    def run_rows(self, caches: List[__torch__.nn.KvCache], input_ids: Tensor) -> Tensor:
        n = input_ids.size(1)
        starts = annotate(List[int], [])
        for cache in caches:
            cache.reserve(n)
            starts.append(cache.length)
        offsets = torch.arange(n, device=input_ids.device).unsqueeze(0)
        positions = torch.tensor(starts, dtype=torch.int64, device=input_ids.device).unsqueeze(1) + offsets
        hidden = self.stack.forward(input_ids, positions, caches)
        for cache in caches:
            cache.advance(n)
        return hidden

    def head(self, hidden: Tensor) -> Tensor:
        if not self.has_lm_head:
            ops.prim.RaiseException("the checkpoint has no lm_head.weight: this model computes embeddings, not next-token logits")
        logits = __torch__.nn.linear(hidden, self.lm_head, None)
        if self.final_softcap > 0.0:
            logits = torch.tanh(logits / self.final_softcap) * self.final_softcap
        return logits

    def generates(self) -> bool:
        return self.has_lm_head

    def prefill(self, cache: __torch__.nn.KvCache, input_ids: Tensor) -> Tensor:
        hidden = self.run([cache], input_ids.unsqueeze(0))
        return self.head(hidden[0, -1])

    def step(self, caches: List[__torch__.nn.KvCache], tokens: Tensor) -> Tensor:
        hidden = self.run(caches, tokens.unsqueeze(1))
        return self.head(hidden[:, 0])

    def logits(self, input_ids: Tensor) -> Tensor:
        hidden = self.run([self.new_cache()], input_ids.unsqueeze(0))
        return self.head(hidden[0])

    def hidden(self, input_ids: Tensor) -> Tensor:
        # input_ids [B, T], each row from position 0 without a past, right-padded: a real token never
        # sees the padding after it (causal attention), so each row's real positions are what the row
        # alone gives. The last hidden state (after the final norm) [B, T, H].
        caches = [self.new_cache() for _ in range(input_ids.size(0))]
        return self.run(caches, input_ids)
