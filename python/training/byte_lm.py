"""Train the bundled byte-level GPT and export it to ONNX.

    /usr/bin/python3 python/training/byte_lm.py --out models/byte_lm [--steps N]

Data: the reStructuredText sources of the Python 3.11 documentation that
Debian's python3.11-doc package ships (/usr/share/doc/python3.11/html/_sources,
PSF License Version 2, see /usr/share/doc/python3.11-doc/copyright). Documents
are split into train / held-out by a hash of their path (5 % held out), so the
split never depends on file order.

Model: vocabulary 256 (raw bytes, no tokenizer), learned positional
embeddings, pre-LayerNorm blocks (causal multi-head attention, GELU MLP),
final LayerNorm, LM head tied to the token embedding.

Everything is seeded; with the same Debian packages and thread count the run
is repeatable. Writes:
  <out>/byte_lm.onnx           full sequence: input_ids[batch, seq] -> logits
  <out>/byte_lm_decode.onnx    decode step with KV cache (past_key_values.* ->
                               present.*), sharing the weight file
  <out>/byte_lm.weights        external data used by both graphs
  <out>/heldout.txt            the held-out text (for perplexity)
  <out>/training.json          hyper-parameters, timings, held-out bits/byte
"""

import argparse
import hashlib
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SOURCES = "/usr/share/doc/python3.11/html/_sources"


def load_corpus(root=SOURCES, heldout_percent=5):
    train, heldout = [], []
    for dirpath, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if not name.endswith(".txt"):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            with open(path, "rb") as f:
                data = f.read()
            bucket = int(hashlib.sha256(rel.encode()).hexdigest(), 16) % 100
            (heldout if bucket < heldout_percent else train).append(data)
    return b"\n".join(train), b"\n".join(heldout)


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.fc1 = nn.Linear(d, 4 * d)
        self.fc2 = nn.Linear(4 * d, d)

    def forward(self, x, past_k=None, past_v=None):
        b, t, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q = q.reshape(b, t, h, d // h).transpose(1, 2)
        k = k.reshape(b, t, h, d // h).transpose(1, 2)
        v = v.reshape(b, t, h, d // h).transpose(1, 2)
        if past_k is not None:
            k = torch.cat([past_k, k], dim=2)
            v = torch.cat([past_v, v], dim=2)
        s = k.shape[2]
        scores = (q @ k.transpose(2, 3)) * (1.0 / math.sqrt(d // h))
        # Query i (absolute position s - t + i) sees keys 0 .. s - t + i.
        qpos = torch.arange(t).unsqueeze(1) + (s - t)
        kpos = torch.arange(s).unsqueeze(0)
        scores = scores.masked_fill(kpos > qpos, float("-inf"))
        att = torch.softmax(scores, dim=-1) @ v
        x = x + self.proj(att.transpose(1, 2).reshape(b, t, d))
        x = x + self.fc2(F.gelu(self.fc1(self.ln2(x))))
        return x, k, v


class ByteLM(nn.Module):
    def __init__(self, d=256, layers=7, heads=8, context=256):
        super().__init__()
        self.context = context
        self.embed = nn.Embedding(256, d)
        self.pos = nn.Embedding(context, d)
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln = nn.LayerNorm(d)
        nn.init.normal_(self.embed.weight, std=0.02)
        nn.init.normal_(self.pos.weight, std=0.02)

    def forward(self, input_ids):
        t = input_ids.shape[1]
        x = self.embed(input_ids) + self.pos(torch.arange(t))
        for block in self.blocks:
            x, _, _ = block(x)
        return self.ln(x) @ self.embed.weight.t()


class DecodeStep(nn.Module):
    """input_ids[b, t] + past keys/values[b, heads, p, dh] -> logits, present."""

    def __init__(self, lm):
        super().__init__()
        self.lm = lm

    def forward(self, input_ids, *past):
        t = input_ids.shape[1]
        p = past[0].shape[2]
        x = self.lm.embed(input_ids) + self.lm.pos(torch.arange(t) + p)
        present = []
        for i, block in enumerate(self.lm.blocks):
            x, k, v = block(x, past[2 * i], past[2 * i + 1])
            present += [k, v]
        return (self.lm.ln(x) @ self.lm.embed.weight.t(), *present)


def batches(data, batch, context, rng):
    n = len(data) - context - 1
    while True:
        starts = rng.integers(0, n, size=batch)
        chunk = np.stack([np.frombuffer(data, np.uint8, context + 1, s)
                          for s in starts]).astype(np.int64)
        yield torch.from_numpy(chunk[:, :-1]), torch.from_numpy(chunk[:, 1:])


@torch.no_grad()
def bits_per_byte(model, data, context, stride=None, limit=None):
    model.eval()
    stride = stride or context
    arr = np.frombuffer(data, np.uint8).astype(np.int64)
    if limit:
        arr = arr[:limit]
    total, count = 0.0, 0
    for start in range(0, len(arr) - 1, stride):
        window = arr[max(0, start + stride - context):start + stride + 1]
        if len(window) < 2:
            break
        x = torch.from_numpy(window[:-1]).unsqueeze(0)
        y = torch.from_numpy(window[1:]).unsqueeze(0)
        logits = model(x)
        scored = min(stride, len(window) - 1)
        loss = F.cross_entropy(logits[0, -scored:], y[0, -scored:],
                               reduction="sum")
        total += loss.item()
        count += scored
    model.train()
    return total / count / math.log(2), count


def export(model, out, context, layers, heads, d):
    import onnx
    from onnx import numpy_helper
    model.eval()
    full_path = os.path.join(out, "byte_lm.onnx")
    decode_path = os.path.join(out, "byte_lm_decode.onnx")
    ids = torch.zeros(1, 16, dtype=torch.int64)
    torch.onnx.export(model, (ids,), full_path, opset_version=17,
                      input_names=["input_ids"], output_names=["logits"],
                      dynamic_axes={"input_ids": {0: "batch", 1: "sequence"},
                                    "logits": {0: "batch", 1: "sequence"}},
                      do_constant_folding=True)
    dh = d // heads
    past = []
    past_names, present_names, axes = [], [], {
        "input_ids": {0: "batch", 1: "sequence"},
        "logits": {0: "batch", 1: "sequence"}}
    for i in range(layers):
        for kind in ("key", "value"):
            past.append(torch.zeros(1, heads, 4, dh))
            past_names.append(f"past_key_values.{i}.{kind}")
            present_names.append(f"present.{i}.{kind}")
            axes[past_names[-1]] = {0: "batch", 2: "past_sequence"}
            axes[present_names[-1]] = {0: "batch", 2: "total_sequence"}
    torch.onnx.export(DecodeStep(model), (ids[:, :1], *past), decode_path,
                      opset_version=17,
                      input_names=["input_ids"] + past_names,
                      output_names=["logits"] + present_names,
                      dynamic_axes=axes, do_constant_folding=True)

    # One external weight file for both graphs: tensors of the decode graph
    # that are byte-identical to one of the full graph reuse its bytes.
    weights = "byte_lm.weights"
    offsets, blob = {}, bytearray()
    models = [onnx.load(full_path), onnx.load(decode_path)]
    for m in models:
        for tensor in m.graph.initializer:
            raw = numpy_helper.to_array(tensor).tobytes()
            if len(raw) < 1024:
                continue
            key = hashlib.sha256(raw + str(tensor.data_type).encode()).digest()
            if key not in offsets:
                blob.extend(b"\0" * ((-len(blob)) % 64))
                offsets[key] = len(blob)
                blob.extend(raw)
            array = numpy_helper.to_array(tensor)
            tensor.CopyFrom(numpy_helper.from_array(array, tensor.name))
            tensor.ClearField("raw_data")
            del tensor.external_data[:]
            for k, v in (("location", weights), ("offset", str(offsets[key])),
                         ("length", str(len(raw)))):
                entry = tensor.external_data.add()
                entry.key, entry.value = k, v
            tensor.data_location = onnx.TensorProto.EXTERNAL
    with open(os.path.join(out, weights), "wb") as f:
        f.write(blob)
    for m, path in zip(models, (full_path, decode_path)):
        onnx.save(m, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="models/byte_lm")
    ap.add_argument("--steps", type=int, default=900)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--context", type=int, default=256)
    ap.add_argument("--d", type=int, default=256)
    ap.add_argument("--layers", type=int, default=7)
    ap.add_argument("--heads", type=int, default=8)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--eval-bytes", type=int, default=200_000)
    args = ap.parse_args(argv)

    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    os.makedirs(args.out, exist_ok=True)

    train, heldout = load_corpus()
    with open(os.path.join(args.out, "heldout.txt"), "wb") as f:
        f.write(heldout)
    model = ByteLM(args.d, args.layers, args.heads, args.context)
    params = sum(p.numel() for p in model.parameters())
    print(f"train {len(train)} bytes, held-out {len(heldout)} bytes, "
          f"{params} parameters", flush=True)

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    other = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                             {"params": other, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.95))
    warmup = max(1, args.steps // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) *
        0.5 * (1 + math.cos(math.pi * min(s, args.steps) / args.steps)))
    start = time.time()
    data = batches(train, args.batch, args.context, rng)
    for step in range(args.steps):
        x, y = next(data)
        loss = F.cross_entropy(model(x).reshape(-1, 256), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if step % 25 == 0 or step == args.steps - 1:
            elapsed = time.time() - start
            print(f"step {step} loss {loss.item():.3f} "
                  f"({loss.item() / math.log(2):.3f} bits/byte) "
                  f"{elapsed:.0f}s", flush=True)
    train_seconds = time.time() - start
    bpb, scored = bits_per_byte(model, heldout, args.context,
                                stride=args.context // 2,
                                limit=args.eval_bytes)
    print(f"held-out: {bpb:.4f} bits/byte over {scored} bytes", flush=True)
    export(model, args.out, args.context, args.layers, args.heads, args.d)
    info = dict(vars(args), parameters=params, train_bytes=len(train),
                heldout_bytes=len(heldout), train_seconds=round(train_seconds),
                heldout_bits_per_byte=round(bpb, 4), heldout_scored=scored,
                torch=torch.__version__)
    with open(os.path.join(args.out, "training.json"), "w") as f:
        json.dump(info, f, indent=2)
    print(json.dumps(info, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
