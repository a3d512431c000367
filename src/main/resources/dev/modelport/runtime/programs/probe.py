# A GEMM to time: does this CPU compute bfloat16 faster than float32? (CpuBfloat16)


class ProbeProgram(Module):
    __parameters__ = []
    __buffers__ = []
    training : bool

    def gemm(self, dtype: int, size: int, repeats: int) -> int:
        a = torch.rand([size, size]).to(dtype)
        b = torch.rand([size, size]).to(dtype)
        for _ in range(repeats):
            a = torch.matmul(a, b) * 0.001
        return size
