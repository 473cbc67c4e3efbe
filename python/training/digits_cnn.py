"""Train the bundled handwritten-digit CNN and export it to ONNX.

    /usr/bin/python3 python/training/digits_cnn.py --out models/digits_cnn

Data: scikit-learn's `load_digits` (1,797 8x8 grey-level images of the
digits 0-9, from the UCI ML hand-written digits dataset, shipped by Debian's
python3-sklearn under the BSD-3-Clause license). A seeded, stratified 80/20
split gives the training and held-out sets.

Model: conv3x3(1->16) BN ReLU, conv3x3(16->32) BN ReLU, maxpool 2x2,
conv3x3(32->32) BN ReLU, global average pool, linear(32->10).

Writes:
  <out>/digits_cnn.onnx                   image[batch,1,8,8] -> logits[batch,10]
  <out>/heldout/test_data_set_0/input_0.pb  held-out images (ONNX TensorProto)
  <out>/heldout/test_data_set_0/output_0.pb PyTorch's logits for them
  <out>/heldout/labels.pb                 held-out labels (int64)
  <out>/training.json                     hyper-parameters and accuracy
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


class DigitsCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.b1 = nn.Conv2d(1, 16, 3, padding=1), nn.BatchNorm2d(16)
        self.c2, self.b2 = nn.Conv2d(16, 32, 3, padding=1), nn.BatchNorm2d(32)
        self.c3, self.b3 = nn.Conv2d(32, 32, 3, padding=1), nn.BatchNorm2d(32)
        self.fc = nn.Linear(32, 10)

    def forward(self, x):
        x = F.relu(self.b1(self.c1(x)))
        x = F.max_pool2d(F.relu(self.b2(self.c2(x))), 2)
        x = F.relu(self.b3(self.c3(x)))
        return self.fc(F.adaptive_avg_pool2d(x, 1).flatten(1))


def export(model, path):
    """Writes the graph by hand so BatchNormalization stays a separate op
    (torch.onnx folds it into the convolutions in eval mode)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    inits, nodes = [], []

    def param(name, tensor):
        inits.append(numpy_helper.from_array(
            tensor.detach().numpy().astype(np.float32), name))
        return name

    x = "image"
    for i, (conv, bn) in enumerate(((model.c1, model.b1), (model.c2, model.b2),
                                    (model.c3, model.b3)), start=1):
        nodes.append(helper.make_node(
            "Conv", [x, param(f"conv{i}.weight", conv.weight),
                     param(f"conv{i}.bias", conv.bias)], [f"conv{i}"],
            name=f"conv{i}", kernel_shape=[3, 3], pads=[1, 1, 1, 1]))
        nodes.append(helper.make_node(
            "BatchNormalization",
            [f"conv{i}", param(f"bn{i}.weight", bn.weight),
             param(f"bn{i}.bias", bn.bias),
             param(f"bn{i}.running_mean", bn.running_mean),
             param(f"bn{i}.running_var", bn.running_var)], [f"bn{i}"],
            name=f"bn{i}", epsilon=bn.eps, momentum=1 - bn.momentum))
        nodes.append(helper.make_node("Relu", [f"bn{i}"], [f"relu{i}"],
                                      name=f"relu{i}"))
        x = f"relu{i}"
        if i == 2:
            nodes.append(helper.make_node("MaxPool", [x], ["pool2"],
                                          name="pool2", kernel_shape=[2, 2],
                                          strides=[2, 2]))
            x = "pool2"
    nodes += [
        helper.make_node("GlobalAveragePool", [x], ["gap"], name="gap"),
        helper.make_node("Flatten", ["gap"], ["flat"], name="flatten"),
        helper.make_node("Gemm", ["flat", param("fc.weight", model.fc.weight),
                                  param("fc.bias", model.fc.bias)],
                         ["logits"], name="fc", transB=1),
    ]
    graph = helper.make_graph(
        nodes, "digits_cnn",
        [helper.make_tensor_value_info("image", TensorProto.FLOAT,
                                       ["batch", 1, 8, 8])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                       ["batch", 10])], inits)
    onnx_model = helper.make_model(
        graph, producer_name="quant_opt.training.digits_cnn",
        opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(onnx_model)
    onnx.save(onnx_model, path)


def save_tensor(array, path):
    from onnx import numpy_helper
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(array).SerializeToString())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="models/digits_cnn")
    ap.add_argument("--epochs", type=int, default=40)
    args = ap.parse_args(argv)
    torch.manual_seed(0)
    torch.set_num_threads(1)

    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]
    y = digits.target.astype(np.int64)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2,
                                          random_state=0, stratify=y)
    model = DigitsCNN()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    gen = torch.Generator().manual_seed(0)
    start = time.time()
    xt, yt = torch.from_numpy(xtr), torch.from_numpy(ytr)
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xt), generator=gen)
        for i in range(0, len(xt), 64):
            idx = perm[i:i + 64]
            loss = F.cross_entropy(model(xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    seconds = time.time() - start
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(xte)).numpy()
    accuracy = float((logits.argmax(1) == yte).mean())
    print(f"held-out accuracy {accuracy:.4f} on {len(yte)} images "
          f"({seconds:.0f}s training)")

    os.makedirs(args.out, exist_ok=True)
    export(model, os.path.join(args.out, "digits_cnn.onnx"))
    data = os.path.join(args.out, "heldout", "test_data_set_0")
    save_tensor(xte, os.path.join(data, "input_0.pb"))
    save_tensor(logits, os.path.join(data, "output_0.pb"))
    save_tensor(yte, os.path.join(args.out, "heldout", "labels.pb"))
    info = dict(vars(args), parameters=sum(p.numel() for p in model.parameters()),
                train_images=len(ytr), heldout_images=len(yte),
                heldout_accuracy=round(accuracy, 4), train_seconds=round(seconds),
                torch=torch.__version__)
    with open(os.path.join(args.out, "training.json"), "w") as f:
        json.dump(info, f, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
