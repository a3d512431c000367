# RoBERTa and XLM-RoBERTa, as transformers' models/roberta/modeling_roberta.py computes them:
# BERT's layers (bert.py) under the roberta. prefix, positions counted from the padding index,
# and RoBERTa's own classification and LM heads.


class RobertaModel:
    embeddings : __torch__.bert.BertEmbeddings
    encoder : __torch__.bert.BertEncoder
    padding_idx : int

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, config: __torch__.nn.Config):
        self.embeddings = __torch__.bert.BertEmbeddings(w, prefix + ".embeddings", config)
        self.encoder = __torch__.bert.BertEncoder(w, prefix + ".encoder", config)
        self.padding_idx = config.get_int("pad_token_id")

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor) -> Tensor:
        # create_position_ids_from_input_ids: non-padding tokens count up from padding_idx + 1
        mask = input_ids.ne(self.padding_idx).to(torch.int32)
        position_ids = (torch.cumsum(mask, 1).to(torch.int32) * mask).to(torch.int64) + self.padding_idx
        return self.encoder.forward(self.embeddings.forward(input_ids, token_type_ids, position_ids), attention_mask)


class RobertaClassificationHead:
    # dense + tanh on the first token (<s>), then out_proj
    dense : __torch__.nn.Linear
    out_proj : __torch__.nn.Linear

    def __init__(self, w: __torch__.nn.Checkpoint):
        self.dense = __torch__.nn.Linear(w, "classifier.dense", True)
        self.out_proj = __torch__.nn.Linear(w, "classifier.out_proj", True)

    def forward(self, hidden: Tensor, attention_mask: Tensor) -> Tensor:
        return self.out_proj.forward(torch.tanh(self.dense.forward(hidden[:, 0])))


def build(w: __torch__.nn.Checkpoint, config: __torch__.nn.Config) -> __torch__.program.Encoder:
    body = __torch__.roberta.RobertaModel(w, "roberta", config)
    head = config.get_str("head")
    if head == "sequence_classification":
        return __torch__.program.Encoder(body, __torch__.roberta.RobertaClassificationHead(w))
    if head == "token_classification":
        return __torch__.program.Encoder(body, __torch__.bert.PerTokenLinear(w, "classifier"))
    if head == "question_answering":
        return __torch__.program.Encoder(body, __torch__.bert.PerTokenLinear(w, "qa_outputs"))
    if head == "masked_lm":
        # RobertaLMHead: dense, gelu whatever hidden_act says, layer_norm, then the decoder
        decoder = "roberta.embeddings.word_embeddings.weight" if config.get_bool("tie_word_embeddings") else "lm_head.decoder.weight"
        return __torch__.program.Encoder(body, __torch__.nn.MaskedLMHead(w, "lm_head.dense", "lm_head.layer_norm",
                                         config.get_float("layer_norm_eps"), "gelu", decoder, "lm_head.bias"))
    return __torch__.program.Encoder(body, __torch__.program.IdentityHead())
