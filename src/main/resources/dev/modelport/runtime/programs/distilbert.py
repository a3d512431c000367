# DistilBERT, as transformers' models/distilbert/modeling_distilbert.py computes it (eval mode),
# attention through scaled_dot_product_attention. Every LayerNorm uses eps 1e-12, as there.


class Embeddings:
    word_embeddings : Tensor
    position_embeddings : Tensor
    LayerNorm : __torch__.nn.LayerNorm

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str):
        self.word_embeddings = w.get(prefix + ".word_embeddings.weight")
        self.position_embeddings = w.get(prefix + ".position_embeddings.weight")
        self.LayerNorm = __torch__.nn.LayerNorm(w, prefix + ".LayerNorm", 1e-12)

    def forward(self, input_ids: Tensor) -> Tensor:
        position_ids = torch.arange(input_ids.size(1), device=input_ids.device).unsqueeze(0).expand_as(input_ids)
        embeddings = torch.embedding(self.word_embeddings, input_ids) + torch.embedding(self.position_embeddings, position_ids)
        return self.LayerNorm.forward(embeddings)


class TransformerBlock:
    # DistilBertSelfAttention (q_lin, k_lin, v_lin, out_lin), sa_layer_norm, FFN (lin1, lin2), output_layer_norm
    q_lin : __torch__.nn.Linear
    k_lin : __torch__.nn.Linear
    v_lin : __torch__.nn.Linear
    out_lin : __torch__.nn.Linear
    sa_layer_norm : __torch__.nn.LayerNorm
    lin1 : __torch__.nn.Linear
    lin2 : __torch__.nn.Linear
    output_layer_norm : __torch__.nn.LayerNorm
    heads : int
    head_dim : int
    activation : str

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        self.q_lin = __torch__.nn.Linear(w, prefix + ".attention.q_lin", True)
        self.k_lin = __torch__.nn.Linear(w, prefix + ".attention.k_lin", True)
        self.v_lin = __torch__.nn.Linear(w, prefix + ".attention.v_lin", True)
        self.out_lin = __torch__.nn.Linear(w, prefix + ".attention.out_lin", True)
        self.sa_layer_norm = __torch__.nn.LayerNorm(w, prefix + ".sa_layer_norm", 1e-12)
        self.lin1 = __torch__.nn.Linear(w, prefix + ".ffn.lin1", True)
        self.lin2 = __torch__.nn.Linear(w, prefix + ".ffn.lin2", True)
        self.output_layer_norm = __torch__.nn.LayerNorm(w, prefix + ".output_layer_norm", 1e-12)
        self.heads = config.get_int("n_heads")
        self.head_dim = config.get_int("dim") // self.heads
        self.activation = config.get_str("activation")

    def forward(self, x: Tensor, mask: Tensor) -> Tensor:
        q = __torch__.nn.split_heads(self.q_lin.forward(x), self.heads, self.head_dim)
        k = __torch__.nn.split_heads(self.k_lin.forward(x), self.heads, self.head_dim)
        v = __torch__.nn.split_heads(self.v_lin.forward(x), self.heads, self.head_dim)
        context = __torch__.nn.merge_heads(torch.scaled_dot_product_attention(q, k, v, attn_mask=mask))
        sa_output = self.sa_layer_norm.forward(self.out_lin.forward(context) + x)
        ffn_output = self.lin2.forward(__torch__.nn.activation(self.lin1.forward(sa_output), self.activation))
        return self.output_layer_norm.forward(ffn_output + sa_output)


class DistilBertModel:
    embeddings : __torch__.distilbert.Embeddings
    layer : List[__torch__.distilbert.TransformerBlock]

    def __init__(self, w: __torch__.nn.Checkpoint, config: __torch__.nn.Config):
        self.embeddings = __torch__.distilbert.Embeddings(w, "distilbert.embeddings")
        self.layer = [__torch__.distilbert.TransformerBlock(w, "distilbert.transformer.layer." + str(i), config)
                      for i in range(config.get_int("n_layers"))]

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor) -> Tensor:
        mask = __torch__.nn.padding_mask(attention_mask)
        hidden = self.embeddings.forward(input_ids)
        for layer in self.layer:
            hidden = layer.forward(hidden, mask)
        return hidden


class DistilBertForSequenceClassification:
    # pre_classifier + ReLU on the first token, then the classifier
    pre_classifier : __torch__.nn.Linear
    classifier : __torch__.nn.Linear

    def __init__(self, w: __torch__.nn.Checkpoint):
        self.pre_classifier = __torch__.nn.Linear(w, "pre_classifier", True)
        self.classifier = __torch__.nn.Linear(w, "classifier", True)

    def forward(self, hidden: Tensor, attention_mask: Tensor) -> Tensor:
        return self.classifier.forward(torch.relu(self.pre_classifier.forward(hidden[:, 0])))


def build(w: __torch__.nn.Checkpoint, config: __torch__.nn.Config) -> __torch__.program.Encoder:
    body = __torch__.distilbert.DistilBertModel(w, config)
    head = config.get_str("head")
    if head == "sequence_classification":
        return __torch__.program.Encoder(body, __torch__.distilbert.DistilBertForSequenceClassification(w))
    if head == "token_classification":
        return __torch__.program.Encoder(body, __torch__.bert.PerTokenLinear(w, "classifier"))
    if head == "question_answering":
        return __torch__.program.Encoder(body, __torch__.bert.PerTokenLinear(w, "qa_outputs"))
    if head == "masked_lm":
        # DistilBertForMaskedLM: vocab_transform, activation, vocab_layer_norm, vocab_projector
        projector = "distilbert.embeddings.word_embeddings.weight" if config.get_bool("tie_word_embeddings") else "vocab_projector.weight"
        return __torch__.program.Encoder(body, __torch__.nn.MaskedLMHead(w, "vocab_transform", "vocab_layer_norm", 1e-12,
                                         config.get_str("activation"), projector, "vocab_projector.bias"))
    return __torch__.program.Encoder(body, __torch__.program.IdentityHead())
