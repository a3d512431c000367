# Qwen3, as transformers' models/qwen3/modeling_qwen3.py computes it in eval mode: Llama's layers
# (llama.py's MLP, causal.py's rotary embeddings and attention) with an RMSNorm over each query and
# key head (q_norm, k_norm) before the rotary embedding, an explicit head_dim, attention_bias on all
# four projections, and sliding-window layers from layer_types.


class Qwen3Attention:
    q_proj : __torch__.nn.Linear
    k_proj : __torch__.nn.Linear
    v_proj : __torch__.nn.Linear
    o_proj : __torch__.nn.Linear
    q_norm : __torch__.nn.RMSNorm
    k_norm : __torch__.nn.RMSNorm
    heads : int
    kv_heads : int
    head_dim : int
    scaling : float
    layer : int
    window : int

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, layer: int, window: int, config: __torch__.nn.Config):
        bias = config.get_bool("attention_bias")
        eps = config.get_float("rms_norm_eps")
        self.q_proj = __torch__.nn.Linear(w, prefix + ".q_proj", bias)
        self.k_proj = __torch__.nn.Linear(w, prefix + ".k_proj", bias)
        self.v_proj = __torch__.nn.Linear(w, prefix + ".v_proj", bias)
        self.o_proj = __torch__.nn.Linear(w, prefix + ".o_proj", bias)
        self.q_norm = __torch__.nn.RMSNorm(w, prefix + ".q_norm", eps)
        self.k_norm = __torch__.nn.RMSNorm(w, prefix + ".k_norm", eps)
        self.heads = config.get_int("num_attention_heads")
        self.kv_heads = config.get_int("num_key_value_heads")
        self.head_dim = config.get_int("head_dim")
        self.scaling = float(self.head_dim) ** -0.5
        self.layer = layer
        self.window = window

    def forward(self, x: Tensor, cos: Tensor, sin: Tensor, caches: List[__torch__.nn.KvCache]) -> Tensor:
        b = x.size(0)
        n = x.size(1)
        # the norms act on each head's vector [B, n, heads, head_dim], before the heads move forward
        q = self.q_norm.forward(self.q_proj.forward(x).view([b, n, self.heads, self.head_dim])).transpose(1, 2)
        k = self.k_norm.forward(self.k_proj.forward(x).view([b, n, self.kv_heads, self.head_dim])).transpose(1, 2)
        v = __torch__.nn.split_heads(self.v_proj.forward(x), self.kv_heads, self.head_dim)
        q = __torch__.causal.apply_rotary_pos_emb(q, cos, sin)
        k = __torch__.causal.apply_rotary_pos_emb(k, cos, sin)
        attended = __torch__.causal.attend_rows(q, k, v, caches, self.layer, self.window, self.scaling, 0.0)
        return self.o_proj.forward(__torch__.nn.merge_heads(attended))


class Qwen3DecoderLayer:
    input_layernorm : __torch__.nn.RMSNorm
    self_attn : __torch__.qwen3.Qwen3Attention
    post_attention_layernorm : __torch__.nn.RMSNorm
    mlp : __torch__.llama.LlamaMLP

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, layer: int, window: int, config: __torch__.nn.Config):
        eps = config.get_float("rms_norm_eps")
        self.input_layernorm = __torch__.nn.RMSNorm(w, prefix + ".input_layernorm", eps)
        self.self_attn = __torch__.qwen3.Qwen3Attention(w, prefix + ".self_attn", layer, window, config)
        self.post_attention_layernorm = __torch__.nn.RMSNorm(w, prefix + ".post_attention_layernorm", eps)
        self.mlp = __torch__.llama.LlamaMLP(w, prefix + ".mlp", config)

    def forward(self, x: Tensor, cos: Tensor, sin: Tensor, caches: List[__torch__.nn.KvCache]) -> Tensor:
        x = x + self.self_attn.forward(self.input_layernorm.forward(x), cos, sin, caches)
        return x + self.mlp.forward(self.post_attention_layernorm.forward(x))


class Qwen3Model:
    embed_tokens : Tensor
    layers : List[__torch__.qwen3.Qwen3DecoderLayer]
    norm : __torch__.nn.RMSNorm
    rotary_emb : __torch__.causal.RotaryEmbedding

    def __init__(self, w: __torch__.nn.Checkpoint, config: __torch__.nn.Config):
        self.embed_tokens = w.get("model.embed_tokens.weight")
        windows = config.get_ints("layer_windows")
        self.layers = [__torch__.qwen3.Qwen3DecoderLayer(w, "model.layers." + str(i), i, windows[i], config)
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
    model = __torch__.qwen3.Qwen3Model(w, config)
    lm_head = __torch__.causal.lm_head_weight(w, config.get_bool("tie_word_embeddings"), model.embed_tokens)
    return __torch__.causal.CausalLM(model, lm_head, config.get_int("num_hidden_layers"),
                                     config.get_int("num_key_value_heads"), config.get_int("head_dim"),
                                     config.get_int("context_length"))
