# Gemma 2 and Gemma 3 (text), as transformers' models/gemma2/modeling_gemma2.py and
# models/gemma3/modeling_gemma3.py compute them in eval mode: word embeddings scaled by
# sqrt(hidden_size) (the scale rounded to the compute dtype first, as transformers does), RMSNorm
# with (1 + weight) computed in float32, a GELU-tanh gated MLP, norms before and after both the
# attention and the MLP, query_pre_attn_scalar for the attention scale, sliding-window layers, and
# final logit soft-capping (causal.CausalLM). Gemma 2 soft-caps the attention scores
# (attn_logit_softcapping: causal.attention computes those layers explicitly); Gemma 3 has q_norm and
# k_norm per head and its own rotary settings for sliding layers (rope_local_base_freq), and its
# attention is never soft-capped (transformers' Gemma 3 does not pass attn_logit_softcapping on).


class GemmaRMSNorm:
    # Gemma2RMSNorm / Gemma3RMSNorm: normalised in float32, times (1 + weight) in float32, then
    # back to the input dtype (Llama instead scales in the input dtype)
    scale : Tensor
    eps : float

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, eps: float):
        self.scale = 1.0 + w.get(prefix + ".weight").to(torch.float32)
        self.eps = eps

    def forward(self, x: Tensor) -> Tensor:
        h = x.to(torch.float32)
        h = h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + self.eps)
        return (h * self.scale).to(x.dtype)


class GemmaAttention:
    q_proj : __torch__.nn.Linear
    k_proj : __torch__.nn.Linear
    v_proj : __torch__.nn.Linear
    o_proj : __torch__.nn.Linear
    q_norm : Optional[__torch__.gemma.GemmaRMSNorm]
    k_norm : Optional[__torch__.gemma.GemmaRMSNorm]
    heads : int
    kv_heads : int
    head_dim : int
    scaling : float
    softcap : float
    layer : int
    window : int

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, layer: int, window: int, config: __torch__.nn.Config):
        bias = config.get_bool("attention_bias")
        self.q_proj = __torch__.nn.Linear(w, prefix + ".q_proj", bias)
        self.k_proj = __torch__.nn.Linear(w, prefix + ".k_proj", bias)
        self.v_proj = __torch__.nn.Linear(w, prefix + ".v_proj", bias)
        self.o_proj = __torch__.nn.Linear(w, prefix + ".o_proj", bias)
        if config.get_bool("qk_norm"):
            eps = config.get_float("rms_norm_eps")
            self.q_norm = __torch__.gemma.GemmaRMSNorm(w, prefix + ".q_norm", eps)
            self.k_norm = __torch__.gemma.GemmaRMSNorm(w, prefix + ".k_norm", eps)
        else:
            self.q_norm = None
            self.k_norm = None
        self.heads = config.get_int("num_attention_heads")
        self.kv_heads = config.get_int("num_key_value_heads")
        self.head_dim = config.get_int("head_dim")
        self.scaling = config.get_float("query_pre_attn_scalar") ** -0.5
        self.softcap = config.get_float("attn_logit_softcapping")
        self.layer = layer
        self.window = window

    def forward(self, x: Tensor, cos: Tensor, sin: Tensor, caches: List[__torch__.nn.KvCache]) -> Tensor:
        q = __torch__.nn.split_heads(self.q_proj.forward(x), self.heads, self.head_dim)
        k = __torch__.nn.split_heads(self.k_proj.forward(x), self.kv_heads, self.head_dim)
        v = __torch__.nn.split_heads(self.v_proj.forward(x), self.kv_heads, self.head_dim)
        q_norm = self.q_norm
        if q_norm is not None:
            q = q_norm.forward(q)
        k_norm = self.k_norm
        if k_norm is not None:
            k = k_norm.forward(k)
        q = __torch__.causal.apply_rotary_pos_emb(q, cos, sin)
        k = __torch__.causal.apply_rotary_pos_emb(k, cos, sin)
        attended = __torch__.causal.attend_rows(q, k, v, caches, self.layer, self.window, self.scaling, self.softcap)
        return self.o_proj.forward(__torch__.nn.merge_heads(attended))


class GemmaDecoderLayer:
    input_layernorm : __torch__.gemma.GemmaRMSNorm
    self_attn : __torch__.gemma.GemmaAttention
    post_attention_layernorm : __torch__.gemma.GemmaRMSNorm
    pre_feedforward_layernorm : __torch__.gemma.GemmaRMSNorm
    mlp : __torch__.llama.LlamaMLP
    post_feedforward_layernorm : __torch__.gemma.GemmaRMSNorm
    local_rope : bool

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, layer: int, window: int, local_rope: bool,
                 config: __torch__.nn.Config):
        eps = config.get_float("rms_norm_eps")
        self.input_layernorm = __torch__.gemma.GemmaRMSNorm(w, prefix + ".input_layernorm", eps)
        self.self_attn = __torch__.gemma.GemmaAttention(w, prefix + ".self_attn", layer, window, config)
        self.post_attention_layernorm = __torch__.gemma.GemmaRMSNorm(w, prefix + ".post_attention_layernorm", eps)
        self.pre_feedforward_layernorm = __torch__.gemma.GemmaRMSNorm(w, prefix + ".pre_feedforward_layernorm", eps)
        self.mlp = __torch__.llama.LlamaMLP(w, prefix + ".mlp", config)
        self.post_feedforward_layernorm = __torch__.gemma.GemmaRMSNorm(w, prefix + ".post_feedforward_layernorm", eps)
        self.local_rope = local_rope

    def forward(self, x: Tensor, cos: Tensor, sin: Tensor, caches: List[__torch__.nn.KvCache]) -> Tensor:
        h = self.self_attn.forward(self.input_layernorm.forward(x), cos, sin, caches)
        x = x + self.post_attention_layernorm.forward(h)
        h = self.mlp.forward(self.pre_feedforward_layernorm.forward(x))
        return x + self.post_feedforward_layernorm.forward(h)


class GemmaModel:
    embed_tokens : Tensor
    normalizer : Tensor
    layers : List[__torch__.gemma.GemmaDecoderLayer]
    norm : __torch__.gemma.GemmaRMSNorm
    rotary_emb : __torch__.causal.RotaryEmbedding
    rotary_emb_local : Optional[__torch__.causal.RotaryEmbedding]

    def __init__(self, w: __torch__.nn.Checkpoint, config: __torch__.nn.Config):
        self.embed_tokens = w.get("model.embed_tokens.weight")
        # GemmaTextScaledWordEmbedding: a float32 scalar buffer, cast to the weights' dtype when used
        self.normalizer = torch.tensor(config.get_float("hidden_size") ** 0.5, dtype=torch.float32,
                                       device=self.embed_tokens.device).to(self.embed_tokens.dtype)
        windows = config.get_ints("layer_windows")
        local = config.get_bool("local_rope")
        self.layers = [__torch__.gemma.GemmaDecoderLayer(w, "model.layers." + str(i), i, windows[i],
                                                         local and windows[i] > 0, config)
                       for i in range(config.get_int("num_hidden_layers"))]
        self.norm = __torch__.gemma.GemmaRMSNorm(w, "model.norm", config.get_float("rms_norm_eps"))
        self.rotary_emb = __torch__.causal.RotaryEmbedding(config, self.embed_tokens.device, "")
        if local:
            self.rotary_emb_local = __torch__.causal.RotaryEmbedding(config, self.embed_tokens.device, "local_")
        else:
            self.rotary_emb_local = None

    def forward(self, input_ids: Tensor, positions: Tensor, caches: List[__torch__.nn.KvCache]) -> Tensor:
        x = torch.embedding(self.embed_tokens, input_ids) * self.normalizer
        cos, sin = self.rotary_emb.forward(positions, x.dtype)
        local_cos = cos
        local_sin = sin
        rotary_emb_local = self.rotary_emb_local
        if rotary_emb_local is not None:
            local_cos, local_sin = rotary_emb_local.forward(positions, x.dtype)
        for layer in self.layers:
            if layer.local_rope:
                x = layer.forward(x, local_cos, local_sin, caches)
            else:
                x = layer.forward(x, cos, sin, caches)
        return self.norm.forward(x)


def build(w: __torch__.nn.Checkpoint, config: __torch__.nn.Config) -> __torch__.program.Decoder:
    model = __torch__.gemma.GemmaModel(w, config)
    lm_head = __torch__.causal.lm_head_weight(w, config.get_bool("tie_word_embeddings"), model.embed_tokens)
    lm = __torch__.causal.CausalLM(model, lm_head, config.get_int("num_hidden_layers"),
                                   config.get_int("num_key_value_heads"), config.get_int("head_dim"),
                                   config.get_int("context_length"))
    lm.final_softcap = config.get_float("final_logit_softcapping")
    return lm
