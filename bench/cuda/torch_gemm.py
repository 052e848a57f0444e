"""PyTorch's GEMM throughput on the GPU, the peer of the CUDA check's GEMM line: fp32 without
TF32 (the same precision as cublasSgemm in its default math mode) and bf16 with fp32 accumulation."""
import sys
import time

import torch

size = int(sys.argv[1])
torch.backends.cuda.matmul.allow_tf32 = False


def tflops(dtype):
    a = torch.randn(size, size, device="cuda").to(dtype)
    b = torch.randn(size, size, device="cuda").to(dtype)
    torch.mm(a, b)
    torch.cuda.synchronize()
    repeats = 20
    start = time.perf_counter()
    for _ in range(repeats):
        torch.mm(a, b)
    torch.cuda.synchronize()
    return 2 * size**3 * repeats / (time.perf_counter() - start) / 1e12


print(f"pytorch gemm {size}³: fp32 {tflops(torch.float32):.1f} TFLOP/s,"
      f" bf16 {tflops(torch.bfloat16):.1f} TFLOP/s")
