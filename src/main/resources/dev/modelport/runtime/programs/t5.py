# T5ForConditionalGeneration (t5-*, flan-t5-*, t5 v1.1), as transformers' models/t5/modeling_t5.py
# computes it in eval mode: T5's LayerNorm (a scale, no mean, no bias; the variance in float32, the
# output at the weight's dtype), no biases anywhere, attention without 1/sqrt(d) scaling plus a
# relative position bias from buckets that the first layer of each stack owns and every layer of that
# stack adds (bidirectional in the encoder, causal in the decoder; the cross-attention has none), a
# relu (t5) or gated (gated-gelu: flan-t5, v1.1) feed-forward whose output projection wo stays in
# float32 (transformers' _keep_in_fp32_modules: under bfloat16 the residual stream then becomes
# float32, as it does in transformers), and an lm_head that is the shared embedding, its decoder
# output scaled by d_model ** -0.5 (tie_word_embeddings), or a weight of its own (flan-t5).
# Checkpoint keys are transformers' own, e.g. encoder.block.0.layer.0.SelfAttention.q.weight.


class T5LayerNorm:
    weight : Tensor
    eps : float

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, eps: float):
        self.weight = w.get(prefix + ".weight")
        self.eps = eps

    def forward(self, x: Tensor) -> Tensor:
        variance = x.to(torch.float32).pow(2).mean(-1, keepdim=True)
        h = x * torch.rsqrt(variance + self.eps)
        return self.weight * h.to(self.weight.dtype)


def relative_position_bucket(relative_position: Tensor, bidirectional: bool, num_buckets: int,
                             max_distance: int) -> Tensor:
    # T5Attention._relative_position_bucket, the same integer and float32 steps
    relative_buckets = torch.zeros_like(relative_position)
    if bidirectional:
        num_buckets = num_buckets // 2
        relative_buckets = relative_buckets + (relative_position > 0).to(torch.int64) * num_buckets
        relative_position = torch.abs(relative_position)
    else:
        relative_position = -torch.min(relative_position, torch.zeros_like(relative_position))
    max_exact = num_buckets // 2
    is_small = relative_position < max_exact
    scaled = torch.log(relative_position.to(torch.float32) / max_exact) / torch.log(float(max_distance) / max_exact) \
        * (num_buckets - max_exact)
    if_large = max_exact + scaled.to(torch.int64)
    if_large = torch.min(if_large, torch.full_like(if_large, num_buckets - 1))
    return relative_buckets + torch.where(is_small, relative_position, if_large)


class T5RelativeBias:
    # relative_attention_bias of a stack's first self-attention: [buckets, heads]
    table : Tensor
    bidirectional : bool
    num_buckets : int
    max_distance : int

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, bidirectional: bool, config: __torch__.nn.Config):
        self.table = w.get(prefix + ".relative_attention_bias.weight")
        self.bidirectional = bidirectional
        self.num_buckets = config.get_int("relative_attention_num_buckets")
        self.max_distance = config.get_int("relative_attention_max_distance")

    def forward(self, query_length: int, key_length: int, past: int) -> Tensor:
        # T5Attention.compute_bias: [1, heads, query_length, key_length]
        device = self.table.device
        context = torch.arange(query_length, dtype=torch.int64, device=device).unsqueeze(1) + past
        memory = torch.arange(key_length, dtype=torch.int64, device=device).unsqueeze(0)
        buckets = __torch__.t5.relative_position_bucket(memory - context, self.bidirectional, self.num_buckets,
                                                        self.max_distance)
        return torch.embedding(self.table, buckets).permute([2, 0, 1]).unsqueeze(0)


class T5Attention:
    q : __torch__.nn.Linear
    k : __torch__.nn.Linear
    v : __torch__.nn.Linear
    o : __torch__.nn.Linear
    heads : int
    d_kv : int

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        self.q = __torch__.nn.Linear(w, prefix + ".q", False)
        self.k = __torch__.nn.Linear(w, prefix + ".k", False)
        self.v = __torch__.nn.Linear(w, prefix + ".v", False)
        self.o = __torch__.nn.Linear(w, prefix + ".o", False)
        self.heads = config.get_int("num_heads")
        self.d_kv = config.get_int("d_kv")

    def split(self, x: Tensor) -> Tensor:
        return __torch__.nn.split_heads(x, self.heads, self.d_kv)


class T5FeedForward:
    # T5DenseActDense (wi, act, wo) or T5DenseGatedActDense (act(wi_0) * wi_1, wo); wo in float32
    # when the model computes in a 16-bit dtype, its input cast up to it, as transformers does
    gated : bool
    wi : __torch__.nn.Linear
    wi_1 : Optional[__torch__.nn.Linear]
    wo : __torch__.nn.Linear
    act : str

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        self.gated = config.get_bool("is_gated_act")
        if self.gated:
            self.wi = __torch__.nn.Linear(w, prefix + ".wi_0", False)
            self.wi_1 = __torch__.nn.Linear(w, prefix + ".wi_1", False)
        else:
            self.wi = __torch__.nn.Linear(w, prefix + ".wi", False)
            self.wi_1 = None
        self.wo = __torch__.nn.Linear(w, prefix + ".wo", False)
        if self.wo.packed is None and self.wo.weight.dtype != torch.float32:
            self.wo.weight = self.wo.weight.to(torch.float32)
        self.act = config.get_str("dense_act_fn")

    def forward(self, x: Tensor) -> Tensor:
        h = __torch__.nn.activation(self.wi.forward(x), self.act)
        wi_1 = self.wi_1
        if wi_1 is not None:
            h = h * wi_1.forward(x)
        if self.wo.packed is None:
            h = h.to(self.wo.weight.dtype)
        return self.wo.forward(h)


class T5EncoderBlock:
    self_norm : __torch__.t5.T5LayerNorm
    self_attn : __torch__.t5.T5Attention
    ff_norm : __torch__.t5.T5LayerNorm
    ff : __torch__.t5.T5FeedForward

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        eps = config.get_float("layer_norm_epsilon")
        self.self_norm = __torch__.t5.T5LayerNorm(w, prefix + ".layer.0.layer_norm", eps)
        self.self_attn = __torch__.t5.T5Attention(w, prefix + ".layer.0.SelfAttention", config)
        self.ff_norm = __torch__.t5.T5LayerNorm(w, prefix + ".layer.1.layer_norm", eps)
        self.ff = __torch__.t5.T5FeedForward(w, prefix + ".layer.1.DenseReluDense", config)

    def forward(self, x: Tensor, bias: Tensor) -> Tensor:
        # bias [B, heads, T, T]: the relative position bias, -inf at padded keys
        h = self.self_norm.forward(x)
        attn = self.self_attn
        q = attn.split(attn.q.forward(h))
        k = attn.split(attn.k.forward(h))
        v = attn.split(attn.v.forward(h))
        context = torch.scaled_dot_product_attention(q, k, v, attn_mask=bias.to(q.dtype), scale=1.0)
        x = __torch__.seq2seq.clamp_float16(x + attn.o.forward(__torch__.nn.merge_heads(context)), True)
        return __torch__.seq2seq.clamp_float16(x + self.ff.forward(self.ff_norm.forward(x)), True)


class T5DecoderBlock:
    self_norm : __torch__.t5.T5LayerNorm
    self_attn : __torch__.t5.T5Attention
    cross_norm : __torch__.t5.T5LayerNorm
    cross_attn : __torch__.t5.T5Attention
    ff_norm : __torch__.t5.T5LayerNorm
    ff : __torch__.t5.T5FeedForward
    layer : int

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, layer: int, config: __torch__.nn.Config):
        eps = config.get_float("layer_norm_epsilon")
        self.self_norm = __torch__.t5.T5LayerNorm(w, prefix + ".layer.0.layer_norm", eps)
        self.self_attn = __torch__.t5.T5Attention(w, prefix + ".layer.0.SelfAttention", config)
        self.cross_norm = __torch__.t5.T5LayerNorm(w, prefix + ".layer.1.layer_norm", eps)
        self.cross_attn = __torch__.t5.T5Attention(w, prefix + ".layer.1.EncDecAttention", config)
        self.ff_norm = __torch__.t5.T5LayerNorm(w, prefix + ".layer.2.layer_norm", eps)
        self.ff = __torch__.t5.T5FeedForward(w, prefix + ".layer.2.DenseReluDense", config)
        self.layer = layer

    def cross(self, hidden: Tensor) -> Tuple[Tensor, Tensor]:
        attn = self.cross_attn
        return attn.split(attn.k.forward(hidden)), attn.split(attn.v.forward(hidden))

    def forward(self, x: Tensor, biases: List[Tensor], caches: List[__torch__.nn.Seq2SeqCache]) -> Tensor:
        h = self.self_norm.forward(x)
        attn = self.self_attn
        attended = __torch__.seq2seq.self_attend(attn.split(attn.q.forward(h)), attn.split(attn.k.forward(h)),
                                                 attn.split(attn.v.forward(h)), caches, self.layer, 1.0, biases)
        x = __torch__.seq2seq.clamp_float16(x + attn.o.forward(__torch__.nn.merge_heads(attended)), True)
        h = self.cross_norm.forward(x)
        cross = self.cross_attn
        attended = __torch__.seq2seq.cross_attend(cross.split(cross.q.forward(h)), caches, self.layer, 1.0)
        x = __torch__.seq2seq.clamp_float16(x + cross.o.forward(__torch__.nn.merge_heads(attended)), True)
        return __torch__.seq2seq.clamp_float16(x + self.ff.forward(self.ff_norm.forward(x)), True)


class T5Model:
    shared : Tensor
    encoder_blocks : List[__torch__.t5.T5EncoderBlock]
    encoder_bias : __torch__.t5.T5RelativeBias
    encoder_norm : __torch__.t5.T5LayerNorm
    decoder_blocks : List[__torch__.t5.T5DecoderBlock]
    decoder_bias : __torch__.t5.T5RelativeBias
    decoder_norm : __torch__.t5.T5LayerNorm
    lm_head : Tensor
    scale_decoder_outputs : bool
    output_scale : float

    def __init__(self, w: __torch__.nn.Checkpoint, config: __torch__.nn.Config):
        eps = config.get_float("layer_norm_epsilon")
        self.shared = w.get("shared.weight")
        self.encoder_blocks = [__torch__.t5.T5EncoderBlock(w, "encoder.block." + str(i), config)
                               for i in range(config.get_int("num_layers"))]
        self.encoder_bias = __torch__.t5.T5RelativeBias(w, "encoder.block.0.layer.0.SelfAttention", True, config)
        self.encoder_norm = __torch__.t5.T5LayerNorm(w, "encoder.final_layer_norm", eps)
        self.decoder_blocks = [__torch__.t5.T5DecoderBlock(w, "decoder.block." + str(i), i, config)
                               for i in range(config.get_int("num_decoder_layers"))]
        self.decoder_bias = __torch__.t5.T5RelativeBias(w, "decoder.block.0.layer.0.SelfAttention", False, config)
        self.decoder_norm = __torch__.t5.T5LayerNorm(w, "decoder.final_layer_norm", eps)
        if config.get_bool("tie_word_embeddings"):
            self.lm_head = self.shared
        else:
            self.lm_head = w.get("lm_head.weight")
        self.scale_decoder_outputs = config.get_bool("scale_decoder_outputs")
        self.output_scale = float(config.get_int("d_model")) ** -0.5

    def encode(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        x = torch.embedding(self.shared, input_ids)
        t = input_ids.size(1)
        bias = self.encoder_bias.forward(t, t, 0) + __torch__.seq2seq.padding_bias(attention_mask, x.dtype)
        for block in self.encoder_blocks:
            x = block.forward(x, bias)
        return self.encoder_norm.forward(x)

    def cross(self, hidden: Tensor) -> __torch__.nn.CrossAttention:
        keys = annotate(List[Tensor], [])
        values = annotate(List[Tensor], [])
        for block in self.decoder_blocks:
            k, v = block.cross(hidden)
            keys.append(k)
            values.append(v)
        return __torch__.nn.CrossAttention(keys, values, hidden.size(1))

    def decode(self, input_ids: Tensor, positions: Tensor, caches: List[__torch__.nn.Seq2SeqCache]) -> Tensor:
        x = torch.embedding(self.shared, input_ids)
        n = input_ids.size(1)
        biases = annotate(List[Tensor], [])
        for b in range(len(caches)):
            past = caches[b].self_attn.length
            biases.append(self.decoder_bias.forward(n, past + n, past).to(x.dtype))
        for block in self.decoder_blocks:
            x = block.forward(x, biases, caches)
        x = self.decoder_norm.forward(x)
        if self.scale_decoder_outputs:
            x = x * self.output_scale
        return __torch__.nn.linear(x, self.lm_head, None)


def build(w: __torch__.nn.Checkpoint, config: __torch__.nn.Config) -> __torch__.program.Seq2Seq:
    model = __torch__.t5.T5Model(w, config)
    return __torch__.seq2seq.Seq2SeqLM(model, config.get_int("num_decoder_layers"), config.get_int("num_heads"),
                                       config.get_int("d_kv"), config.get_int("context_length"), model.shared.dtype,
                                       model.shared.device)
