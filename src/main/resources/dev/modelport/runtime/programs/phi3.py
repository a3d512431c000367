# Phi-3 (and Phi-4-mini, which uses the same class), as transformers' models/phi3/modeling_phi3.py
# computes it in eval mode: Llama's layout with fused projections (qkv_proj split into query, key and
# value; gate_up_proj split into gate and up halves), partial rotary embeddings
# (partial_rotary_factor) and longrope scaling (short/long factors, causal.RotaryEmbedding), and a
# sliding window on every layer when the config sets one.


class Phi3Attention:
    qkv_proj : __torch__.nn.Linear
    o_proj : __torch__.nn.Linear
    heads : int
    kv_heads : int
    head_dim : int
    scaling : float
    layer : int
    window : int

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, layer: int, window: int, config: __torch__.nn.Config):
        self.qkv_proj = __torch__.nn.Linear(w, prefix + ".qkv_proj", False)
        self.o_proj = __torch__.nn.Linear(w, prefix + ".o_proj", False)
        self.heads = config.get_int("num_attention_heads")
        self.kv_heads = config.get_int("num_key_value_heads")
        self.head_dim = config.get_int("head_dim")
        self.scaling = float(self.head_dim) ** -0.5
        self.layer = layer
        self.window = window

    def forward(self, x: Tensor, cos: Tensor, sin: Tensor, caches: List[__torch__.nn.KvCache]) -> Tensor:
        qkv = self.qkv_proj.forward(x)
        query_pos = self.heads * self.head_dim
        kv_width = self.kv_heads * self.head_dim
        q = __torch__.nn.split_heads(qkv[:, :, :query_pos], self.heads, self.head_dim)
        k = __torch__.nn.split_heads(qkv[:, :, query_pos:query_pos + kv_width], self.kv_heads, self.head_dim)
        v = __torch__.nn.split_heads(qkv[:, :, query_pos + kv_width:], self.kv_heads, self.head_dim)
        q = __torch__.causal.apply_rotary_pos_emb(q, cos, sin)
        k = __torch__.causal.apply_rotary_pos_emb(k, cos, sin)
        attended = __torch__.causal.attend_rows(q, k, v, caches, self.layer, self.window, self.scaling, 0.0)
        return self.o_proj.forward(__torch__.nn.merge_heads(attended))


class Phi3MLP:
    gate_up_proj : __torch__.nn.Linear
    down_proj : __torch__.nn.Linear
    intermediate : int
    act : str

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        self.gate_up_proj = __torch__.nn.Linear(w, prefix + ".gate_up_proj", False)
        self.down_proj = __torch__.nn.Linear(w, prefix + ".down_proj", False)
        self.intermediate = config.get_int("intermediate_size")
        self.act = config.get_str("hidden_act")

    def forward(self, x: Tensor) -> Tensor:
        up_states = self.gate_up_proj.forward(x)
        gate = up_states[..., :self.intermediate]
        up = up_states[..., self.intermediate:]
        return self.down_proj.forward(up * __torch__.nn.activation(gate, self.act))


class Phi3DecoderLayer:
    input_layernorm : __torch__.nn.RMSNorm
    self_attn : __torch__.phi3.Phi3Attention
    post_attention_layernorm : __torch__.nn.RMSNorm
    mlp : __torch__.phi3.Phi3MLP

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, layer: int, window: int, config: __torch__.nn.Config):
        eps = config.get_float("rms_norm_eps")
        self.input_layernorm = __torch__.nn.RMSNorm(w, prefix + ".input_layernorm", eps)
        self.self_attn = __torch__.phi3.Phi3Attention(w, prefix + ".self_attn", layer, window, config)
        self.post_attention_layernorm = __torch__.nn.RMSNorm(w, prefix + ".post_attention_layernorm", eps)
        self.mlp = __torch__.phi3.Phi3MLP(w, prefix + ".mlp", config)

    def forward(self, x: Tensor, cos: Tensor, sin: Tensor, caches: List[__torch__.nn.KvCache]) -> Tensor:
        x = x + self.self_attn.forward(self.input_layernorm.forward(x), cos, sin, caches)
        return x + self.mlp.forward(self.post_attention_layernorm.forward(x))


class Phi3Model:
    embed_tokens : Tensor
    layers : List[__torch__.phi3.Phi3DecoderLayer]
    norm : __torch__.nn.RMSNorm
    rotary_emb : __torch__.causal.RotaryEmbedding

    def __init__(self, w: __torch__.nn.Checkpoint, config: __torch__.nn.Config):
        self.embed_tokens = w.get("model.embed_tokens.weight")
        windows = config.get_ints("layer_windows")
        self.layers = [__torch__.phi3.Phi3DecoderLayer(w, "model.layers." + str(i), i, windows[i], config)
                       for i in range(config.get_int("num_hidden_layers"))]
        self.norm = __torch__.nn.RMSNorm(w, "model.norm", config.get_float("rms_norm_eps"))
        self.rotary_emb = __torch__.causal.RotaryEmbedding(config, self.embed_tokens.device, "")

    def forward(self, input_ids: Tensor, positions: Tensor, caches: List[__torch__.nn.KvCache]) -> Tensor:
        x = torch.embedding(self.embed_tokens, input_ids)
        cos, sin = self.rotary_emb.forward(positions, x.dtype)
        for layer in self.layers:
            x = layer.forward(x, cos, sin, caches)
        return self.norm.forward(x)


def build(w: __torch__.nn.Checkpoint, config: __torch__.nn.Config) -> __torch__.program.Decoder:
    model = __torch__.phi3.Phi3Model(w, config)
    lm_head = __torch__.causal.lm_head_weight(w, config.get_bool("tie_word_embeddings"), model.embed_tokens)
    lm = __torch__.causal.CausalLM(model, lm_head, config.get_int("num_hidden_layers"),
                                   config.get_int("num_key_value_heads"), config.get_int("head_dim"),
                                   config.get_int("context_length"))
    if config.get_str("rope_type") == "longrope":
        # transformers recomputes a sequence's cache when it first grows past the pretraining length
        # (with default RoPE that changes nothing but rounding, so only longrope does it here)
        lm.recompute_at = config.get_int("original_max_position_embeddings")
    return lm
