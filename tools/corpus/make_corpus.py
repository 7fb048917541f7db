#!/usr/bin/python3
"""Builds qcal's model corpus: small models shaped like what people export, each in the
variants real exporters write, with calibration and held-out data and a manifest.

Needs Debian bookworm packages (run with /usr/bin/python3, not a pyenv/venv interpreter):
    apt-get install python3-torch python3-onnx python3-numpy dataset-fashion-mnist

Usage (from the repository root):
    /usr/bin/python3 tools/corpus/make_corpus.py [OUT_DIR] [--data-dir DIR]

OUT_DIR (default target/corpus, never committed) receives:
    models/*.onnx          the model variants (see tools/corpus/README.md)
    data/*.npy, *.jsonl    calibration rows (512) and held-out rows (1000 Fashion-MNIST
                           images for the classifiers, 256 of the other kinds)
    reference/*.json       torch's outputs for the first held-out rows, to check a runtime
    manifest.json          per model: file, sha256, inputs, outputs, ops, data, qcal options

Deterministic: fixed seeds, 2 CPU threads, deterministic algorithms.
"""

import argparse
import hashlib
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import corpus_data as data  # noqa: E402
import corpus_export as ex  # noqa: E402
import corpus_models as m  # noqa: E402

SEED = 20250110
REFERENCE_ROWS = 2
DEFAULT_DATA_DIR = "/usr/share/datasets/fashion-mnist"

# The classifiers: family, architecture, training images (the first of the training split),
# epochs, peak learning rate, batch size.
CLASSIFIERS = (("mobilenetv3", m.MobileNetV3ish, 12000, 2, 4e-3, 128),
               ("vit", m.TinyVit, 12000, 1, 3e-3, 128),
               ("tinycnn", m.TinyCnn, 12000, 4, 1e-2, 128))
# The CRNNs read lines of four training images: the LSTM one learns end to end; the GRU one
# gets the LSTM one's trained Conv features, frozen, and learns its GRU and classifier.
CRNN_TRAIN_IMAGES = 12000
CRNN_EPOCHS = 4
CRNN_LR = 1e-2
CRNN_BATCH = 64


def train(model, x, y, epochs, lr, batch_size, seed, scores=None):
    """Adam with a one-cycle schedule and cross-entropy, per row (scores [B, C], labels [B]) or
    per step (scores [B, T, C], labels [B, T]); scores(model, xb) defaults to model(xb).
    Parameters with requires_grad off stay as they are. Returns the module in eval mode."""
    scores = scores or (lambda mod, xb: mod(xb))
    g = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=lr)
    steps = epochs * ((len(x) + batch_size - 1) // batch_size)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=lr, total_steps=steps)
    model.train()
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=g)
        for i in range(0, len(x), batch_size):
            idx = order[i:i + batch_size]
            s = scores(model, x[idx])
            loss = F.cross_entropy(s.reshape(-1, s.shape[-1]), y[idx].reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
    model.eval()
    return model


@torch.no_grad()
def settle_batchnorm(model, *inputs):
    """Gives an untrained model's BatchNorm layers the running statistics of real inputs (a
    forward pass in train mode, cumulative averages), so BatchNorm is not the identity."""
    for mod in model.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.reset_running_stats()
            mod.momentum = None
    model.train()
    model(*inputs)
    model.eval()
    return model


def bert_init(model):
    """BERT's initializer: normal(0, 0.02) weights and embeddings, zero biases."""
    for mod in model.modules():
        if isinstance(mod, (nn.Linear, nn.Embedding)):
            nn.init.normal_(mod.weight, std=0.02)
        if isinstance(mod, nn.Linear):
            nn.init.zeros_(mod.bias)
    return model


@torch.no_grad()
def top1(model, x, y):
    """% of rows (of steps, for per-step outputs [B, T, C]) whose argmax is the label."""
    return round(float((model(x).argmax(-1) == y).float().mean()) * 100, 2)


@torch.no_grad()
def step_report(model, x, steps):
    """The CRNN's held-out per-step accuracy against the step labels, on image steps and blank
    steps apart, and how confident its per-step argmax is (median and 10th percentile)."""
    p = model(x)
    right = p.argmax(-1) == steps
    image = steps != data.BLANK
    confidence = p.max(-1).values.reshape(-1)
    pct = lambda t: round(float(t.float().mean()) * 100, 2)  # noqa: E731
    return {"heldout_step_accuracy_torch": pct(right),
            "heldout_image_step_accuracy_torch": pct(right[image]),
            "heldout_blank_step_accuracy_torch": pct(right[~image]),
            "heldout_step_confidence_median": round(float(confidence.median()), 4),
            "heldout_step_confidence_p10": round(float(confidence.quantile(0.1)), 4)}


def build_crnns(fm, log):
    """The LSTM CRNN trained on lines of training images with per-step labels, and the GRU one
    on the LSTM one's frozen Conv features."""
    images = fm["x_train"][:CRNN_TRAIN_IMAGES]
    lines = data.text_lines(images, SEED + 2)
    steps = data.step_labels(fm["y_train"][:CRNN_TRAIN_IMAGES])
    held_x, held_steps = fm["lines"][1], fm["step_labels"][1]
    training = {"images": CRNN_TRAIN_IMAGES, "lines": len(lines), "epochs": CRNN_EPOCHS,
                "lr": CRNN_LR, "batch": CRNN_BATCH, "loss": "cross-entropy per step"}
    families = {}
    start = time.time()
    torch.manual_seed(SEED)
    lstm = train(m.Crnn("lstm"), lines, steps, CRNN_EPOCHS, CRNN_LR, CRNN_BATCH, SEED,
                 lambda mod, xb: mod.step_scores(mod.sequence(xb)))
    families["crnn_lstm"] = (lstm, {"training": training, **step_report(lstm, held_x,
                                                                        held_steps)})
    log(f"  crnn_lstm: trained in {time.time() - start:.0f} s, {families['crnn_lstm'][1]}")
    start = time.time()
    torch.manual_seed(SEED)
    gru = m.Crnn("gru")
    gru.features.load_state_dict(lstm.features.state_dict())
    gru.features.requires_grad_(False)
    gru.eval()
    with torch.no_grad():
        features = torch.cat([gru.sequence(lines[i:i + 500]) for i in range(0, len(lines), 500)])
    train(gru, features, steps, CRNN_EPOCHS, CRNN_LR, CRNN_BATCH, SEED,
          lambda mod, f: mod.step_scores(f))
    families["crnn_gru"] = (gru, {"training": {**training, "features": "crnn_lstm's, frozen"},
                                  **step_report(gru, held_x, held_steps)})
    log(f"  crnn_gru: trained in {time.time() - start:.0f} s, {families['crnn_gru'][1]}")
    return families


def build_models(fm, log):
    """The trained or settled modules by family, and what the manifest says about them."""
    held_x, held_y = fm["fmnist"][1], fm["labels"][1]
    families = {}
    for name, make, rows, epochs, lr, batch in CLASSIFIERS:
        start = time.time()
        torch.manual_seed(SEED)
        model = train(make(), fm["x_train"][:rows], fm["y_train"][:rows], epochs, lr, batch,
                      SEED)
        acc = top1(model, held_x, held_y)
        log(f"  {name}: trained in {time.time() - start:.0f} s, held-out top-1 {acc}%")
        families[name] = (model, {"heldout_top1_torch": acc, "training": {
            "images": rows, "epochs": epochs, "lr": lr, "batch": batch}})
    for upsample in ("convtranspose", "resize"):
        torch.manual_seed(SEED)
        families[f"segnet_{upsample}"] = (
            settle_batchnorm(m.SegNet(upsample), fm["scenes"][0]), {})
    families.update(build_crnns(fm, log))
    torch.manual_seed(SEED)
    families["bert"] = (bert_init(m.TinyBert()).eval(), {})
    return families


# Inputs per kind: example args for tracing, data files, reference rows, qcal options.
IMAGE = {"inputs": ["input"], "outputs": ["logits"], "data": "fmnist", "format": "jsonl",
         "qcal": ["--input", "input=input"], "validate": ["--label", "label"]}
# Dynamic H and W: the data's sample shape is given (qcal does not guess it); validate uses
# the metric qcal picks from the output's shape (iou for the mask, step-agreement for CRNNs).
SCENE = {"inputs": ["image"], "outputs": ["mask"], "data": "scenes", "format": "npy",
         "qcal": ["--input-shape", "image=3,32,32"], "validate": []}
# Per-step labels (int64 [N, 32], blank = 10) are beside the lines, for the manifest's FP32
# step accuracy; validate measures step agreement with FP32, which needs none.
LINE = {"inputs": ["input"], "outputs": ["probs"], "data": "lines", "format": "npy",
        "qcal": [], "validate": [],
        "labels": {"calib_step_labels": "data/lines_calib_steplabels.npy",
                   "heldout_step_labels": "data/lines_heldout_steplabels.npy",
                   "step_blank": data.BLANK}}
TEXT = {"inputs": ["input_ids", "attention_mask"], "outputs": ["logits"], "data": "text",
        "format": "jsonl", "validate": [],
        "qcal": ["--input", "input_ids=input_ids", "--input", "attention_mask=attention_mask"]}

BATCH = {0: "batch"}
BATCH_HW = {0: "batch", 2: "height", 3: "width"}
BATCH_SEQ = {0: "batch", 1: "sequence"}

# name, family, kind, opset, weight style, dynamic axes of inputs, of outputs, what it shows
VARIANTS = [
    ("mobilenetv3_op11_constants", "mobilenetv3", IMAGE, 11, "constants", BATCH, BATCH,
     "HardSwish as HardSigmoid+Mul, SE, BatchNormalization ops, weights in Constant nodes"),
    ("mobilenetv3_op17_init", "mobilenetv3", IMAGE, 17, "init", BATCH, BATCH,
     "HardSwish op, SE, BatchNorm folded, initializers"),
    ("segnet_op11_constants_resize", "segnet_resize", SCENE, 11, "constants", BATCH_HW,
     BATCH_HW, "Resize (bilinear) upsampling, Concat skips, dynamic H and W, Constant weights"),
    ("segnet_op17_init_convtranspose", "segnet_convtranspose", SCENE, 17, "init", BATCH_HW,
     BATCH_HW, "ConvTranspose upsampling, Concat skips, dynamic H and W"),
    ("segnet_op13_init_fixedhw", "segnet_convtranspose", SCENE, 13, "init", BATCH, BATCH,
     "ConvTranspose upsampling with H and W fixed at 32 (the data-side limit aside)"),
    ("bert_op14_decomposedln", "bert", TEXT, 14, "init", BATCH_SEQ, BATCH,
     "LayerNorm as ReduceMean/Sub/Pow/Sqrt/Div, Erf GELU, Gather embeddings, int64 ids+mask"),
    ("bert_op17_layernorm", "bert", TEXT, 17, "init", BATCH_SEQ, BATCH,
     "LayerNormalization op, Erf GELU, two activation MatMuls per head group, Softmax"),
    ("bert_op11_constants", "bert", TEXT, 11, "constants", BATCH_SEQ, BATCH,
     "decomposed LayerNorm, Transpose+MatMul attention, weights in Constant nodes"),
    ("vit_op11_constants", "vit", IMAGE, 11, "constants", BATCH, BATCH,
     "patch Conv, class token Concat, decomposed LayerNorm, Constant weights"),
    ("vit_op17_init", "vit", IMAGE, 17, "init", BATCH, BATCH,
     "patch Conv, class token Concat, LayerNormalization op"),
    ("crnn_op11_constants_lstm", "crnn_lstm", LINE, 11, "constants", BATCH, BATCH,
     "Conv+BatchNorm features, bidirectional LSTM, per-step Softmax, Constant weights"),
    ("crnn_op14_init_gru", "crnn_gru", LINE, 14, "init", BATCH, BATCH,
     "Conv features, bidirectional GRU, per-step Softmax"),
    ("tinycnn_b1_op13_init", "tinycnn", IMAGE, 13, "init", None, None,
     "fixed batch dimension of 1"),
    ("tinycnn_b1_op9_initinputs", "tinycnn", IMAGE, 9, "initinputs", None, None,
     "fixed batch 1, opset 9, initializers also listed as graph inputs"),
]


def make_data(fm, out, log):
    """Writes every data file; returns, per data kind, (calibration rows, held-out rows) as
    tuples of tensors in model-input order."""
    os.makedirs(os.path.join(out, "data"), exist_ok=True)
    calib_ids, calib_mask = data.token_batches(data.CALIB_ROWS, SEED)
    held_ids, held_mask = data.token_batches(data.HELDOUT_ROWS, SEED + 1)
    rows = {
        "fmnist": ((fm["fmnist"][0],), (fm["fmnist"][1],)),
        "scenes": ((fm["scenes"][0],), (fm["scenes"][1],)),
        "lines": ((fm["lines"][0],), (fm["lines"][1],)),
        "text": ((calib_ids, calib_mask), (held_ids, held_mask)),
    }
    for split, i in (("calib", 0), ("heldout", 1)):
        path = lambda kind, ext: os.path.join(out, "data", f"{kind}_{split}.{ext}")  # noqa: E731
        data.write_jsonl(path("fmnist", "jsonl"), {
            "input": fm["fmnist"][i].reshape(-1, 784), "label": fm["labels"][i]})
        data.write_npy(path("scenes", "npy"), fm["scenes"][i])
        data.write_npy(path("lines", "npy"), fm["lines"][i])
        data.write_npy(os.path.join(out, "data", f"lines_{split}_steplabels.npy"),
                       fm["step_labels"][i])
        ids, mask = rows["text"][i]
        data.write_jsonl(path("text", "jsonl"), {"input_ids": ids, "attention_mask": mask})
    log(f"  data: {sorted(os.listdir(os.path.join(out, 'data')))}")
    return rows


def load_inputs(data_dir):
    x_train, y_train, x_test, y_test = data.fashion_mnist(data_dir)
    fm = {"x_train": x_train, "y_train": y_train}
    fm["fmnist"] = data.split_rows(x_test, data.FMNIST_HELDOUT_ROWS)
    fm["labels"] = data.split_rows(y_test, data.FMNIST_HELDOUT_ROWS)
    # Scenes: the calibration images and the first 256 held-out ones, coloured.
    fm["scenes"] = (data.color_scenes(fm["fmnist"][0], SEED),
                    data.color_scenes(fm["fmnist"][1][:data.HELDOUT_ROWS], SEED + 1))
    # Text lines use four images each: take them from later test rows, past the other splits.
    lines_from = data.CALIB_ROWS + data.FMNIST_HELDOUT_ROWS
    count = data.LINE_IMAGES * (data.CALIB_ROWS + data.HELDOUT_ROWS)
    fm["lines"] = data.split_rows(data.text_lines(x_test[lines_from:lines_from + count], SEED))
    fm["step_labels"] = data.split_rows(data.step_labels(y_test[lines_from:lines_from + count]))
    return fm


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@torch.no_grad()
def reference(model, rows, count, names, outputs):
    """Torch's outputs on the first {@code count} held-out rows, flat, with shapes."""
    args = tuple(r[:count] for r in rows)
    result = model(*args)
    pack = lambda t: {"shape": list(t.shape), "data": t.reshape(-1).tolist()}  # noqa: E731
    return {"inputs": {n: pack(a) for n, a in zip(names, args)},
            "outputs": {outputs[0]: pack(result)}}


def export_variant(spec, families, rows, out):
    name, family, kind, opset, style, in_axes, out_axes, shows = spec
    model, facts = families[family]
    calib, held = rows[kind["data"]]
    fixed_batch = in_axes is None
    example = tuple(r[:1] if fixed_batch else r[:2] for r in calib)
    axes = {}
    if not fixed_batch:
        axes = {n: in_axes for n in kind["inputs"]}
        axes.update({n: out_axes for n in kind["outputs"]})
    proto = ex.export(model, example, opset, style, kind["inputs"], kind["outputs"], axes)
    path = os.path.join(out, "models", name + ".onnx")
    with open(path, "wb") as f:
        f.write(proto.SerializeToString())
    ref = reference(model, held, 1 if fixed_batch else REFERENCE_ROWS, kind["inputs"],
                    kind["outputs"])
    with open(os.path.join(out, "reference", name + ".json"), "w") as f:
        json.dump(ref, f)
    ext = kind["format"]
    return {
        "name": name, "family": family, "file": f"models/{name}.onnx", "opset": opset,
        "weights": style, "shows": shows, "bytes": os.path.getsize(path), "sha256": sha256(path),
        "inputs": [ex.value_info(v) for v in ex.real_inputs(proto)],
        "outputs": [ex.value_info(v) for v in proto.graph.output],
        "ops": ex.op_counts(proto),
        "sample_shapes": {n: list(r.shape[1:]) for n, r in zip(kind["inputs"], calib)},
        "calib_data": f"data/{kind['data']}_calib.{ext}",
        "heldout_data": f"data/{kind['data']}_heldout.{ext}",
        "calib_rows": len(calib[0]), "heldout_rows": len(held[0]),
        **kind.get("labels", {}),
        "qcal_args": kind["qcal"], "validate_args": kind["validate"],
        "reference": f"reference/{name}.json", **facts,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", default="target/corpus")
    parser.add_argument("--data-dir", default=DEFAULT_DATA_DIR)
    args = parser.parse_args()
    torch.set_num_threads(2)
    torch.use_deterministic_algorithms(True)
    torch.manual_seed(SEED)
    start = time.time()
    log = lambda s: print(f"[{time.time() - start:4.0f} s] {s}", flush=True)  # noqa: E731
    for sub in ("models", "data", "reference"):
        os.makedirs(os.path.join(args.out, sub), exist_ok=True)
    log("== data")
    fm = load_inputs(args.data_dir)
    rows = make_data(fm, args.out, log)
    log("== models")
    families = build_models(fm, log)
    entries = []
    for spec in VARIANTS:
        entry = export_variant(spec, families, rows, args.out)
        log(f"  {entry['name']}: {entry['bytes'] / 1024:.0f} KiB, opset {entry['opset']}, "
            f"{sum(entry['ops'].values())} nodes")
        entries.append(entry)
    manifest = {"schema": "qcal.corpus/1", "seed": SEED, "torch": torch.__version__,
                "generation_seconds": round(time.time() - start, 1), "models": entries}
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    total = sum(e["bytes"] for e in entries)
    log(f"== {len(entries)} models, {total / 1024 / 1024:.2f} MiB, "
        f"{time.time() - start:.0f} s -> {args.out}/manifest.json")


if __name__ == "__main__":
    main()
