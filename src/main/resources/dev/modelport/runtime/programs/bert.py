# BERT, as transformers' models/bert/modeling_bert.py computes it (eval mode: no dropout), with
# attention through scaled_dot_product_attention. RoBERTa and XLM-R reuse the layers (roberta.py).
# Checkpoint keys are transformers' own, e.g. bert.encoder.layer.0.attention.self.query.weight.


class BertEmbeddings:
    word_embeddings : Tensor
    position_embeddings : Tensor
    token_type_embeddings : Tensor
    LayerNorm : __torch__.nn.LayerNorm

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        self.word_embeddings = w.get(prefix + ".word_embeddings.weight")
        self.position_embeddings = w.get(prefix + ".position_embeddings.weight")
        self.token_type_embeddings = w.get(prefix + ".token_type_embeddings.weight")
        self.LayerNorm = __torch__.nn.LayerNorm(w, prefix + ".LayerNorm", config.get_float("layer_norm_eps"))

    def forward(self, input_ids: Tensor, token_type_ids: Tensor, position_ids: Tensor) -> Tensor:
        embeddings = torch.embedding(self.word_embeddings, input_ids) + torch.embedding(self.token_type_embeddings, token_type_ids)
        embeddings = embeddings + torch.embedding(self.position_embeddings, position_ids)
        return self.LayerNorm.forward(embeddings)


class BertLayer:
    # BertAttention (BertSelfAttention + BertSelfOutput), BertIntermediate, BertOutput
    query : __torch__.nn.Linear
    key : __torch__.nn.Linear
    value : __torch__.nn.Linear
    attention_output : __torch__.nn.Linear
    attention_norm : __torch__.nn.LayerNorm
    intermediate : __torch__.nn.Linear
    output : __torch__.nn.Linear
    output_norm : __torch__.nn.LayerNorm
    heads : int
    head_dim : int
    act : str

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        eps = config.get_float("layer_norm_eps")
        self.query = __torch__.nn.Linear(w, prefix + ".attention.self.query", True)
        self.key = __torch__.nn.Linear(w, prefix + ".attention.self.key", True)
        self.value = __torch__.nn.Linear(w, prefix + ".attention.self.value", True)
        self.attention_output = __torch__.nn.Linear(w, prefix + ".attention.output.dense", True)
        self.attention_norm = __torch__.nn.LayerNorm(w, prefix + ".attention.output.LayerNorm", eps)
        self.intermediate = __torch__.nn.Linear(w, prefix + ".intermediate.dense", True)
        self.output = __torch__.nn.Linear(w, prefix + ".output.dense", True)
        self.output_norm = __torch__.nn.LayerNorm(w, prefix + ".output.LayerNorm", eps)
        self.heads = config.get_int("num_attention_heads")
        self.head_dim = config.get_int("hidden_size") // self.heads
        self.act = config.get_str("hidden_act")

    def forward(self, hidden: Tensor, mask: Tensor) -> Tensor:
        q = __torch__.nn.split_heads(self.query.forward(hidden), self.heads, self.head_dim)
        k = __torch__.nn.split_heads(self.key.forward(hidden), self.heads, self.head_dim)
        v = __torch__.nn.split_heads(self.value.forward(hidden), self.heads, self.head_dim)
        context = __torch__.nn.merge_heads(torch.scaled_dot_product_attention(q, k, v, attn_mask=mask))
        attended = self.attention_norm.forward(self.attention_output.forward(context) + hidden)
        inner = __torch__.nn.activation(self.intermediate.forward(attended), self.act)
        return self.output_norm.forward(self.output.forward(inner) + attended)


class BertEncoder:
    layer : List[__torch__.bert.BertLayer]

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        self.layer = [__torch__.bert.BertLayer(w, prefix + ".layer." + str(i), config)
                      for i in range(config.get_int("num_hidden_layers"))]

    def forward(self, hidden: Tensor, attention_mask: Tensor) -> Tensor:
        mask = __torch__.nn.padding_mask(attention_mask)
        for layer in self.layer:
            hidden = layer.forward(hidden, mask)
        return hidden


class BertModel:
    embeddings : __torch__.bert.BertEmbeddings
    encoder : __torch__.bert.BertEncoder

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        self.embeddings = __torch__.bert.BertEmbeddings(w, prefix + ".embeddings", config)
        self.encoder = __torch__.bert.BertEncoder(w, prefix + ".encoder", config)

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor) -> Tensor:
        position_ids = torch.arange(input_ids.size(1), device=input_ids.device).unsqueeze(0).expand_as(input_ids)
        return self.encoder.forward(self.embeddings.forward(input_ids, token_type_ids, position_ids), attention_mask)


class BertForSequenceClassification:
    # BertPooler (dense + tanh on the first token), then the classifier
    pooler : __torch__.nn.Linear
    classifier : __torch__.nn.Linear

    def __init__(self, w: __torch__.nn.Checkpoint, config: __torch__.nn.Config):
        self.pooler = __torch__.nn.Linear(w, "bert.pooler.dense", True)
        self.classifier = __torch__.nn.Linear(w, "classifier", True)

    def forward(self, hidden: Tensor, attention_mask: Tensor) -> Tensor:
        pooled = torch.tanh(self.pooler.forward(hidden[:, 0]))
        return self.classifier.forward(pooled)


class PerTokenLinear:
    # BertForTokenClassification's classifier, BertForQuestionAnswering's qa_outputs
    linear : __torch__.nn.Linear

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str):
        self.linear = __torch__.nn.Linear(w, prefix, True)

    def forward(self, hidden: Tensor, attention_mask: Tensor) -> Tensor:
        return self.linear.forward(hidden)


def build(w: __torch__.nn.Checkpoint, config: __torch__.nn.Config) -> __torch__.program.Encoder:
    body = __torch__.bert.BertModel(w, "bert", config)
    head = config.get_str("head")
    if head == "sequence_classification":
        return __torch__.program.Encoder(body, __torch__.bert.BertForSequenceClassification(w, config))
    if head == "token_classification":
        return __torch__.program.Encoder(body, __torch__.bert.PerTokenLinear(w, "classifier"))
    if head == "question_answering":
        return __torch__.program.Encoder(body, __torch__.bert.PerTokenLinear(w, "qa_outputs"))
    if head == "masked_lm":
        # BertLMPredictionHead: transform, then the decoder (the word embeddings unless stored apart)
        decoder = "bert.embeddings.word_embeddings.weight" if config.get_bool("tie_word_embeddings") else "cls.predictions.decoder.weight"
        return __torch__.program.Encoder(body, __torch__.nn.MaskedLMHead(w, "cls.predictions.transform.dense",
                                         "cls.predictions.transform.LayerNorm", config.get_float("layer_norm_eps"),
                                         config.get_str("hidden_act"), decoder, "cls.predictions.bias"))
    return __torch__.program.Encoder(body, __torch__.program.IdentityHead())
