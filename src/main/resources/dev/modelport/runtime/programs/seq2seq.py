# What every encoder-decoder shares (t5.py, bart.py): the program.Seq2Seq calls around a family's
# stack. The encoder runs once per batch of inputs; each input's cross-attention keys and values
# are projected once for every decoder layer (nn.CrossAttention, its padding cut off); each decoder
# sequence has its own self-attention KV cache (nn.Seq2SeqCache), and a decode call runs B rows of
# n new tokens: a prefill is one row of the decoder start token (and any forced prefix), a step B
# rows of one token, from one input or several, beams of a beam search included. The projections
# and the feed-forward layers run batched over the rows; each row attends to its own caches.


class Seq2SeqStack(Interface):
    # the encoder's last hidden state [B, T, H] of right-padded input_ids [B, T]
    def encode(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        pass

    # one input's encoder output [1, S, H] (no padding) as each decoder layer's cross-attention
    # keys and values
    def cross(self, hidden: Tensor) -> __torch__.nn.CrossAttention:
        pass

    # the logits [B, n, V] of ids [B, n] at decoder positions [B, n]; writes each layer's keys and
    # values into caches[b] after its past (the caller advances them)
    def decode(self, input_ids: Tensor, positions: Tensor, caches: List[__torch__.nn.Seq2SeqCache]) -> Tensor:
        pass


def causal_visible(past: int, n: int, device: Device) -> Optional[Tensor]:
    # [n, past + n] booleans, True where query i (at position past + i) may see key j; None when it
    # sees them all (one new token)
    if n == 1:
        return None
    query = torch.arange(n, device=device).unsqueeze(1) + past
    key = torch.arange(past + n, device=device).unsqueeze(0)
    return key <= query


def self_attend(q: Tensor, k: Tensor, v: Tensor, caches: List[__torch__.nn.Seq2SeqCache], layer: int, scaling: float,
                biases: List[Tensor]) -> Tensor:
    # q, k, v [B, heads, n, d] -> [B, heads, n, d]. k and v are written into each row's cache after its
    # past; each row attends causally to its whole sequence. biases: one additive bias per row
    # [1, heads, n, past + n] (T5's relative positions), or none.
    outputs = annotate(List[Tensor], [])
    n = q.size(2)
    for b in range(len(caches)):
        cache = caches[b].self_attn
        past = cache.length
        keys, values = cache.update(layer, k[b:b + 1], v[b:b + 1])
        visible = __torch__.seq2seq.causal_visible(past, n, q.device)
        if len(biases) > 0:
            mask = biases[b]
            if visible is not None:
                mask = mask.masked_fill(torch.logical_not(visible), float("-inf"))
            outputs.append(torch.scaled_dot_product_attention(q[b:b + 1], keys, values, attn_mask=mask, scale=scaling))
        else:
            outputs.append(torch.scaled_dot_product_attention(q[b:b + 1], keys, values, attn_mask=visible, scale=scaling))
    if len(outputs) == 1:
        return outputs[0]
    return torch.cat(outputs, 0)


def cross_attend(q: Tensor, caches: List[__torch__.nn.Seq2SeqCache], layer: int, scaling: float) -> Tensor:
    # q [B, heads, n, d]: each row attends to its input's encoder output (every position real)
    outputs = annotate(List[Tensor], [])
    for b in range(len(caches)):
        cross = caches[b].cross
        outputs.append(torch.scaled_dot_product_attention(q[b:b + 1], cross.keys[layer], cross.values[layer],
                                                          scale=scaling))
    if len(outputs) == 1:
        return outputs[0]
    return torch.cat(outputs, 0)


def padding_bias(attention_mask: Tensor, dtype: int) -> Tensor:
    # [B, T] of 0/1 -> [B, 1, 1, T]: 0 where a key may be attended, -inf at padding
    zeros = torch.zeros(attention_mask.size(), dtype=dtype, device=attention_mask.device)
    return zeros.masked_fill(attention_mask.eq(0), float("-inf")).unsqueeze(1).unsqueeze(2)


def clamp_float16(x: Tensor, t5: bool) -> Tensor:
    # transformers' float16 guards, a no-op for other dtypes. T5 clamps every float16 output to the
    # largest finite value (less 1000 when it holds an infinity); BART and Marian clamp to that value
    # less 1000 only when something is not finite.
    if x.dtype != torch.float16:
        return x
    limit = 65504.0
    if t5:
        if bool(torch.isinf(x).any()):
            limit = limit - 1000.0
    elif bool(torch.isfinite(x).all()):
        return x
    else:
        limit = limit - 1000.0
    return torch.clamp(x, -limit, limit)


class Seq2SeqLM:
    stack : __torch__.seq2seq.Seq2SeqStack
    layers : int
    heads : int
    head_dim : int
    context : int
    dtype : int
    device : Device

    def __init__(self, stack: __torch__.seq2seq.Seq2SeqStack, layers: int, heads: int, head_dim: int, context: int,
                 dtype: int, device: Device):
        self.stack = stack
        self.layers = layers
        self.heads = heads
        self.head_dim = head_dim
        self.context = context
        self.dtype = dtype
        self.device = device

    def encode(self, input_ids: Tensor, attention_mask: Tensor) -> __torch__.nn.EncodedInputs:
        hidden = self.stack.encode(input_ids, attention_mask)
        lengths = annotate(List[int], attention_mask.sum(1).tolist())
        rows = annotate(List[__torch__.nn.CrossAttention], [])
        for b in range(hidden.size(0)):
            # right-padded: the first lengths[b] positions are the input's tokens
            rows.append(self.stack.cross(hidden[b:b + 1, :lengths[b]]))
        return __torch__.nn.EncodedInputs(rows)

    def encoder_hidden(self, input_ids: Tensor, attention_mask: Tensor) -> Tensor:
        return self.stack.encode(input_ids, attention_mask)

    def new_cache(self, encoded: __torch__.nn.EncodedInputs, row: int) -> __torch__.nn.Seq2SeqCache:
        own = __torch__.nn.KvCache(self.layers, self.heads, self.head_dim, self.context, self.dtype, self.device)
        return __torch__.nn.Seq2SeqCache(own, encoded.rows[row])

    def decode(self, caches: List[__torch__.nn.Seq2SeqCache], input_ids: Tensor) -> Tensor:
        n = input_ids.size(1)
        starts = annotate(List[int], [])
        for cache in caches:
            cache.self_attn.reserve(n)
            starts.append(cache.self_attn.length)
        offsets = torch.arange(n, device=input_ids.device).unsqueeze(0)
        positions = torch.tensor(starts, dtype=torch.int64, device=input_ids.device).unsqueeze(1) + offsets
        logits = self.stack.decode(input_ids, positions, caches)
        for cache in caches:
            cache.self_attn.advance(n)
        return logits

    def reorder(self, caches: List[__torch__.nn.Seq2SeqCache], parents: Tensor) -> int:
        # sequence i continues sequence parents[i]: its self-attention keys and values (and input)
        # become that sequence's. Each old buffer goes to its first taker as it is and is copied for
        # the others, so no two sequences ever share a buffer they write into.
        order = annotate(List[int], parents.tolist())
        old = [c.self_attn for c in caches]
        keys = [kv.keys for kv in old]
        values = [kv.values for kv in old]
        lengths = [kv.length for kv in old]
        capacities = [kv.capacity for kv in old]
        crosses = [c.cross for c in caches]
        taken = [False for _ in caches]
        new_keys = annotate(List[List[Tensor]], [])
        new_values = annotate(List[List[Tensor]], [])
        for i in range(len(order)):
            p = order[i]
            if not taken[p]:
                taken[p] = True
                new_keys.append(keys[p])
                new_values.append(values[p])
            else:
                new_keys.append([t.clone() for t in keys[p]])
                new_values.append([t.clone() for t in values[p]])
        for i in range(len(order)):
            p = order[i]
            kv = caches[i].self_attn
            kv.keys = new_keys[i]
            kv.values = new_values[i]
            kv.length = lengths[p]
            kv.capacity = capacities[p]
            caches[i].cross = crosses[p]
        return len(order)
