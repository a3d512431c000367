# What every causal language model shares (gpt2.py, llama.py): attention over a KV cache, one
# row at a time, and the Decoder calls of program.py (new_cache, prefill, step, logits) around a
# family's stack of layers.
#
# A call runs B rows of n new tokens each: a prefill is one row of the prompt's n tokens, a decode
# step B rows of one token. Rows may have pasts of different lengths; the projections and MLPs run
# batched, and each row attends to its own cache (at decode time attention is a small share of the
# work, which is reading the weights).


class DecoderStack(Interface):
    # hidden states after the final norm [B, n, H] for ids [B, n] at positions [B, n]; writes
    # each layer's keys and values into caches[b] after its past (the caller advances them)
    def forward(self, input_ids: Tensor, positions: Tensor, caches: List[__torch__.nn.KvCache]) -> Tensor:
        pass


def causal_mask(past: int, n: int, window: int, device: Device) -> Optional[Tensor]:
    # [n, past + n] booleans: query i (at position past + i) sees key j when j <= past + i and,
    # with a sliding window W, j > past + i - W. None when every key is visible (one new token).
    if n == 1 and (window == 0 or past < window):
        return None
    query = torch.arange(n, device=device).unsqueeze(1) + past
    key = torch.arange(past + n, device=device).unsqueeze(0)
    visible = key <= query
    if window > 0:
        visible = visible & (key > query - window)
    return visible


def attend_rows(q: Tensor, k: Tensor, v: Tensor, caches: List[__torch__.nn.KvCache], layer: int, window: int,
                scaling: float) -> Tensor:
    # q [B, heads, n, d], k and v [B, kv_heads, n, d] -> [B, heads, n, d]
    outputs = annotate(List[Tensor], [])
    heads = q.size(1)
    kv_heads = k.size(1)
    repeats = heads // kv_heads
    n = q.size(2)
    d = q.size(3)
    for b in range(len(caches)):
        cache = caches[b]
        past = cache.length
        keys, values = cache.update(layer, k[b:b + 1], v[b:b + 1])
        mask = __torch__.causal.causal_mask(past, n, window, q.device)
        if repeats == 1:
            outputs.append(torch.scaled_dot_product_attention(q[b:b + 1], keys, values, attn_mask=mask, scale=scaling))
            continue
        # transformers' repeat_kv: query head h reads key/value head h // repeats. Rather than copy
        # the cache `repeats` times, each key/value head's query heads are folded into its query
        # axis (row r * n + i is head r of the group at position i), the mask repeated to match
        grouped = q[b:b + 1].reshape([1, kv_heads, repeats * n, d])
        if mask is not None:
            mask = mask.repeat([repeats, 1])
        attended = torch.scaled_dot_product_attention(grouped, keys, values, attn_mask=mask, scale=scaling)
        outputs.append(attended.reshape([1, heads, n, d]))
    if len(outputs) == 1:
        return outputs[0]
    return torch.cat(outputs, 0)


class CausalLM:
    stack : __torch__.causal.DecoderStack
    lm_head : Tensor
    layers : int
    kv_heads : int
    head_dim : int
    context : int
    dtype : int
    device : Device

    def __init__(self, stack: __torch__.causal.DecoderStack, lm_head: Tensor, layers: int, kv_heads: int,
                 head_dim: int, context: int):
        self.stack = stack
        self.lm_head = lm_head
        self.layers = layers
        self.kv_heads = kv_heads
        self.head_dim = head_dim
        self.context = context
        self.dtype = lm_head.dtype
        self.device = lm_head.device

    def new_cache(self) -> __torch__.nn.KvCache:
        return __torch__.nn.KvCache(self.layers, self.kv_heads, self.head_dim, self.context, self.dtype, self.device)

    def run(self, caches: List[__torch__.nn.KvCache], input_ids: Tensor) -> Tensor:
        # input_ids [B, n]; hidden states [B, n, H]
        n = input_ids.size(1)
        starts = annotate(List[int], [])
        for cache in caches:
            cache.reserve(n)
            starts.append(cache.length)
        offsets = torch.arange(n, device=input_ids.device).unsqueeze(0)
        positions = torch.tensor(starts, dtype=torch.int64, device=input_ids.device).unsqueeze(1) + offsets
        hidden = self.stack.forward(input_ids, positions, caches)
        for cache in caches:
            cache.advance(n)
        return hidden

    def prefill(self, cache: __torch__.nn.KvCache, input_ids: Tensor) -> Tensor:
        hidden = self.run([cache], input_ids.unsqueeze(0))
        return __torch__.nn.linear(hidden[0, -1], self.lm_head, None)

    def step(self, caches: List[__torch__.nn.KvCache], tokens: Tensor) -> Tensor:
        hidden = self.run(caches, tokens.unsqueeze(1))
        return __torch__.nn.linear(hidden[:, 0], self.lm_head, None)

    def logits(self, input_ids: Tensor) -> Tensor:
        hidden = self.run([self.new_cache()], input_ids.unsqueeze(0))
        return torch.linear(hidden[0], self.lm_head)
