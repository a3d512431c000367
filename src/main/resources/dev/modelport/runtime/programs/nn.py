# Blocks every architecture program shares: the checkpoint hand-off, the config the Java side
# hands over, Linear / LayerNorm / RMSNorm, activations and attention.
#
# These files are TorchScript as libtorch's importer reads it (dev.modelport.runtime.script):
# every parameter is typed, other modules' names are written in full (__torch__.nn.Linear), and
# the dtype names torch.float32 / torch.bfloat16 / ... are the only words the Java side rewrites
# (into their ScalarType codes, which is how serialized TorchScript spells dtypes).


def bfloat16_from_bytes(raw: Tensor, shape: List[int], table: Tensor) -> Tensor:
    # -> the values at the table's dtype (the compute dtype: no intermediate bfloat16 copy)
    # TorchScript cannot reinterpret bytes as another dtype (view(dtype) resolves as view(size)),
    # and DJL kills the JVM on a bfloat16 dtype code, so BF16 weights arrive as their raw
    # little-endian bytes and are looked up in a table of all 65536 bfloat16 values: exact, NaN
    # included. 65536 values at a time: the allocator keeps what the temporaries once held between
    # the weights it keeps, so whole-tensor int32 codes cost up to 2x the weights in resident memory
    # (a 1M-value step still left +60%; 64K leaves a few MB; a 7B model takes ~10^5 steps, seconds).
    n = raw.numel() // 2
    out = torch.empty([n], dtype=table.dtype, device=raw.device)
    pairs = raw.view([n, 2])
    step = 65536
    for start in range(0, n, step):
        end = min(n, start + step)
        chunk = pairs[start:end]
        codes = chunk[:, 1].to(torch.int32) * 256 + chunk[:, 0].to(torch.int32)
        out[start:end] = torch.index_select(table, 0, codes)
    return out.view(shape)


class Precision:
    # dtype int8: every Linear runs as dynamically quantized int8 (symmetric per-output-channel
    # weights, activations quantized per call: what torch.ao's quantize_dynamic does to nn.Linear).
    # The float32 weights stay in `reference` until the deployment has measured the int8 error
    # against them (use_reference) and dropped them.
    quantized : bool
    reduce_range : bool
    use_reference : bool
    reference : Dict[str, Tensor]

    def __init__(self, quantized: bool):
        self.quantized = quantized
        # 7-bit activations keep fbgemm's int16 accumulation from saturating on CPUs without
        # VNNI; with VNNI the full 8 bits are exact and much closer to float32 (the Java side decides)
        self.reduce_range = True
        self.use_reference = False
        self.reference = annotate(Dict[str, Tensor], {})

    def pack(self, name: str, weight: Tensor, bias: Optional[Tensor]) -> Optional[__torch__.torch.classes.quantized.LinearPackedParamsBase]:
        if not self.quantized:
            return None
        scales = (weight.abs().amax(1) / 127.0).clamp_min(1e-8).to(torch.float64)
        zero_points = torch.zeros([weight.size(0)], dtype=torch.int64, device=weight.device)
        q = torch.quantize_per_channel(weight, scales, zero_points, 0, torch.qint8)
        self.reference[name] = weight
        return ops.quantized.linear_prepack(q, bias)


class Checkpoint:
    # Weights handed over from Java, already at the compute dtype and on the device. Java's
    # buffers are memory-mapped files it frees after the hand-off, so everything kept is a copy.
    tensors : Dict[str, Tensor]
    dtype : int
    device : Device
    table : Tensor
    precision : __torch__.nn.Precision

    def __init__(self, dtype: int, device: str, table: Tensor):
        # qint8 means float32 weights whose linears are quantized as the model is built
        self.precision = __torch__.nn.Precision(dtype == torch.qint8)
        if dtype == torch.qint8:
            dtype = torch.float32
        self.tensors = annotate(Dict[str, Tensor], {})
        self.dtype = dtype
        self.device = torch.device(device)
        # every bfloat16 value at the compute dtype: decoding goes straight to it
        self.table = table.to(self.device).to(torch.bfloat16).to(dtype)

    def put(self, names: List[str], raws: List[Tensor], kinds: List[int], shapes: List[List[int]]) -> int:
        # kind 0: a float tensor as stored (F32/F16); kind 1: BF16 bytes. A tensor too big for one
        # Java buffer arrives as several pieces along its first axis, in order, under one name.
        for i in range(len(names)):
            name = names[i]
            if kinds[i] == 1:
                piece = __torch__.nn.bfloat16_from_bytes(raws[i].to(self.device), shapes[i], self.table)
            else:
                piece = raws[i].to(device=self.device, dtype=self.dtype, copy=True)
            if name in self.tensors:
                piece = torch.cat([self.tensors[name], piece], 0)
            self.tensors[name] = piece
        return len(names)

    def get(self, name: str) -> Tensor:
        return self.tensors[name]

    def get_float(self, name: str) -> Tensor:
        # for the few tensors transformers keeps in float32 whatever the model dtype
        return self.tensors[name].to(torch.float32)

    def has(self, name: str) -> bool:
        return name in self.tensors

    def transpose(self, name: str):
        # GPT-2's Conv1D stores [in, out]; Linear takes [out, in]
        self.tensors[name] = self.tensors[name].t().contiguous()


class Config:
    # config.json as the Java side normalised it (transformers 4 and 5 field names mapped to one
    # set, defaults filled in), every value as a string: one Dict[str, str] crosses the JNI.
    values : Dict[str, str]

    def __init__(self, values: Dict[str, str]):
        self.values = values

    def get_int(self, key: str) -> int:
        return int(self.values[key])

    def get_float(self, key: str) -> float:
        return float(self.values[key])

    def get_bool(self, key: str) -> bool:
        return self.values[key] == "true"

    def get_str(self, key: str) -> str:
        return self.values[key]

    def get_ints(self, key: str) -> List[int]:
        text = self.values[key]
        if text == "":
            return annotate(List[int], [])
        return [int(part) for part in text.split(",")]

    def get_floats(self, key: str) -> List[float]:
        text = self.values[key]
        if text == "":
            return annotate(List[float], [])
        return [float(part) for part in text.split(",")]

    def get_strs(self, key: str) -> List[str]:
        text = self.values[key]
        if text == "":
            return annotate(List[str], [])
        return text.split(",")


def linear(x: Tensor, weight: Tensor, bias: Optional[Tensor]) -> Tensor:
    # One row (a decode step of one sequence) is a matrix-vector product: there torch.mv reads
    # bfloat16 weights 1.3-1.8x faster than linear does, whose bfloat16 kernel at one row is no
    # faster than float32 (measured on avx512_bf16 CPUs, 1024x2816 to 50257x768).
    if x.numel() == x.size(-1) and x.dim() > 0:
        y = torch.mv(weight, x.reshape([-1]))
        if bias is not None:
            y = y + bias
        shape = x.size()
        shape[-1] = weight.size(0)
        return y.view(shape)
    return torch.linear(x, weight, bias)


class Linear:
    weight : Tensor
    bias : Optional[Tensor]
    packed : Optional[__torch__.torch.classes.quantized.LinearPackedParamsBase]
    precision : __torch__.nn.Precision
    name : str

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, bias: bool):
        weight = w.get(prefix + ".weight")
        if bias:
            self.bias = w.get(prefix + ".bias")
        else:
            self.bias = None
        self.name = prefix
        self.precision = w.precision
        self.packed = w.precision.pack(prefix, weight, self.bias)
        if self.packed is None:
            self.weight = weight
        else:
            self.weight = torch.empty([0], device=weight.device)

    def forward(self, x: Tensor) -> Tensor:
        packed = self.packed
        if packed is None:
            return __torch__.nn.linear(x, self.weight, self.bias)
        if self.precision.use_reference:
            return __torch__.nn.linear(x, self.precision.reference[self.name], self.bias)
        return ops.quantized.linear_dynamic(x, packed, self.precision.reduce_range)


class LayerNorm:
    weight : Tensor
    bias : Tensor
    eps : float
    shape : List[int]

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, eps: float):
        self.weight = w.get(prefix + ".weight")
        self.bias = w.get(prefix + ".bias")
        self.eps = eps
        self.shape = [self.weight.size(0)]

    def forward(self, x: Tensor) -> Tensor:
        return torch.layer_norm(x, self.shape, self.weight, self.bias, self.eps)


class RMSNorm:
    # LlamaRMSNorm: the variance in float32, the scale applied in the input dtype
    weight : Tensor
    eps : float

    def __init__(self, w: __torch__.nn.Checkpoint, prefix: str, eps: float):
        self.weight = w.get(prefix + ".weight")
        self.eps = eps

    def forward(self, x: Tensor) -> Tensor:
        dtype = x.dtype
        h = x.to(torch.float32)
        variance = h.pow(2).mean(-1, keepdim=True)
        h = h * torch.rsqrt(variance + self.eps)
        return self.weight * h.to(dtype)


class MaskedLMHead:
    # transform (dense, activation, LayerNorm), then the projection onto the vocabulary (the word
    # embeddings when tied): BERT's cls.predictions, RoBERTa's lm_head (always gelu) and
    # DistilBERT's vocab_transform / vocab_layer_norm / vocab_projector compute the same thing
    dense : __torch__.nn.Linear
    norm : __torch__.nn.LayerNorm
    decoder_weight : Tensor
    decoder_bias : Tensor
    act : str

    def __init__(self, w: __torch__.nn.Checkpoint, dense: str, norm: str, eps: float, act: str, decoder_weight: str,
                 decoder_bias: str):
        self.dense = __torch__.nn.Linear(w, dense, True)
        self.norm = __torch__.nn.LayerNorm(w, norm, eps)
        self.decoder_weight = w.get(decoder_weight)
        self.decoder_bias = w.get(decoder_bias)
        self.act = act

    def forward(self, hidden: Tensor, attention_mask: Tensor) -> Tensor:
        h = self.norm.forward(__torch__.nn.activation(self.dense.forward(hidden), self.act))
        return __torch__.nn.linear(h, self.decoder_weight, self.decoder_bias)


def activation(x: Tensor, name: str) -> Tensor:
    # transformers' ACT2FN, for the names configs use
    if name == "gelu":
        return torch.gelu(x)
    if name == "gelu_tanh":
        return torch.gelu(x, approximate="tanh")
    if name == "relu":
        return torch.relu(x)
    if name == "silu":
        return torch.silu(x)
    if name == "quick_gelu":
        return x * torch.sigmoid(1.702 * x)
    if name == "tanh":
        return torch.tanh(x)
    ops.prim.RaiseException("unknown activation " + name)
    return x


def split_heads(x: Tensor, heads: int, head_dim: int) -> Tensor:
    # [B, T, heads * head_dim] -> [B, heads, T, head_dim]
    return x.view([x.size(0), x.size(1), heads, head_dim]).transpose(1, 2)


def merge_heads(x: Tensor) -> Tensor:
    # [B, heads, T, head_dim] -> [B, T, heads * head_dim]
    return x.transpose(1, 2).reshape([x.size(0), x.size(2), x.size(1) * x.size(3)])


def padding_mask(attention_mask: Tensor) -> Tensor:
    # [B, T] of 0/1 -> [B, 1, 1, T] booleans, True where a key may be attended
    return attention_mask.to(torch.bool).unsqueeze(1).unsqueeze(2)


class KvCache:
    # One sequence's keys and values, per layer [1, kv_heads, capacity, head_dim] at the compute
    # dtype, written in place up to length; the buffers double when a call needs more room. ids
    # holds the sequence's tokens only for models that may recompute it (causal.CausalLM.recompute_at).
    keys : List[Tensor]
    values : List[Tensor]
    ids : Tensor
    length : int
    capacity : int
    limit : int

    def __init__(self, layers: int, heads: int, head_dim: int, limit: int, dtype: int, device: Device):
        self.capacity = min(64, limit)
        self.limit = limit
        self.length = 0
        self.keys = [torch.zeros([1, heads, self.capacity, head_dim], dtype=dtype, device=device) for _ in range(layers)]
        self.values = [torch.zeros([1, heads, self.capacity, head_dim], dtype=dtype, device=device) for _ in range(layers)]
        self.ids = torch.zeros([0], dtype=torch.int64, device=device)

    def reserve(self, added: int):
        total = self.length + added
        if total > self.limit:
            ops.prim.RaiseException("the sequence would have " + str(total) + " tokens; the model's context is " + str(self.limit))
        if total <= self.capacity:
            return
        capacity = min(self.limit, max(total, 2 * self.capacity))
        for i in range(len(self.keys)):
            self.keys[i] = self.grown(self.keys[i], capacity)
            self.values[i] = self.grown(self.values[i], capacity)
        self.capacity = capacity

    def grown(self, buffer: Tensor, capacity: int) -> Tensor:
        shape = buffer.size()
        shape[2] = capacity
        bigger = torch.zeros(shape, dtype=buffer.dtype, device=buffer.device)
        bigger[:, :, :self.length] = buffer[:, :, :self.length]
        return bigger

    def update(self, layer: int, k: Tensor, v: Tensor) -> Tuple[Tensor, Tensor]:
        # writes k, v [1, heads, n, head_dim] after the past; the whole sequence's keys and values
        end = self.length + k.size(2)
        self.keys[layer][:, :, self.length:end] = k
        self.values[layer][:, :, self.length:end] = v
        return self.keys[layer][:, :, :end], self.values[layer][:, :, :end]

    def advance(self, added: int):
        self.length = self.length + added

    def clear(self):
        # the sequence is to be computed again from its first token (the buffers are reused)
        self.length = 0


class CrossAttention:
    # One encoder input as every decoder layer's cross-attention reads it: its keys and values per
    # layer [1, heads, S, head_dim], projected once from the encoder output (its padding cut off, so
    # no mask is needed). All decoder sequences of that input (the beams of a beam search) share it.
    keys : List[Tensor]
    values : List[Tensor]
    length : int

    def __init__(self, keys: List[Tensor], values: List[Tensor], length: int):
        self.keys = keys
        self.values = values
        self.length = length


class EncodedInputs:
    # A batch of encoder inputs, one CrossAttention per input row
    rows : List[__torch__.nn.CrossAttention]

    def __init__(self, rows: List[__torch__.nn.CrossAttention]):
        self.rows = rows


class Seq2SeqCache:
    # One decoder sequence of an encoder-decoder: the KV cache of its self-attention and the
    # cross-attention keys and values of its input
    self_attn : __torch__.nn.KvCache
    cross : __torch__.nn.CrossAttention

    def __init__(self, self_attn: __torch__.nn.KvCache, cross: __torch__.nn.CrossAttention):
        self.self_attn = self_attn
        self.cross = cross
