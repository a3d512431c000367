# The root module Java loads: Program. It takes the weights in (begin, put, build) and exposes one
# method per kind of call, an encoder's, a causal LM's or an encoder-decoder's; the architecture itself
# comes from __torch__.entry.build_encoder / build_decoder / build_seq2seq, a small file the Java side
# writes into the archive naming the family's build function (e.g. __torch__.bert.build) for the kind
# it is, and None for the others.
#
# What leaves a program for Java is float32 on the CPU, or an opaque object (a KvCache) that Java
# only hands back or drops: bfloat16 and float16 tensors never reach a DJL operation.


class EncoderBody(Interface):
    # the last hidden state [B, T, H]
    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor) -> Tensor:
        pass


class EncoderHead(Interface):
    # hidden [B, T, H] -> the head's output ([B, C] for sequence heads, [B, T, C] per token);
    # attention_mask [B, T] (0/1) for heads that pool over the real tokens (ModernBERT's mean)
    def forward(self, hidden: Tensor, attention_mask: Tensor) -> Tensor:
        pass


class Encoder:
    body : __torch__.program.EncoderBody
    head : __torch__.program.EncoderHead

    def __init__(self, body: __torch__.program.EncoderBody, head: __torch__.program.EncoderHead):
        self.body = body
        self.head = head


class IdentityHead:
    # a base model's "head": its last hidden state

    def __init__(self):
        pass

    def forward(self, hidden: Tensor, attention_mask: Tensor) -> Tensor:
        return hidden


class Loader:
    # the weights hand-off, and the model's precision switch (nn.Precision)
    checkpoint : Optional[__torch__.nn.Checkpoint]
    device : Device
    precision : __torch__.nn.Precision

    def __init__(self, dtype: int, device: str, table: Tensor):
        checkpoint = __torch__.nn.Checkpoint(dtype, device, table)
        self.checkpoint = checkpoint
        self.precision = checkpoint.precision
        self.device = torch.device(device)

    def reference(self, mode: int) -> int:
        # int8 models: 1 = run the linears on their float32 weights, 0 = int8 again,
        # -1 = drop the float32 weights for good. Only while no other call runs.
        precision = self.precision
        if mode < 0:
            precision.reference = annotate(Dict[str, Tensor], {})
            precision.use_reference = False
            return 0
        assert precision.quantized, "the model is not quantized"
        assert mode == 0 or len(precision.reference) > 0, "the float32 weights were dropped"
        precision.use_reference = mode == 1
        return len(precision.reference)

    def quantized_elements(self) -> int:
        # weights held as int8 (their float32 copies are still in reference until dropped)
        total = 0
        for weight in self.precision.reference.values():
            total = total + weight.numel()
        return total

    def put(self, names: List[str], raws: List[Tensor], kinds: List[int], shapes: List[List[int]]) -> int:
        checkpoint = self.checkpoint
        assert checkpoint is not None, "the weights were already built"
        return checkpoint.put(names, raws, kinds, shapes)

    def take(self) -> __torch__.nn.Checkpoint:
        # the model keeps the tensors it uses; the rest goes with the checkpoint
        checkpoint = self.checkpoint
        assert checkpoint is not None, "the weights were already built"
        self.checkpoint = None
        return checkpoint


def to_java(x: Tensor) -> Tensor:
    return x.to(device=torch.device("cpu"), dtype=torch.float32).contiguous()


class Decoder(Interface):
    def new_cache(self) -> __torch__.nn.KvCache:
        pass

    # appends input_ids [T] to the sequence in cache; the next-token logits [V]
    def prefill(self, cache: __torch__.nn.KvCache, input_ids: Tensor) -> Tensor:
        pass

    # one token per sequence, tokens [B]; each row's next-token logits [B, V]
    def step(self, caches: List[__torch__.nn.KvCache], tokens: Tensor) -> Tensor:
        pass

    # the logits of every position of input_ids [T] from position 0, without a cache: [T, V]
    def logits(self, input_ids: Tensor) -> Tensor:
        pass

    # the last hidden state [B, T, H] of right-padded rows input_ids [B, T], each from position 0
    # (embeddings from a causal LM)
    def hidden(self, input_ids: Tensor) -> Tensor:
        pass

    # whether the model has an LM head (a base model saved for embeddings has none)
    def generates(self) -> bool:
        pass


class Program(Module):
    __parameters__ = []
    __buffers__ = []
    training : bool
    loader : Optional[__torch__.program.Loader]
    encoder_model : Optional[__torch__.program.Encoder]
    decoder_model : Optional[__torch__.program.Decoder]
    seq2seq_model : Optional[__torch__.program.Seq2Seq]

    # loading

    def begin(self, dtype: int, device: str, table: Tensor) -> int:
        self.loader = __torch__.program.Loader(dtype, device, table)
        return 0

    def ready_loader(self) -> __torch__.program.Loader:
        loader = self.loader
        assert loader is not None, "begin was not called"
        return loader

    def put(self, names: List[str], raws: List[Tensor], kinds: List[int], shapes: List[List[int]]) -> int:
        return self.ready_loader().put(names, raws, kinds, shapes)

    def build(self, config: Dict[str, str]) -> int:
        loader = self.ready_loader()
        loader.precision.reduce_range = config["int8_reduce_range"] == "true"
        weights = loader.take()
        settings = __torch__.nn.Config(config)
        # entry.py builds the one kind this architecture is and answers None for the other
        self.encoder_model = __torch__.entry.build_encoder(weights, settings)
        self.decoder_model = __torch__.entry.build_decoder(weights, settings)
        self.seq2seq_model = __torch__.entry.build_seq2seq(weights, settings)
        return 0

    def device(self) -> Device:
        return self.ready_loader().device

    def reference(self, mode: int) -> int:
        return self.ready_loader().reference(mode)

    def quantized_elements(self) -> int:
        return self.ready_loader().quantized_elements()

    # an encoder's calls

    def encoder(self) -> __torch__.program.Encoder:
        model = self.encoder_model
        assert model is not None, "the model is not an encoder, or was not built"
        return model

    def hidden(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor) -> Tensor:
        device = self.device()
        return self.encoder().body.forward(input_ids.to(device), attention_mask.to(device), token_type_ids.to(device))

    def forward(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor) -> Tensor:
        hidden = self.hidden(input_ids, attention_mask, token_type_ids)
        return __torch__.program.to_java(self.encoder().head.forward(hidden, attention_mask.to(hidden.device)))

    def forward_at(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor, positions: Tensor) -> Tensor:
        # a per-token head at one position per row, [B, C]: only those rows go through the head
        # (a masked LM's [B, T, V] output would be mostly thrown away)
        hidden = self.hidden(input_ids, attention_mask, token_type_ids)
        rows = torch.arange(hidden.size(0), device=hidden.device)
        picked = hidden[rows, positions.to(hidden.device)].unsqueeze(1)
        ones = torch.ones([picked.size(0), 1], dtype=torch.int64, device=hidden.device)
        return __torch__.program.to_java(self.encoder().head.forward(picked, ones).squeeze(1))

    def hidden_states(self, input_ids: Tensor, attention_mask: Tensor, token_type_ids: Tensor) -> Tensor:
        return __torch__.program.to_java(self.hidden(input_ids, attention_mask, token_type_ids))

    # a causal language model's calls

    def decoder(self) -> __torch__.program.Decoder:
        model = self.decoder_model
        assert model is not None, "the model is not a causal language model, or was not built"
        return model

    def new_cache(self) -> __torch__.nn.KvCache:
        return self.decoder().new_cache()

    def prefill(self, cache: __torch__.nn.KvCache, input_ids: Tensor) -> Tensor:
        return __torch__.program.to_java(self.decoder().prefill(cache, input_ids.to(self.device())))

    def step(self, caches: List[__torch__.nn.KvCache], tokens: Tensor) -> Tensor:
        return __torch__.program.to_java(self.decoder().step(caches, tokens.to(self.device())))

    def logits(self, input_ids: Tensor) -> Tensor:
        return __torch__.program.to_java(self.decoder().logits(input_ids.to(self.device())))

    def decoder_hidden_states(self, input_ids: Tensor) -> Tensor:
        return __torch__.program.to_java(self.decoder().hidden(input_ids.to(self.device())))

    def decoder_generates(self) -> int:
        return int(self.decoder().generates())

    def cache_length(self, cache: __torch__.nn.KvCache) -> int:
        return cache.length

    # an encoder-decoder's calls

    def seq2seq(self) -> __torch__.program.Seq2Seq:
        model = self.seq2seq_model
        assert model is not None, "the model is not an encoder-decoder, or was not built"
        return model

    def seq2seq_encode(self, input_ids: Tensor, attention_mask: Tensor) -> __torch__.nn.EncodedInputs:
        device = self.device()
        return self.seq2seq().encode(input_ids.to(device), attention_mask.to(device))

    def seq2seq_encoder_hidden(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        device = self.device()
        return __torch__.program.to_java(self.seq2seq().encoder_hidden(input_ids.to(device), attention_mask.to(device)))

    def seq2seq_new_cache(self, encoded: __torch__.nn.EncodedInputs, row: int) -> __torch__.nn.Seq2SeqCache:
        return self.seq2seq().new_cache(encoded, row)

    def seq2seq_prefill(self, cache: __torch__.nn.Seq2SeqCache, input_ids: Tensor) -> Tensor:
        # input_ids [n]: the logits of each of its positions [n, V]
        logits = self.seq2seq().decode([cache], input_ids.to(self.device()).unsqueeze(0))
        return __torch__.program.to_java(logits[0])

    def seq2seq_step(self, caches: List[__torch__.nn.Seq2SeqCache], tokens: Tensor) -> Tensor:
        # one token per sequence, tokens [B]: each row's next-token logits [B, V]
        logits = self.seq2seq().decode(caches, tokens.to(self.device()).unsqueeze(1))
        return __torch__.program.to_java(logits[:, 0])

    def seq2seq_reorder(self, caches: List[__torch__.nn.Seq2SeqCache], parents: Tensor) -> int:
        return self.seq2seq().reorder(caches, parents)

    def seq2seq_cache_length(self, cache: __torch__.nn.Seq2SeqCache) -> int:
        return cache.self_attn.length


class Seq2Seq(Interface):
    # An encoder-decoder (seq2seq.Seq2SeqLM around a family's stack).

    # encodes right-padded input_ids [B, T] (attention_mask [B, T]) once: each row's cross-attention
    # keys and values for every decoder layer
    def encode(self, input_ids: Tensor, attention_mask: Tensor) -> __torch__.nn.EncodedInputs:
        pass

    # the encoder's last hidden state [B, T, H]
    def encoder_hidden(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        pass

    # an empty decoder sequence reading row `row` of the encoded inputs
    def new_cache(self, encoded: __torch__.nn.EncodedInputs, row: int) -> __torch__.nn.Seq2SeqCache:
        pass

    # appends input_ids [B, n] to the sequences in caches; the logits of every new position [B, n, V]
    def decode(self, caches: List[__torch__.nn.Seq2SeqCache], input_ids: Tensor) -> Tensor:
        pass

    # beam search: sequence i becomes a copy of sequence parents[i] (parents [B])
    def reorder(self, caches: List[__torch__.nn.Seq2SeqCache], parents: Tensor) -> int:
        pass
