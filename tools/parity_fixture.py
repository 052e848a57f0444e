#!/usr/bin/env python3
"""Writes the PyTorch parity fixture of Emergent's trainer (not run in CI).

A tiny GPT with the trainer's exact layout and parameter names (x @ W + b, weights [in, out],
qkv packed as [3, heads, head_dim], tanh GELU, pre-LN, tied head), random weights, one batch:
logits, weighted loss and every gradient, then ten AdamW steps with clipping on the same batch.
GptParityTest checks the Java trainer against it within 1e-4.

    /usr/bin/python3 tools/parity_fixture.py trainer-image/src/test/resources/parity/tiny.json
"""
import json
import math
import sys

import torch
import torch.nn.functional as F

LAYERS, D, HEADS, FFN, CONTEXT, USED_VOCAB, VOCAB = 2, 16, 2, 64, 8, 21, 24
BATCH, TIME = 3, 8
LR, WEIGHT_DECAY, BETAS, EPS, CLIP, STEPS = 3e-3, 0.1, (0.9, 0.95), 1e-8, 1.0, 10


def parameters(generator):
    def normal(*shape, std=0.02):
        return torch.randn(*shape, generator=generator) * std

    def around(value, *shape):
        return value + torch.randn(*shape, generator=generator) * 0.1

    p = {"wte": normal(VOCAB, D), "wpe": normal(CONTEXT, D, std=0.01)}
    for i in range(LAYERS):
        h = f"h.{i}"
        p[f"{h}.ln1.weight"], p[f"{h}.ln1.bias"] = around(1.0, D), around(0.0, D)
        p[f"{h}.attn.qkv.weight"], p[f"{h}.attn.qkv.bias"] = normal(D, 3 * D), around(0.0, 3 * D)
        p[f"{h}.attn.proj.weight"], p[f"{h}.attn.proj.bias"] = normal(D, D), around(0.0, D)
        p[f"{h}.ln2.weight"], p[f"{h}.ln2.bias"] = around(1.0, D), around(0.0, D)
        p[f"{h}.mlp.fc.weight"], p[f"{h}.mlp.fc.bias"] = normal(D, FFN), around(0.0, FFN)
        p[f"{h}.mlp.proj.weight"], p[f"{h}.mlp.proj.bias"] = normal(FFN, D), around(0.0, D)
    p["ln_f.weight"], p["ln_f.bias"] = around(1.0, D), around(0.0, D)
    return {name: t.requires_grad_() for name, t in p.items()}


def forward(p, ids):
    b, t = ids.shape
    x = p["wte"][ids] + p["wpe"][:t]
    mask = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
    hd = D // HEADS
    for i in range(LAYERS):
        h = f"h.{i}"
        a = F.layer_norm(x, (D,), p[f"{h}.ln1.weight"], p[f"{h}.ln1.bias"], 1e-5)
        qkv = a @ p[f"{h}.attn.qkv.weight"] + p[f"{h}.attn.qkv.bias"]
        q, k, v = (z.view(b, t, HEADS, hd).transpose(1, 2) for z in qkv.split(D, dim=-1))
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        probs = scores.masked_fill(mask, float("-inf")).softmax(-1)
        y = (probs @ v).transpose(1, 2).reshape(b, t, D)
        x = x + y @ p[f"{h}.attn.proj.weight"] + p[f"{h}.attn.proj.bias"]
        m = F.layer_norm(x, (D,), p[f"{h}.ln2.weight"], p[f"{h}.ln2.bias"], 1e-5)
        m = F.gelu(m @ p[f"{h}.mlp.fc.weight"] + p[f"{h}.mlp.fc.bias"], approximate="tanh")
        x = x + m @ p[f"{h}.mlp.proj.weight"] + p[f"{h}.mlp.proj.bias"]
    x = F.layer_norm(x, (D,), p["ln_f.weight"], p["ln_f.bias"], 1e-5)
    return x @ p["wte"].t()


def loss_of(logits, targets, weights):
    nll = F.cross_entropy(logits.reshape(-1, VOCAB), targets.reshape(-1), reduction="none")
    return (nll * weights.reshape(-1)).sum() / weights.sum()


def flat(t):
    return [float(v) for v in t.detach().reshape(-1)]


def main(path):
    generator = torch.Generator().manual_seed(20261126)
    p = parameters(generator)
    ids = torch.randint(0, USED_VOCAB, (BATCH, TIME), generator=generator)
    targets = torch.randint(0, USED_VOCAB, (BATCH, TIME), generator=generator)
    weights = (torch.rand(BATCH, TIME, generator=generator) > 0.25).float()
    initial = {name: flat(t) for name, t in p.items()}

    logits = forward(p, ids)
    loss = loss_of(logits, targets, weights)
    loss.backward()
    grads = {name: flat(t.grad) for name, t in p.items()}

    decay = [t for t in p.values() if t.dim() == 2]
    no_decay = [t for t in p.values() if t.dim() < 2]
    optimizer = torch.optim.AdamW(
        [{"params": decay, "weight_decay": WEIGHT_DECAY}, {"params": no_decay, "weight_decay": 0.0}],
        lr=LR, betas=BETAS, eps=EPS)
    losses = []
    for _ in range(STEPS):
        optimizer.zero_grad()
        step_loss = loss_of(forward(p, ids), targets, weights)
        step_loss.backward()
        torch.nn.utils.clip_grad_norm_(list(p.values()), CLIP)
        optimizer.step()
        losses.append(float(step_loss))

    fixture = {
        "torch": torch.__version__,
        "shape": {"layers": LAYERS, "dModel": D, "heads": HEADS, "ffn": FFN,
                  "contextLength": CONTEXT, "usedVocab": USED_VOCAB, "vocab": VOCAB},
        "batch": {"size": BATCH, "time": TIME, "inputs": ids.reshape(-1).tolist(),
                  "targets": targets.reshape(-1).tolist(), "weights": flat(weights)},
        "parameters": initial,
        "logits": flat(logits),
        "loss": float(loss),
        "gradients": grads,
        "adamw": {"learningRate": LR, "weightDecay": WEIGHT_DECAY, "beta1": BETAS[0],
                  "beta2": BETAS[1], "epsilon": EPS, "clipNorm": CLIP, "losses": losses},
    }
    with open(path, "w") as out:
        json.dump(fixture, out)


if __name__ == "__main__":
    main(sys.argv[1])
