# MPNet, as transformers' models/mpnet/modeling_mpnet.py computes it (eval mode): BERT-like
# layers whose attention adds a relative position bias (T5-style buckets, one table shared by
# every layer), positions counted from padding index 1 as RoBERTa counts them. Attention through
# scaled_dot_product_attention with the bias and the padding mask as one additive mask.
# Checkpoint keys are transformers' own, e.g. mpnet.encoder.layer.0.attention.attn.q.weight.


class MPNetEmbeddings:
    word_embeddings : Tensor
    position_embeddings : Tensor
    LayerNorm : __torch__.nn.LayerNorm

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        self.word_embeddings = w.get(prefix + ".word_embeddings.weight")
        self.position_embeddings = w.get(prefix + ".position_embeddings.weight")
        self.LayerNorm = __torch__.nn.LayerNorm(w, prefix + ".LayerNorm", config.get_float("layer_norm_eps"))

    def forward(self, input_ids: Tensor) -> Tensor:
        # create_position_ids_from_input_ids with MPNetEmbeddings.padding_idx, which is 1 whatever
        # config.json's pad_token_id says
        mask = input_ids.ne(1).to(torch.int32)
        position_ids = (torch.cumsum(mask, 1).to(torch.int32) * mask).to(torch.int64) + 1
        embeddings = torch.embedding(self.word_embeddings, input_ids) + torch.embedding(self.position_embeddings, position_ids)
        return self.LayerNorm.forward(embeddings)


class MPNetLayer:
    # MPNetAttention (MPNetSelfAttention q, k, v, o + LayerNorm), MPNetIntermediate, MPNetOutput
    q : __torch__.nn.Linear
    k : __torch__.nn.Linear
    v : __torch__.nn.Linear
    o : __torch__.nn.Linear
    attention_norm : __torch__.nn.LayerNorm
    intermediate : __torch__.nn.Linear
    output : __torch__.nn.Linear
    output_norm : __torch__.nn.LayerNorm
    heads : int
    head_dim : int
    act : str

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        eps = config.get_float("layer_norm_eps")
        self.q = __torch__.nn.Linear(w, prefix + ".attention.attn.q", True)
        self.k = __torch__.nn.Linear(w, prefix + ".attention.attn.k", True)
        self.v = __torch__.nn.Linear(w, prefix + ".attention.attn.v", True)
        self.o = __torch__.nn.Linear(w, prefix + ".attention.attn.o", True)
        self.attention_norm = __torch__.nn.LayerNorm(w, prefix + ".attention.LayerNorm", eps)
        self.intermediate = __torch__.nn.Linear(w, prefix + ".intermediate.dense", True)
        self.output = __torch__.nn.Linear(w, prefix + ".output.dense", True)
        self.output_norm = __torch__.nn.LayerNorm(w, prefix + ".output.LayerNorm", eps)
        self.heads = config.get_int("num_attention_heads")
        self.head_dim = config.get_int("hidden_size") // self.heads
        self.act = config.get_str("hidden_act")

    def forward(self, hidden: Tensor, bias: Tensor) -> Tensor:
        # bias [B, heads, T, T]: the relative position bias plus -inf at padded keys
        q = __torch__.nn.split_heads(self.q.forward(hidden), self.heads, self.head_dim)
        k = __torch__.nn.split_heads(self.k.forward(hidden), self.heads, self.head_dim)
        v = __torch__.nn.split_heads(self.v.forward(hidden), self.heads, self.head_dim)
        context = __torch__.nn.merge_heads(torch.scaled_dot_product_attention(q, k, v, attn_mask=bias))
        attended = self.attention_norm.forward(self.o.forward(context) + hidden)
        inner = __torch__.nn.activation(self.intermediate.forward(attended), self.act)
        return self.output_norm.forward(self.output.forward(inner) + attended)


def relative_position_bucket(relative_position: Tensor, num_buckets: int, max_distance: int) -> Tensor:
    # MPNetEncoder.relative_position_bucket, the same integer and float32 steps
    n = -relative_position
    num_buckets = num_buckets // 2
    ret = (n < 0).to(torch.int64) * num_buckets
    n = torch.abs(n)
    max_exact = num_buckets // 2
    is_small = n < max_exact
    scaled = torch.log(n.to(torch.float32) / max_exact) / torch.log(float(max_distance) / max_exact) * (num_buckets - max_exact)
    val_if_large = max_exact + scaled.to(torch.int64)
    val_if_large = torch.min(val_if_large, torch.full_like(val_if_large, num_buckets - 1))
    return ret + torch.where(is_small, n, val_if_large)


class MPNetEncoder:
    layer : List[__torch__.mpnet.MPNetLayer]
    relative_attention_bias : Tensor

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        self.layer = [__torch__.mpnet.MPNetLayer(w, prefix + ".layer." + str(i), config)
                      for i in range(config.get_int("num_hidden_layers"))]
        self.relative_attention_bias = w.get(prefix + ".relative_attention_bias.weight")

    def forward(self, hidden: Tensor, attention_mask: Tensor) -> Tensor:
        t = hidden.size(1)
        positions = torch.arange(t, dtype=torch.int64, device=hidden.device)
        relative = positions.unsqueeze(0) - positions.unsqueeze(1)
        # compute_position_bias calls relative_position_bucket with its default of 32 buckets
        # (and 128 as the largest distance), whatever relative_attention_num_buckets says
        buckets = __torch__.mpnet.relative_position_bucket(relative, 32, 128)
        values = torch.embedding(self.relative_attention_bias, buckets).permute([2, 0, 1]).unsqueeze(0)
        padding = torch.zeros([attention_mask.size(0), 1, 1, t], dtype=hidden.dtype, device=hidden.device)
        padding = padding.masked_fill(__torch__.nn.padding_mask(attention_mask).logical_not(), float("-inf"))
        bias = values.to(hidden.dtype) + padding
        for layer in self.layer:
            hidden = layer.forward(hidden, bias)
        return hidden


class MPNetModel:
    embeddings : __torch__.mpnet.MPNetEmbeddings
    encoder : __torch__.mpnet.MPNetEncoder

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        self.embeddings = __torch__.mpnet.MPNetEmbeddings(w, prefix + ".embeddings", config)
        self.encoder = __torch__.mpnet.MPNetEncoder(w, prefix + ".encoder", config)

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor) -> Tensor:
        return self.encoder.forward(self.embeddings.forward(input_ids), attention_mask)


def build(w: __torch__.nn.Checkpoint, config: __torch__.nn.Config) -> __torch__.program.Encoder:
    body = __torch__.mpnet.MPNetModel(w, "mpnet", config)
    head = config.get_str("head")
    if head == "sequence_classification":
        # MPNetClassificationHead: dense + tanh on <s>, out_proj (RoBERTa's head under the same keys)
        return __torch__.program.Encoder(body, __torch__.roberta.RobertaClassificationHead(w))
    if head == "token_classification":
        return __torch__.program.Encoder(body, __torch__.bert.PerTokenLinear(w, "classifier"))
    if head == "question_answering":
        return __torch__.program.Encoder(body, __torch__.bert.PerTokenLinear(w, "qa_outputs"))
    if head == "masked_lm":
        # MPNetLMHead: dense, gelu whatever hidden_act says, layer_norm, then the decoder
        decoder = "mpnet.embeddings.word_embeddings.weight" if config.get_bool("tie_word_embeddings") else "lm_head.decoder.weight"
        return __torch__.program.Encoder(body, __torch__.nn.MaskedLMHead(w, "lm_head.dense", "lm_head.layer_norm",
                                         config.get_float("layer_norm_eps"), "gelu", decoder, "lm_head.bias"))
    return __torch__.program.Encoder(body, __torch__.program.IdentityHead())
