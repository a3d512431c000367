# Llama, Mistral and Qwen2, as transformers' models/llama/modeling_llama.py (and mistral/, qwen2/,
# which differ in biases and sliding windows) compute them in eval mode: RMSNorm pre-norm layers,
# rotary positions (causal.RotaryEmbedding: default, linear, dynamic and llama3 scaling, computed in
# float32 as modeling_rope_utils.py does), grouped-query attention over a KV cache (causal.py),
# gated MLP. Qwen3 (qwen3.py) reuses the MLP.


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
        q = __torch__.causal.apply_rotary_pos_emb(q, cos, sin)
        k = __torch__.causal.apply_rotary_pos_emb(k, cos, sin)
        attended = __torch__.causal.attend_rows(q, k, v, caches, self.layer, self.window, self.scaling, 0.0)
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
    rotary_emb : __torch__.causal.RotaryEmbedding

    def __init__(self, w: __torch__.nn.Checkpoint, config: __torch__.nn.Config):
        self.embed_tokens = w.get("model.embed_tokens.weight")
        windows = config.get_ints("layer_windows")
        self.layers = [__torch__.llama.LlamaDecoderLayer(w, "model.layers." + str(i), i, windows[i], config)
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
    model = __torch__.llama.LlamaModel(w, config)
    lm_head = __torch__.causal.lm_head_weight(w, config.get_bool("tie_word_embeddings"), model.embed_tokens)
    return __torch__.causal.CausalLM(model, lm_head, config.get_int("num_hidden_layers"),
                                     config.get_int("num_key_value_heads"), config.get_int("head_dim"),
                                     config.get_int("context_length"))
