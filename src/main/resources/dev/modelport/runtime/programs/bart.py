# BartForConditionalGeneration and MarianMTModel, as transformers' models/bart/modeling_bart.py and
# models/marian/modeling_marian.py (whose layers are BART's) compute them in eval mode: post-norm
# encoder and decoder layers (attention, add, LayerNorm; fc1, activation, fc2, add, LayerNorm), biased
# projections, attention scaled by head_dim ** -0.5, word embeddings times sqrt(d_model) with
# scale_embedding, and the lm_head plus final_logits_bias. BART adds learned positions (the table
# offset by 2) and a LayerNorm over the embeddings (layernorm_embedding); Marian adds sinusoidal
# positions computed as transformers computes them (float64, sin in the first half of each vector
# and cos in the second, then float32), unless the checkpoint stores the table.
# Checkpoint keys are transformers' own, e.g. model.encoder.layers.0.self_attn.q_proj.weight.


class BartAttention:
    q_proj : __torch__.nn.Linear
    k_proj : __torch__.nn.Linear
    v_proj : __torch__.nn.Linear
    out_proj : __torch__.nn.Linear
    heads : int
    head_dim : int
    scaling : float

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, heads: int, config: __torch__.nn.Config):
        self.q_proj = __torch__.nn.Linear(w, prefix + ".q_proj", True)
        self.k_proj = __torch__.nn.Linear(w, prefix + ".k_proj", True)
        self.v_proj = __torch__.nn.Linear(w, prefix + ".v_proj", True)
        self.out_proj = __torch__.nn.Linear(w, prefix + ".out_proj", True)
        self.heads = heads
        self.head_dim = config.get_int("d_model") // heads
        self.scaling = float(self.head_dim) ** -0.5

    def split(self, x: Tensor) -> Tensor:
        return __torch__.nn.split_heads(x, self.heads, self.head_dim)


class BartEncoderLayer:
    self_attn : __torch__.bart.BartAttention
    self_attn_layer_norm : __torch__.nn.LayerNorm
    fc1 : __torch__.nn.Linear
    fc2 : __torch__.nn.Linear
    final_layer_norm : __torch__.nn.LayerNorm
    act : str

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        self.self_attn = __torch__.bart.BartAttention(w, prefix + ".self_attn", config.get_int("encoder_attention_heads"),
                                                      config)
        self.self_attn_layer_norm = __torch__.nn.LayerNorm(w, prefix + ".self_attn_layer_norm", 1e-5)
        self.fc1 = __torch__.nn.Linear(w, prefix + ".fc1", True)
        self.fc2 = __torch__.nn.Linear(w, prefix + ".fc2", True)
        self.final_layer_norm = __torch__.nn.LayerNorm(w, prefix + ".final_layer_norm", 1e-5)
        self.act = config.get_str("activation_function")

    def forward(self, x: Tensor, mask: Tensor) -> Tensor:
        attn = self.self_attn
        q = attn.split(attn.q_proj.forward(x))
        k = attn.split(attn.k_proj.forward(x))
        v = attn.split(attn.v_proj.forward(x))
        context = torch.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=attn.scaling)
        x = self.self_attn_layer_norm.forward(x + attn.out_proj.forward(__torch__.nn.merge_heads(context)))
        h = self.fc2.forward(__torch__.nn.activation(self.fc1.forward(x), self.act))
        return __torch__.seq2seq.clamp_float16(self.final_layer_norm.forward(x + h), False)


class BartDecoderLayer:
    self_attn : __torch__.bart.BartAttention
    self_attn_layer_norm : __torch__.nn.LayerNorm
    encoder_attn : __torch__.bart.BartAttention
    encoder_attn_layer_norm : __torch__.nn.LayerNorm
    fc1 : __torch__.nn.Linear
    fc2 : __torch__.nn.Linear
    final_layer_norm : __torch__.nn.LayerNorm
    act : str
    layer : int

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, layer: int, config: __torch__.nn.Config):
        heads = config.get_int("decoder_attention_heads")
        self.self_attn = __torch__.bart.BartAttention(w, prefix + ".self_attn", heads, config)
        self.self_attn_layer_norm = __torch__.nn.LayerNorm(w, prefix + ".self_attn_layer_norm", 1e-5)
        self.encoder_attn = __torch__.bart.BartAttention(w, prefix + ".encoder_attn", heads, config)
        self.encoder_attn_layer_norm = __torch__.nn.LayerNorm(w, prefix + ".encoder_attn_layer_norm", 1e-5)
        self.fc1 = __torch__.nn.Linear(w, prefix + ".fc1", True)
        self.fc2 = __torch__.nn.Linear(w, prefix + ".fc2", True)
        self.final_layer_norm = __torch__.nn.LayerNorm(w, prefix + ".final_layer_norm", 1e-5)
        self.act = config.get_str("activation_function")
        self.layer = layer

    def cross(self, hidden: Tensor) -> Tuple[Tensor, Tensor]:
        attn = self.encoder_attn
        return attn.split(attn.k_proj.forward(hidden)), attn.split(attn.v_proj.forward(hidden))

    def forward(self, x: Tensor, caches: List[__torch__.nn.Seq2SeqCache]) -> Tensor:
        attn = self.self_attn
        attended = __torch__.seq2seq.self_attend(attn.split(attn.q_proj.forward(x)), attn.split(attn.k_proj.forward(x)),
                                                 attn.split(attn.v_proj.forward(x)), caches, self.layer, attn.scaling,
                                                 annotate(List[Tensor], []))
        x = self.self_attn_layer_norm.forward(x + attn.out_proj.forward(__torch__.nn.merge_heads(attended)))
        cross = self.encoder_attn
        attended = __torch__.seq2seq.cross_attend(cross.split(cross.q_proj.forward(x)), caches, self.layer, cross.scaling)
        x = self.encoder_attn_layer_norm.forward(x + cross.out_proj.forward(__torch__.nn.merge_heads(attended)))
        h = self.fc2.forward(__torch__.nn.activation(self.fc1.forward(x), self.act))
        return self.final_layer_norm.forward(x + h)


def sinusoidal_positions(positions: int, dim: int, device: Device) -> Tensor:
    # MarianSinusoidalPositionalEmbedding.create_weight: pos / 10000 ** (2 * (j // 2) / dim) in
    # float64, the sines of the even columns in the first half and the cosines of the odd ones in the
    # second half, as float32
    j = torch.arange(dim, dtype=torch.int64, device=device)
    exponent = (2 * torch.div(j, 2, rounding_mode="floor")).to(torch.float64) / dim
    angles = torch.arange(positions, dtype=torch.int64, device=device).to(torch.float64).unsqueeze(1) \
        / torch.pow(10000.0, exponent).unsqueeze(0)
    sentinel = dim // 2 if dim % 2 == 0 else dim // 2 + 1
    out = torch.empty([positions, dim], dtype=torch.float32, device=device)
    out[:, 0:sentinel] = torch.sin(angles[:, 0::2]).to(torch.float32)
    out[:, sentinel:] = torch.cos(angles[:, 1::2]).to(torch.float32)
    return out


class BartModel:
    encoder_embed : Tensor
    decoder_embed : Tensor
    embed_scale : float
    encoder_positions : Tensor
    decoder_positions : Tensor
    position_offset : int
    encoder_layernorm : Optional[__torch__.nn.LayerNorm]
    decoder_layernorm : Optional[__torch__.nn.LayerNorm]
    encoder_layers : List[__torch__.bart.BartEncoderLayer]
    decoder_layers : List[__torch__.bart.BartDecoderLayer]
    lm_head : Tensor
    final_logits_bias : Optional[Tensor]

    def __init__(self, w: __torch__.nn.Checkpoint, config: __torch__.nn.Config):
        self.encoder_embed = w.get(config.get_str("encoder_embed"))
        self.decoder_embed = w.get(config.get_str("decoder_embed"))
        if config.get_str("lm_head") == config.get_str("decoder_embed"):
            self.lm_head = self.decoder_embed
        else:
            self.lm_head = w.get(config.get_str("lm_head"))
        d_model = config.get_int("d_model")
        self.embed_scale = float(d_model) ** 0.5 if config.get_bool("scale_embedding") else 1.0
        if config.get_str("positions") == "learned":
            self.encoder_positions = w.get("model.encoder.embed_positions.weight")
            self.decoder_positions = w.get("model.decoder.embed_positions.weight")
            self.position_offset = 2
        else:
            if w.has("model.encoder.embed_positions.weight"):
                self.encoder_positions = w.get("model.encoder.embed_positions.weight")
            else:
                self.encoder_positions = __torch__.bart.sinusoidal_positions(
                    config.get_int("max_position_embeddings"), d_model, self.encoder_embed.device).to(self.encoder_embed.dtype)
            if w.has("model.decoder.embed_positions.weight"):
                self.decoder_positions = w.get("model.decoder.embed_positions.weight")
            else:
                self.decoder_positions = __torch__.bart.sinusoidal_positions(
                    config.get_int("max_position_embeddings"), d_model, self.encoder_embed.device).to(self.encoder_embed.dtype)
            self.position_offset = 0
        if config.get_bool("layernorm_embedding"):
            self.encoder_layernorm = __torch__.nn.LayerNorm(w, "model.encoder.layernorm_embedding", 1e-5)
            self.decoder_layernorm = __torch__.nn.LayerNorm(w, "model.decoder.layernorm_embedding", 1e-5)
        else:
            self.encoder_layernorm = None
            self.decoder_layernorm = None
        self.encoder_layers = [__torch__.bart.BartEncoderLayer(w, "model.encoder.layers." + str(i), config)
                               for i in range(config.get_int("encoder_layers"))]
        self.decoder_layers = [__torch__.bart.BartDecoderLayer(w, "model.decoder.layers." + str(i), i, config)
                               for i in range(config.get_int("decoder_layers"))]
        if w.has("final_logits_bias"):
            self.final_logits_bias = w.get("final_logits_bias").reshape([-1])
        else:
            self.final_logits_bias = None

    def encode(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        x = torch.embedding(self.encoder_embed, input_ids) * self.embed_scale
        positions = torch.arange(input_ids.size(1), dtype=torch.int64, device=input_ids.device) + self.position_offset
        x = x + torch.embedding(self.encoder_positions, positions)
        norm = self.encoder_layernorm
        if norm is not None:
            x = norm.forward(x)
        mask = __torch__.nn.padding_mask(attention_mask)
        for layer in self.encoder_layers:
            x = layer.forward(x, mask)
        return x

    def cross(self, hidden: Tensor) -> __torch__.nn.CrossAttention:
        keys = annotate(List[Tensor], [])
        values = annotate(List[Tensor], [])
        for layer in self.decoder_layers:
            k, v = layer.cross(hidden)
            keys.append(k)
            values.append(v)
        return __torch__.nn.CrossAttention(keys, values, hidden.size(1))

    def decode(self, input_ids: Tensor, positions: Tensor, caches: List[__torch__.nn.Seq2SeqCache]) -> Tensor:
        x = torch.embedding(self.decoder_embed, input_ids) * self.embed_scale
        x = x + torch.embedding(self.decoder_positions, positions + self.position_offset)
        norm = self.decoder_layernorm
        if norm is not None:
            x = norm.forward(x)
        for layer in self.decoder_layers:
            x = layer.forward(x, caches)
        logits = __torch__.nn.linear(x, self.lm_head, None)
        bias = self.final_logits_bias
        if bias is not None:
            logits = logits + bias
        return logits


def build(w: __torch__.nn.Checkpoint, config: __torch__.nn.Config) -> __torch__.program.Seq2Seq:
    model = __torch__.bart.BartModel(w, config)
    heads = config.get_int("decoder_attention_heads")
    return __torch__.seq2seq.Seq2SeqLM(model, config.get_int("decoder_layers"), heads,
                                       config.get_int("d_model") // heads, config.get_int("context_length"),
                                       model.decoder_embed.dtype, model.decoder_embed.device)
