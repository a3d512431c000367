# Llama, Mistral and Qwen2, as transformers' models/llama/modeling_llama.py (and mistral/, qwen2/,
# which differ in biases and sliding windows) compute them in eval mode: RMSNorm pre-norm layers,
# rotary positions (default, linear, dynamic and llama3 scaling, computed in float32 as
# modeling_rope_utils.py does), grouped-query attention over a KV cache (causal.py), gated MLP.


class LlamaRotaryEmbedding:
    inv_freq : Tensor
    rope_type : str
    theta : float
    factor : float
    dim : int
    max_positions : int

    def __init__(self, config: __torch__.nn.Config, device: Device):
        self.rope_type = config.get_str("rope_type")
        self.theta = config.get_float("rope_theta")
        self.factor = config.get_float("rope_factor")
        self.dim = config.get_int("head_dim")
        self.max_positions = config.get_int("max_position_embeddings")
        steps = torch.arange(0, self.dim, 2, dtype=torch.int64, device=device).to(torch.float32) / self.dim
        inv_freq = 1.0 / torch.pow(self.theta, steps)
        if self.rope_type == "linear":
            inv_freq = inv_freq / self.factor
        if self.rope_type == "llama3":
            inv_freq = self.llama3(inv_freq, config)
        self.inv_freq = inv_freq

    def llama3(self, inv_freq: Tensor, config: __torch__.nn.Config) -> Tensor:
        # _compute_llama3_parameters: long wavelengths divided by factor, short ones kept, smoothed between
        low_freq_factor = config.get_float("low_freq_factor")
        high_freq_factor = config.get_float("high_freq_factor")
        old_context_len = float(config.get_int("original_max_position_embeddings"))
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
        # positions [B, n] -> cos, sin [B, n, dim] in dtype
        rows = annotate(List[Tensor], [])
        if self.rope_type == "dynamic":
            # each row's frequencies follow its own length, as one generation alone would see them
            for b in range(positions.size(0)):
                rows.append(self.dynamic_inv_freq(torch.max(positions[b]) + 1))
            inv_freq = torch.stack(rows, 0).unsqueeze(2)
        else:
            inv_freq = self.inv_freq[None, :, None].expand(positions.size(0), -1, 1)
        freqs = torch.matmul(inv_freq.to(torch.float32), positions[:, None, :].to(torch.float32)).transpose(1, 2)
        emb = torch.cat([freqs, freqs], -1)
        return emb.cos().to(dtype), emb.sin().to(dtype)


def rotate_half(x: Tensor) -> Tensor:
    half = x.size(-1) // 2
    return torch.cat([-x[..., half:], x[..., :half]], -1)


def apply_rotary_pos_emb(x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
    # x [B, heads, n, d]; cos, sin [B, n, d]
    cos = cos.unsqueeze(1)
    sin = sin.unsqueeze(1)
    return (x * cos) + (__torch__.llama.rotate_half(x) * sin)


class LlamaAttention:
    q_proj : __torch__.nn.Linear
    k_proj : __torch__.nn.Linear
    v_proj : __torch__.nn.Linear
    o_proj : __torch__.nn.Linear
    heads : int
    kv_heads : int
    head_dim : int
    scaling : float
    layer : int
    window : int

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, layer: int, window: int, config: __torch__.nn.Config):
        qkv_bias = config.get_bool("qkv_bias")
        self.q_proj = __torch__.nn.Linear(w, prefix + ".q_proj", qkv_bias)
        self.k_proj = __torch__.nn.Linear(w, prefix + ".k_proj", qkv_bias)
        self.v_proj = __torch__.nn.Linear(w, prefix + ".v_proj", qkv_bias)
        self.o_proj = __torch__.nn.Linear(w, prefix + ".o_proj", config.get_bool("o_bias"))
        self.heads = config.get_int("num_attention_heads")
        self.kv_heads = config.get_int("num_key_value_heads")
        self.head_dim = config.get_int("head_dim")
        self.scaling = float(self.head_dim) ** -0.5
        self.layer = layer
        self.window = window

    def forward(self, x: Tensor, cos: Tensor, sin: Tensor, caches: List[__torch__.nn.KvCache]) -> Tensor:
        q = __torch__.nn.split_heads(self.q_proj.forward(x), self.heads, self.head_dim)
        k = __torch__.nn.split_heads(self.k_proj.forward(x), self.kv_heads, self.head_dim)
        v = __torch__.nn.split_heads(self.v_proj.forward(x), self.kv_heads, self.head_dim)
        q = __torch__.llama.apply_rotary_pos_emb(q, cos, sin)
        k = __torch__.llama.apply_rotary_pos_emb(k, cos, sin)
        attended = __torch__.causal.attend_rows(q, k, v, caches, self.layer, self.window, self.scaling)
        return self.o_proj.forward(__torch__.nn.merge_heads(attended))


class LlamaMLP:
    gate_proj : __torch__.nn.Linear
    up_proj : __torch__.nn.Linear
    down_proj : __torch__.nn.Linear
    act : str

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        bias = config.get_bool("mlp_bias")
        self.gate_proj = __torch__.nn.Linear(w, prefix + ".gate_proj", bias)
        self.up_proj = __torch__.nn.Linear(w, prefix + ".up_proj", bias)
        self.down_proj = __torch__.nn.Linear(w, prefix + ".down_proj", bias)
        self.act = config.get_str("hidden_act")

    def forward(self, x: Tensor) -> Tensor:
        return self.down_proj.forward(__torch__.nn.activation(self.gate_proj.forward(x), self.act) * self.up_proj.forward(x))


class LlamaDecoderLayer:
    input_layernorm : __torch__.nn.RMSNorm
    self_attn : __torch__.llama.LlamaAttention
    post_attention_layernorm : __torch__.nn.RMSNorm
    mlp : __torch__.llama.LlamaMLP

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, layer: int, window: int, config: __torch__.nn.Config):
        eps = config.get_float("rms_norm_eps")
        self.input_layernorm = __torch__.nn.RMSNorm(w, prefix + ".input_layernorm", eps)
        self.self_attn = __torch__.llama.LlamaAttention(w, prefix + ".self_attn", layer, window, config)
        self.post_attention_layernorm = __torch__.nn.RMSNorm(w, prefix + ".post_attention_layernorm", eps)
        self.mlp = __torch__.llama.LlamaMLP(w, prefix + ".mlp", config)

    def forward(self, x: Tensor, cos: Tensor, sin: Tensor, caches: List[__torch__.nn.KvCache]) -> Tensor:
        x = x + self.self_attn.forward(self.input_layernorm.forward(x), cos, sin, caches)
        return x + self.mlp.forward(self.post_attention_layernorm.forward(x))


class LlamaModel:
    embed_tokens : Tensor
    layers : List[__torch__.llama.LlamaDecoderLayer]
    norm : __torch__.nn.RMSNorm
    rotary_emb : __torch__.llama.LlamaRotaryEmbedding

    def __init__(self, w: __torch__.nn.Checkpoint, config: __torch__.nn.Config):
        self.embed_tokens = w.get("model.embed_tokens.weight")
        windows = config.get_ints("layer_windows")
        self.layers = [__torch__.llama.LlamaDecoderLayer(w, "model.layers." + str(i), i, windows[i], config)
                       for i in range(config.get_int("num_hidden_layers"))]
        self.norm = __torch__.nn.RMSNorm(w, "model.norm", config.get_float("rms_norm_eps"))
        self.rotary_emb = __torch__.llama.LlamaRotaryEmbedding(config, self.embed_tokens.device)

    def forward(self, input_ids: Tensor, positions: Tensor, caches: List[__torch__.nn.KvCache]) -> Tensor:
        x = torch.embedding(self.embed_tokens, input_ids)
        cos, sin = self.rotary_emb.forward(positions, x.dtype)
        for layer in self.layers:
            x = layer.forward(x, cos, sin, caches)
        return self.norm.forward(x)


def build(w: __torch__.nn.Checkpoint, config: __torch__.nn.Config) -> __torch__.program.Decoder:
    model = __torch__.llama.LlamaModel(w, config)
    if config.get_bool("tie_word_embeddings"):
        lm_head = model.embed_tokens
    else:
        lm_head = w.get("lm_head.weight")
    return __torch__.causal.CausalLM(model, lm_head, config.get_int("num_hidden_layers"),
                                     config.get_int("num_key_value_heads"), config.get_int("head_dim"),
                                     config.get_int("context_length"))
