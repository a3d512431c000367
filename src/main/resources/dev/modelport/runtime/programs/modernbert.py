# ModernBERT, as transformers' models/modernbert/modeling_modernbert.py computes it (eval mode):
# pre-norm layers (no norm before the first layer's attention), a fused Wqkv projection, rotary
# positions with one theta for global (full) attention layers and another for local (sliding
# window) ones, a GeGLU MLP (Wi gives input and gate), optional biases (none by default), a final
# LayerNorm, and its own prediction head. transformers 5 runs it padded with a bidirectional mask,
# and a sliding layer lets a token see the tokens at most local_attention // 2 positions away; the
# real tokens' outputs are those of the unpadded run. Keys as transformers saves them, e.g.
# model.layers.1.attn.Wqkv.weight.


class ModernBertNorm:
    # nn.LayerNorm(hidden, eps, bias=norm_bias)
    weight : Tensor
    bias : Optional[Tensor]
    eps : float
    shape : List[int]

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        self.weight = w.get(prefix + ".weight")
        if config.get_bool("norm_bias"):
            self.bias = w.get(prefix + ".bias")
        else:
            self.bias = None
        self.eps = config.get_float("norm_eps")
        self.shape = [self.weight.size(0)]

    def forward(self, x: Tensor) -> Tensor:
        return torch.layer_norm(x, self.shape, self.weight, self.bias, self.eps)


class ModernBertRotary:
    # the default rope of one layer type, cos and sin computed in float32
    inv_freq : Tensor

    def __init__(self, theta: float, dim: int, device: Device):
        steps = torch.arange(0, dim, 2, dtype=torch.int64, device=device).to(torch.float32) / dim
        self.inv_freq = 1.0 / torch.pow(theta, steps)

    def forward(self, positions: Tensor) -> Tuple[Tensor, Tensor]:
        # positions [T] -> cos, sin [1, T, dim] in float32
        freqs = torch.matmul(self.inv_freq[None, :, None], positions[None, None, :].to(torch.float32)).transpose(1, 2)
        emb = torch.cat([freqs, freqs], -1)
        return emb.cos(), emb.sin()


def rotate_half(x: Tensor) -> Tensor:
    half = x.size(-1) // 2
    return torch.cat([-x[..., half:], x[..., :half]], -1)


def apply_rotary(x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
    # apply_rotary_pos_emb: in float32 (cos and sin at the model dtype first), back to x's dtype
    cos = cos.to(x.dtype).unsqueeze(1)
    sin = sin.to(x.dtype).unsqueeze(1)
    h = x.to(torch.float32)
    return ((h * cos) + (__torch__.modernbert.rotate_half(h) * sin)).to(x.dtype)


class ModernBertEncoderLayer:
    attn_norm : Optional[__torch__.modernbert.ModernBertNorm]
    Wqkv : __torch__.nn.Linear
    attn_Wo : __torch__.nn.Linear
    mlp_norm : __torch__.modernbert.ModernBertNorm
    Wi : __torch__.nn.Linear
    mlp_Wo : __torch__.nn.Linear
    sliding : bool
    heads : int
    head_dim : int
    act : str

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, index: int, config: __torch__.nn.Config):
        if index == 0:
            self.attn_norm = None
        else:
            self.attn_norm = __torch__.modernbert.ModernBertNorm(w, prefix + ".attn_norm", config)
        attention_bias = config.get_bool("attention_bias")
        mlp_bias = config.get_bool("mlp_bias")
        self.Wqkv = __torch__.nn.Linear(w, prefix + ".attn.Wqkv", attention_bias)
        self.attn_Wo = __torch__.nn.Linear(w, prefix + ".attn.Wo", attention_bias)
        self.mlp_norm = __torch__.modernbert.ModernBertNorm(w, prefix + ".mlp_norm", config)
        self.Wi = __torch__.nn.Linear(w, prefix + ".mlp.Wi", mlp_bias)
        self.mlp_Wo = __torch__.nn.Linear(w, prefix + ".mlp.Wo", mlp_bias)
        self.sliding = config.get_strs("layer_types")[index] == "sliding_attention"
        self.heads = config.get_int("num_attention_heads")
        self.head_dim = config.get_int("hidden_size") // self.heads
        self.act = config.get_str("hidden_activation")

    def forward(self, hidden: Tensor, mask: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
        norm = self.attn_norm
        x = hidden if norm is None else norm.forward(hidden)
        b = x.size(0)
        t = x.size(1)
        qkv = self.Wqkv.forward(x).view([b, t, 3, self.heads, self.head_dim])
        q = qkv[:, :, 0].transpose(1, 2)
        k = qkv[:, :, 1].transpose(1, 2)
        v = qkv[:, :, 2].transpose(1, 2)
        q = __torch__.modernbert.apply_rotary(q, cos, sin)
        k = __torch__.modernbert.apply_rotary(k, cos, sin)
        context = __torch__.nn.merge_heads(torch.scaled_dot_product_attention(q, k, v, attn_mask=mask))
        hidden = hidden + self.attn_Wo.forward(context)
        inner = self.Wi.forward(self.mlp_norm.forward(hidden))
        half = inner.size(-1) // 2
        gated = __torch__.nn.activation(inner[..., :half], self.act) * inner[..., half:]
        return hidden + self.mlp_Wo.forward(gated)


class ModernBertModel:
    tok_embeddings : Tensor
    embeddings_norm : __torch__.modernbert.ModernBertNorm
    layers : List[__torch__.modernbert.ModernBertEncoderLayer]
    final_norm : __torch__.modernbert.ModernBertNorm
    global_rope : __torch__.modernbert.ModernBertRotary
    local_rope : __torch__.modernbert.ModernBertRotary
    window : int

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        self.tok_embeddings = w.get(prefix + ".embeddings.tok_embeddings.weight")
        self.embeddings_norm = __torch__.modernbert.ModernBertNorm(w, prefix + ".embeddings.norm", config)
        self.layers = [__torch__.modernbert.ModernBertEncoderLayer(w, prefix + ".layers." + str(i), i, config)
                       for i in range(config.get_int("num_hidden_layers"))]
        self.final_norm = __torch__.modernbert.ModernBertNorm(w, prefix + ".final_norm", config)
        dim = config.get_int("hidden_size") // config.get_int("num_attention_heads")
        self.global_rope = __torch__.modernbert.ModernBertRotary(config.get_float("global_rope_theta"), dim, w.device)
        self.local_rope = __torch__.modernbert.ModernBertRotary(config.get_float("local_rope_theta"), dim, w.device)
        # config.sliding_window: half of local_attention, inclusive on both sides
        self.window = config.get_int("local_attention") // 2

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor) -> Tensor:
        hidden = self.embeddings_norm.forward(torch.embedding(self.tok_embeddings, input_ids))
        t = input_ids.size(1)
        positions = torch.arange(t, dtype=torch.int64, device=input_ids.device)
        full = __torch__.nn.padding_mask(attention_mask)
        distance = torch.abs(positions.unsqueeze(1) - positions.unsqueeze(0))
        local = full & (distance <= self.window).unsqueeze(0).unsqueeze(0)
        global_cos, global_sin = self.global_rope.forward(positions)
        local_cos, local_sin = self.local_rope.forward(positions)
        for layer in self.layers:
            if layer.sliding:
                hidden = layer.forward(hidden, local, local_cos, local_sin)
            else:
                hidden = layer.forward(hidden, full, global_cos, global_sin)
        return self.final_norm.forward(hidden)


class ModernBertPredictionHead:
    # dense (classifier_bias), classifier_activation, norm
    dense : __torch__.nn.Linear
    norm : __torch__.modernbert.ModernBertNorm
    act : str

    def __init__(self, w: __torch__.nn.Checkpoint, config: __torch__.nn.Config):
        self.dense = __torch__.nn.Linear(w, "head.dense", config.get_bool("classifier_bias"))
        self.norm = __torch__.modernbert.ModernBertNorm(w, "head.norm", config)
        self.act = config.get_str("classifier_activation")

    def forward(self, x: Tensor) -> Tensor:
        return self.norm.forward(__torch__.nn.activation(self.dense.forward(x), self.act))


class ModernBertForSequenceClassification:
    # pooling (the first token, or the mean over the real tokens), head, classifier
    head : __torch__.modernbert.ModernBertPredictionHead
    classifier : __torch__.nn.Linear
    mean : bool

    def __init__(self, w: __torch__.nn.Checkpoint, config: __torch__.nn.Config):
        self.head = __torch__.modernbert.ModernBertPredictionHead(w, config)
        self.classifier = __torch__.nn.Linear(w, "classifier", True)
        self.mean = config.get_str("classifier_pooling") == "mean"

    def forward(self, hidden: Tensor, attention_mask: Tensor) -> Tensor:
        if self.mean:
            mask = attention_mask.to(hidden.device)
            pooled = (hidden * mask.unsqueeze(-1)).sum(1) / mask.sum(1, keepdim=True)
        else:
            pooled = hidden[:, 0]
        return self.classifier.forward(self.head.forward(pooled))


class ModernBertPerToken:
    # ModernBertForTokenClassification: head, then the classifier at every token
    head : __torch__.modernbert.ModernBertPredictionHead
    classifier : __torch__.nn.Linear

    def __init__(self, w: __torch__.nn.Checkpoint, config: __torch__.nn.Config):
        self.head = __torch__.modernbert.ModernBertPredictionHead(w, config)
        self.classifier = __torch__.nn.Linear(w, "classifier", True)

    def forward(self, hidden: Tensor, attention_mask: Tensor) -> Tensor:
        return self.classifier.forward(self.head.forward(hidden))


class ModernBertForMaskedLM:
    # head, then the decoder: the token embeddings when tied, a bias when decoder_bias
    head : __torch__.modernbert.ModernBertPredictionHead
    decoder_weight : Tensor
    decoder_bias : Optional[Tensor]

    def __init__(self, w: __torch__.nn.Checkpoint, config: __torch__.nn.Config):
        self.head = __torch__.modernbert.ModernBertPredictionHead(w, config)
        if config.get_bool("tie_word_embeddings"):
            self.decoder_weight = w.get("model.embeddings.tok_embeddings.weight")
        else:
            self.decoder_weight = w.get("decoder.weight")
        if config.get_bool("decoder_bias"):
            self.decoder_bias = w.get("decoder.bias")
        else:
            self.decoder_bias = None

    def forward(self, hidden: Tensor, attention_mask: Tensor) -> Tensor:
        return __torch__.nn.linear(self.head.forward(hidden), self.decoder_weight, self.decoder_bias)


def build(w: __torch__.nn.Checkpoint, config: __torch__.nn.Config) -> __torch__.program.Encoder:
    body = __torch__.modernbert.ModernBertModel(w, "model", config)
    head = config.get_str("head")
    if head == "sequence_classification":
        return __torch__.program.Encoder(body, __torch__.modernbert.ModernBertForSequenceClassification(w, config))
    if head == "token_classification":
        return __torch__.program.Encoder(body, __torch__.modernbert.ModernBertPerToken(w, config))
    if head == "masked_lm":
        return __torch__.program.Encoder(body, __torch__.modernbert.ModernBertForMaskedLM(w, config))
    return __torch__.program.Encoder(body, __torch__.program.IdentityHead())
