# GPT-2, as transformers' models/gpt2/modeling_gpt2.py computes it (eval mode): learned positions,
# pre-norm blocks, causal attention over a KV cache (causal.py). Conv1D weights are stored
# [in, out]; they are transposed once at build so every projection is a plain Linear.


class Conv1D:
    # a Linear over the transposed weight (so int8 quantizes it like any other)
    linear : __torch__.nn.Linear

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str):
        w.transpose(prefix + ".weight")
        self.linear = __torch__.nn.Linear(w, prefix, True)

    def forward(self, x: Tensor) -> Tensor:
        return self.linear.forward(x)


class GPT2Block:
    ln_1 : __torch__.nn.LayerNorm
    c_attn : __torch__.gpt2.Conv1D
    attn_proj : __torch__.gpt2.Conv1D
    ln_2 : __torch__.nn.LayerNorm
    c_fc : __torch__.gpt2.Conv1D
    mlp_proj : __torch__.gpt2.Conv1D
    heads : int
    head_dim : int
    scaling : float
    layer : int
    act : str

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, layer: int, config: __torch__.nn.Config):
        eps = config.get_float("layer_norm_epsilon")
        self.ln_1 = __torch__.nn.LayerNorm(w, prefix + ".ln_1", eps)
        self.c_attn = __torch__.gpt2.Conv1D(w, prefix + ".attn.c_attn")
        self.attn_proj = __torch__.gpt2.Conv1D(w, prefix + ".attn.c_proj")
        self.ln_2 = __torch__.nn.LayerNorm(w, prefix + ".ln_2", eps)
        self.c_fc = __torch__.gpt2.Conv1D(w, prefix + ".mlp.c_fc")
        self.mlp_proj = __torch__.gpt2.Conv1D(w, prefix + ".mlp.c_proj")
        self.heads = config.get_int("n_head")
        self.head_dim = config.get_int("n_embd") // self.heads
        scaling = 1.0
        if config.get_bool("scale_attn_weights"):
            scaling = float(self.head_dim) ** -0.5
        if config.get_bool("scale_attn_by_inverse_layer_idx"):
            scaling = scaling / float(layer + 1)
        self.scaling = scaling
        self.layer = layer
        self.act = config.get_str("activation_function")

    def forward(self, x: Tensor, caches: List[__torch__.nn.KvCache]) -> Tensor:
        qkv = self.c_attn.forward(self.ln_1.forward(x))
        width = self.heads * self.head_dim
        q = __torch__.nn.split_heads(qkv[:, :, :width], self.heads, self.head_dim)
        k = __torch__.nn.split_heads(qkv[:, :, width:2 * width], self.heads, self.head_dim)
        v = __torch__.nn.split_heads(qkv[:, :, 2 * width:], self.heads, self.head_dim)
        attended = __torch__.causal.attend_rows(q, k, v, caches, self.layer, 0, self.scaling, 0.0)
        x = x + self.attn_proj.forward(__torch__.nn.merge_heads(attended))
        inner = __torch__.nn.activation(self.c_fc.forward(self.ln_2.forward(x)), self.act)
        return x + self.mlp_proj.forward(inner)


class GPT2Model:
    wte : Tensor
    wpe : Tensor
    h : List[__torch__.gpt2.GPT2Block]
    ln_f : __torch__.nn.LayerNorm

    def __init__(self, w: __torch__.nn.Checkpoint, config: __torch__.nn.Config):
        self.wte = w.get("transformer.wte.weight")
        self.wpe = w.get("transformer.wpe.weight")
        self.h = [__torch__.gpt2.GPT2Block(w, "transformer.h." + str(i), i, config) for i in range(config.get_int("n_layer"))]
        self.ln_f = __torch__.nn.LayerNorm(w, "transformer.ln_f", config.get_float("layer_norm_epsilon"))

    def forward(self, input_ids: Tensor, positions: Tensor, caches: List[__torch__.nn.KvCache]) -> Tensor:
        x = torch.embedding(self.wte, input_ids) + torch.embedding(self.wpe, positions)
        for block in self.h:
            x = block.forward(x, caches)
        return self.ln_f.forward(x)


def build(w: __torch__.nn.Checkpoint, config: __torch__.nn.Config) -> __torch__.program.Decoder:
    model = __torch__.gpt2.GPT2Model(w, config)
    if config.get_bool("tie_word_embeddings"):
        lm_head = model.wte
    else:
        lm_head = w.get("lm_head.weight")
    heads = config.get_int("n_head")
    return __torch__.causal.CausalLM(model, lm_head, config.get_int("n_layer"), heads, config.get_int("n_embd") // heads,
                                     config.get_int("n_positions"))
