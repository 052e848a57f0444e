#!/usr/bin/env python3
"""PyTorch side of bench/trainer-throughput: the trainer's GPT and AdamW step in PyTorch.

Prints one JSON line: tokens per second and the single-GEMM peak PyTorch reaches here.
Usage: torch_gpt.py LAYERS D_MODEL HEADS CONTEXT BATCH STEPS THREADS [VARIANT [DEVICE]]
VARIANT: eager (default: attention written out, as in nanoGPT's slow path), sdpa
(F.scaled_dot_product_attention, PyTorch 2.x) or compile (sdpa under torch.compile).
DEVICE: cpu (default) or cuda, where fp32 products run without TF32, as cuBLAS's fp32 GEMMs
of the CUDA device check do.
"""
import json
import math
import sys
import time

import torch
import torch.nn.functional as F


class Block(torch.nn.Module):
    def __init__(self, d, heads, sdpa):
        super().__init__()
        self.heads, self.sdpa = heads, sdpa
        self.ln1, self.ln2 = torch.nn.LayerNorm(d), torch.nn.LayerNorm(d)
        self.qkv, self.proj = torch.nn.Linear(d, 3 * d), torch.nn.Linear(d, d)
        self.fc, self.out = torch.nn.Linear(d, 4 * d), torch.nn.Linear(4 * d, d)

    def forward(self, x, mask):
        b, t, d = x.shape
        hd = d // self.heads
        q, k, v = (z.view(b, t, self.heads, hd).transpose(1, 2)
                   for z in self.qkv(self.ln1(x)).split(d, dim=-1))
        if self.sdpa:
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        else:
            scores = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
            y = scores.masked_fill(mask, float("-inf")).softmax(-1) @ v
        y = y.transpose(1, 2).reshape(b, t, d)
        x = x + self.proj(y)
        return x + self.out(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))


class Gpt(torch.nn.Module):
    def __init__(self, layers, d, heads, context, vocab, sdpa=False):
        super().__init__()
        self.wte = torch.nn.Embedding(vocab, d)
        self.wpe = torch.nn.Embedding(context, d)
        self.blocks = torch.nn.ModuleList(Block(d, heads, sdpa) for _ in range(layers))
        self.ln_f = torch.nn.LayerNorm(d)
        self.register_buffer("mask", torch.triu(torch.ones(context, context, dtype=torch.bool), 1))

    def forward(self, ids):
        x = self.wte(ids) + self.wpe.weight[: ids.shape[1]]
        for block in self.blocks:
            x = block(x, self.mask)
        return self.ln_f(x) @ self.wte.weight.t()


def synchronize(device):
    if device == "cuda":
        torch.cuda.synchronize()


def gemm_peak(device, n=512, reps=20):
    if device == "cuda":
        n = 4096
    a, b = torch.rand(n, n, device=device), torch.rand(n, n, device=device)
    best = 0.0
    for _ in range(5):
        synchronize(device)
        start = time.perf_counter()
        for _ in range(reps):
            a @ b
        synchronize(device)
        best = max(best, reps * 2 * n ** 3 / (time.perf_counter() - start))
    return best


def main(layers, d, heads, context, batch, steps, threads, variant="eager", device="cpu"):
    torch.set_num_threads(threads)
    torch.manual_seed(1234)
    torch.backends.cuda.matmul.allow_tf32 = False
    vocab = 320
    model = Gpt(layers, d, heads, context, vocab, sdpa=variant in ("sdpa", "compile")).to(device)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                                   {"params": no_decay, "weight_decay": 0.0}],
                                  lr=3e-4, betas=(0.9, 0.95), eps=1e-8)
    ids = torch.randint(0, 261, (batch, context + 1)).to(device)

    forward = torch.compile(model) if variant == "compile" else model

    def step():
        optimizer.zero_grad(set_to_none=True)
        logits = forward(ids[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, vocab), ids[:, 1:].reshape(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        return loss

    for _ in range(3):
        step()
    synchronize(device)
    start = time.perf_counter()
    for _ in range(steps):
        step()
    synchronize(device)
    seconds = time.perf_counter() - start
    print(json.dumps({"tokensPerSecond": steps * batch * context / seconds,
                      "peakFlops": gemm_peak(device), "torch": torch.__version__,
                      "threads": torch.get_num_threads(), "variant": variant,
                      "device": device}))


if __name__ == "__main__":
    main(*map(int, sys.argv[1:8]), *sys.argv[8:10])
