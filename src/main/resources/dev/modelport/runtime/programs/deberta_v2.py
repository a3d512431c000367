# DeBERTa-v2 and DeBERTa-v3, as transformers' models/deberta_v2/modeling_deberta_v2.py computes them
# (eval mode): disentangled self-attention, whose scores add to content-to-content the
# content-to-position (c2p) and position-to-content (p2c) terms read from a table of relative
# position embeddings (log buckets when position_buckets > 0), all scaled by
# 1/sqrt(head_dim * (1 + number of position terms)); position projections shared with the content
# ones (share_att_key) or their own (pos_key_proj, pos_query_proj); optional absolute positions,
# token types, a LayerNorm on the relative embeddings and a convolution after the first layer.
# The attention runs through scaled_dot_product_attention with the position terms and the padding
# as one additive mask. Keys as transformers saves them, e.g.
# deberta.encoder.layer.0.attention.self.query_proj.weight.


def make_log_bucket_position(relative_pos: Tensor, bucket_size: int, max_position: int) -> Tensor:
    # the same steps and dtypes as transformers' scripted function
    sign = torch.sign(relative_pos)
    mid = bucket_size // 2
    abs_pos = torch.where((relative_pos < mid) & (relative_pos > -mid),
                          torch.tensor(mid - 1, dtype=torch.int64, device=relative_pos.device), torch.abs(relative_pos))
    ratio = torch.tensor(float(max_position - 1) / mid, dtype=torch.float32, device=relative_pos.device)
    log_pos = torch.ceil(torch.log(abs_pos / mid) / torch.log(ratio) * (mid - 1)) + mid
    bucket_pos = torch.where(abs_pos <= mid, relative_pos.to(log_pos.dtype), log_pos * sign)
    return bucket_pos


def build_relative_position(size: int, bucket_size: int, max_position: int, device: Device) -> Tensor:
    # [T, T]: query position minus key position, bucketed when buckets are configured
    ids = torch.arange(size, dtype=torch.int64, device=device)
    rel = ids[:, None] - ids[None, :]
    if bucket_size > 0 and max_position > 0:
        rel = __torch__.deberta_v2.make_log_bucket_position(rel, bucket_size, max_position)
    return rel.to(torch.int64)


class DisentangledSelfAttention:
    query_proj : __torch__.nn.Linear
    key_proj : __torch__.nn.Linear
    value_proj : __torch__.nn.Linear
    pos_key_proj : Optional[__torch__.nn.Linear]
    pos_query_proj : Optional[__torch__.nn.Linear]
    heads : int
    head_dim : int
    c2p : bool
    p2c : bool
    scale : float
    att_span : int

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        self.query_proj = __torch__.nn.Linear(w, prefix + ".query_proj", True)
        self.key_proj = __torch__.nn.Linear(w, prefix + ".key_proj", True)
        self.value_proj = __torch__.nn.Linear(w, prefix + ".value_proj", True)
        types = config.get_strs("pos_att_type")
        self.c2p = "c2p" in types
        self.p2c = "p2c" in types
        self.pos_key_proj = None
        self.pos_query_proj = None
        if not config.get_bool("share_att_key"):
            if self.c2p:
                self.pos_key_proj = __torch__.nn.Linear(w, prefix + ".pos_key_proj", True)
            if self.p2c:
                self.pos_query_proj = __torch__.nn.Linear(w, prefix + ".pos_query_proj", True)
        self.heads = config.get_int("num_attention_heads")
        self.head_dim = config.get_int("attention_head_size")
        factor = 1
        if self.c2p:
            factor += 1
        if self.p2c:
            factor += 1
        # scaled_size_sqrt: sqrt(head_dim * factor) as a float32 tensor; every term is divided by it
        self.scale = float(torch.sqrt(torch.tensor(float(self.head_dim * factor), dtype=torch.float32)).item())
        self.att_span = config.get_int("pos_ebd_size")

    def positions(self, proj: Optional[__torch__.nn.Linear], shared: __torch__.nn.Linear, rel_embeddings: Tensor) -> Tensor:
        # the relative embeddings through a projection: [1, heads, 2 * span, head_dim]
        if proj is None:
            out = shared.forward(rel_embeddings)
        else:
            out = proj.forward(rel_embeddings)
        return __torch__.nn.split_heads(out, self.heads, self.head_dim)

    def forward(self, hidden: Tensor, padding: Tensor, relative_pos: Tensor, rel_embeddings: Tensor, first: int) -> Tensor:
        # rel_embeddings: the rows first.. of the (normed) table that this sequence's relative
        # positions reach (DebertaV2Model.forward); transformers projects all 2 * span rows and
        # gathers from them, the rows gathered and their values are the same
        q = __torch__.nn.split_heads(self.query_proj.forward(hidden), self.heads, self.head_dim)
        k = __torch__.nn.split_heads(self.key_proj.forward(hidden), self.heads, self.head_dim)
        v = __torch__.nn.split_heads(self.value_proj.forward(hidden), self.heads, self.head_dim)
        t = hidden.size(1)
        span = self.att_span
        rel = rel_embeddings.unsqueeze(0)
        bias = padding
        index = relative_pos.unsqueeze(0).unsqueeze(0).expand([q.size(0), self.heads, t, t])
        if self.c2p:
            pos_key = self.positions(self.pos_key_proj, self.key_proj, rel)
            c2p_att = torch.matmul(q, pos_key.transpose(-1, -2))
            c2p_pos = torch.clamp(index + span, 0, span * 2 - 1) - first
            bias = bias + torch.gather(c2p_att, -1, c2p_pos) / self.scale
        if self.p2c:
            pos_query = self.positions(self.pos_query_proj, self.query_proj, rel)
            p2c_att = torch.matmul(k, pos_query.transpose(-1, -2))
            p2c_pos = torch.clamp(-index + span, 0, span * 2 - 1) - first
            bias = bias + torch.gather(p2c_att, -1, p2c_pos).transpose(-1, -2) / self.scale
        context = torch.scaled_dot_product_attention(q, k, v, attn_mask=bias, scale=1.0 / self.scale)
        return __torch__.nn.merge_heads(context)


class DebertaV2Layer:
    attention : __torch__.deberta_v2.DisentangledSelfAttention
    attention_output : __torch__.nn.Linear
    attention_norm : __torch__.nn.LayerNorm
    intermediate : __torch__.nn.Linear
    output : __torch__.nn.Linear
    output_norm : __torch__.nn.LayerNorm
    act : str

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        eps = config.get_float("layer_norm_eps")
        self.attention = __torch__.deberta_v2.DisentangledSelfAttention(w, prefix + ".attention.self", config)
        self.attention_output = __torch__.nn.Linear(w, prefix + ".attention.output.dense", True)
        self.attention_norm = __torch__.nn.LayerNorm(w, prefix + ".attention.output.LayerNorm", eps)
        self.intermediate = __torch__.nn.Linear(w, prefix + ".intermediate.dense", True)
        self.output = __torch__.nn.Linear(w, prefix + ".output.dense", True)
        self.output_norm = __torch__.nn.LayerNorm(w, prefix + ".output.LayerNorm", eps)
        self.act = config.get_str("hidden_act")

    def forward(self, hidden: Tensor, padding: Tensor, relative_pos: Tensor, rel_embeddings: Tensor, first: int) -> Tensor:
        context = self.attention.forward(hidden, padding, relative_pos, rel_embeddings, first)
        attended = self.attention_norm.forward(self.attention_output.forward(context) + hidden)
        inner = __torch__.nn.activation(self.intermediate.forward(attended), self.act)
        return self.output_norm.forward(self.output.forward(inner) + attended)


class ConvLayer:
    # after the first layer: conv1d over the embeddings' output, padded positions zeroed,
    # conv_act, LayerNorm with the first layer's output, times the mask
    weight : Tensor
    bias : Tensor
    norm : __torch__.nn.LayerNorm
    padding : int
    groups : int
    act : str

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        self.weight = w.get(prefix + ".conv.weight")
        self.bias = w.get(prefix + ".conv.bias")
        self.norm = __torch__.nn.LayerNorm(w, prefix + ".LayerNorm", config.get_float("layer_norm_eps"))
        self.padding = (config.get_int("conv_kernel_size") - 1) // 2
        self.groups = config.get_int("conv_groups")
        self.act = config.get_str("conv_act")

    def forward(self, embedded: Tensor, residual: Tensor, attention_mask: Tensor) -> Tensor:
        out = torch.conv1d(embedded.permute([0, 2, 1]).contiguous(), self.weight, self.bias, [1], [self.padding], [1],
                           self.groups).permute([0, 2, 1])
        keep = attention_mask.to(torch.bool).unsqueeze(-1)
        out = out.masked_fill(keep.logical_not(), 0.0)
        out = __torch__.nn.activation(out, self.act)
        return self.norm.forward(residual + out) * attention_mask.unsqueeze(2).to(out.dtype)


class DebertaV2Model:
    word_embeddings : Tensor
    position_embeddings : Optional[Tensor]
    token_type_embeddings : Optional[Tensor]
    embed_proj : Optional[__torch__.nn.Linear]
    embeddings_norm : __torch__.nn.LayerNorm
    layer : List[__torch__.deberta_v2.DebertaV2Layer]
    rel_embeddings : Tensor
    rel_norm : Optional[__torch__.nn.LayerNorm]
    conv : Optional[__torch__.deberta_v2.ConvLayer]
    position_buckets : int
    max_relative_positions : int
    att_span : int

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        eps = config.get_float("layer_norm_eps")
        self.word_embeddings = w.get(prefix + ".embeddings.word_embeddings.weight")
        if config.get_bool("position_biased_input"):
            self.position_embeddings = w.get(prefix + ".embeddings.position_embeddings.weight")
        else:
            self.position_embeddings = None
        if config.get_int("type_vocab_size") > 0:
            self.token_type_embeddings = w.get(prefix + ".embeddings.token_type_embeddings.weight")
        else:
            self.token_type_embeddings = None
        if config.get_int("embedding_size") != config.get_int("hidden_size"):
            self.embed_proj = __torch__.nn.Linear(w, prefix + ".embeddings.embed_proj", False)
        else:
            self.embed_proj = None
        self.embeddings_norm = __torch__.nn.LayerNorm(w, prefix + ".embeddings.LayerNorm", eps)
        self.layer = [__torch__.deberta_v2.DebertaV2Layer(w, prefix + ".encoder.layer." + str(i), config)
                      for i in range(config.get_int("num_hidden_layers"))]
        self.rel_embeddings = w.get(prefix + ".encoder.rel_embeddings.weight")
        if config.get_bool("norm_rel_ebd_layer_norm"):
            self.rel_norm = __torch__.nn.LayerNorm(w, prefix + ".encoder.LayerNorm", eps)
        else:
            self.rel_norm = None
        if config.get_int("conv_kernel_size") > 0:
            self.conv = __torch__.deberta_v2.ConvLayer(w, prefix + ".encoder.conv", config)
        else:
            self.conv = None
        self.position_buckets = config.get_int("position_buckets")
        self.max_relative_positions = config.get_int("max_relative_positions")
        self.att_span = config.get_int("pos_ebd_size")

    def embed(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor) -> Tensor:
        embeddings = torch.embedding(self.word_embeddings, input_ids)
        position_embeddings = self.position_embeddings
        if position_embeddings is not None:
            positions = torch.arange(input_ids.size(1), dtype=torch.int64, device=input_ids.device).unsqueeze(0)
            embeddings = embeddings + torch.embedding(position_embeddings, positions)
        token_type_embeddings = self.token_type_embeddings
        if token_type_embeddings is not None:
            embeddings = embeddings + torch.embedding(token_type_embeddings, token_type_ids)
        embed_proj = self.embed_proj
        if embed_proj is not None:
            embeddings = embed_proj.forward(embeddings)
        embeddings = self.embeddings_norm.forward(embeddings)
        return embeddings * attention_mask.unsqueeze(2).to(embeddings.dtype)

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor) -> Tensor:
        embedded = self.embed(input_ids, attention_mask, token_type_ids)
        t = input_ids.size(1)
        relative_pos = __torch__.deberta_v2.build_relative_position(t, self.position_buckets, self.max_relative_positions,
                                                                     input_ids.device)
        # the table rows the relative positions reach, clamp(±rel + span): relative positions are
        # symmetric, so [span - m, span + m] for m the largest |position| (every row is normed and
        # projected alone, so taking them first changes no value)
        span = self.att_span
        reach = int(torch.max(torch.abs(relative_pos)).item())
        first = max(0, span - reach)
        last = min(2 * span - 1, span + reach)
        rel_embeddings = self.rel_embeddings[first:last + 1]
        rel_norm = self.rel_norm
        if rel_norm is not None:
            rel_embeddings = rel_norm.forward(rel_embeddings)
        padding = torch.zeros([input_ids.size(0), 1, 1, t], dtype=embedded.dtype, device=embedded.device)
        padding = padding.masked_fill(__torch__.nn.padding_mask(attention_mask).logical_not(), float("-inf"))
        hidden = embedded
        for i, layer in enumerate(self.layer):
            hidden = layer.forward(hidden, padding, relative_pos, rel_embeddings, first)
            conv = self.conv
            if i == 0 and conv is not None:
                hidden = conv.forward(embedded, hidden, attention_mask)
        return hidden


class ContextPooler:
    # dense and pooler_hidden_act on the first token, then the classifier
    dense : __torch__.nn.Linear
    classifier : __torch__.nn.Linear
    act : str

    def __init__(self, w: __torch__.nn.Checkpoint, config: __torch__.nn.Config):
        self.dense = __torch__.nn.Linear(w, "pooler.dense", True)
        self.classifier = __torch__.nn.Linear(w, "classifier", True)
        self.act = config.get_str("pooler_hidden_act")

    def forward(self, hidden: Tensor, attention_mask: Tensor) -> Tensor:
        pooled = __torch__.nn.activation(self.dense.forward(hidden[:, 0]), self.act)
        return self.classifier.forward(pooled)


def build(w: __torch__.nn.Checkpoint, config: __torch__.nn.Config) -> __torch__.program.Encoder:
    body = __torch__.deberta_v2.DebertaV2Model(w, "deberta", config)
    head = config.get_str("head")
    if head == "sequence_classification":
        return __torch__.program.Encoder(body, __torch__.deberta_v2.ContextPooler(w, config))
    if head == "token_classification":
        return __torch__.program.Encoder(body, __torch__.bert.PerTokenLinear(w, "classifier"))
    if head == "question_answering":
        return __torch__.program.Encoder(body, __torch__.bert.PerTokenLinear(w, "qa_outputs"))
    return __torch__.program.Encoder(body, __torch__.program.IdentityHead())
