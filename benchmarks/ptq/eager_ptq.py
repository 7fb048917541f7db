#!/usr/bin/python3
"""PyTorch eager-mode post-training quantization of the comparison's models, measured on the
same held-out rows as qcal.

For each model of comparison.py: build the eager module (eager_models.py) with exactly the
weights of the ONNX file (onnx_weights.py), check its FP32 logits against the torch outputs that
quant-core's tests pin ONNX Runtime to, then quantize it as PyTorch's eager-mode PTQ recipe
does with the default qconfig, `get_default_qconfig('fbgemm')` (1.13: HistogramObserver with
reduce_range=True for activations, per-channel symmetric qint8 MinMax for weights): fuse
Conv/Linear + ReLU, prepare, calibrate on the calibration rows, convert. On the held-out rows it
measures FP32 top-1, int8 top-1, top-1 agreement with FP32 and the output SQNR,
10 log10(sum fp32^2 / sum (fp32 - int8)^2) over all logits.

Debian's torch 1.13 is built without FBGEMM (engines qnnpack, onednn): the converted model runs
on oneDNN, PyTorch's other x86 int8 backend, which computes the same quantized ops; the qconfig
is still FBGEMM's (reduce_range=True keeps activations to 7 bits, as on FBGEMM). Each model is
also quantized with `get_default_qconfig('onednn')`, the default of the engine that runs (8-bit
activations, as qcal's uint8): see QCONFIG_BACKENDS.

    /usr/bin/python3 benchmarks/ptq/eager_ptq.py ROWS_DIR CORPUS_DIR OUT.json
"""
import json
import os
import sys

import numpy as np
import onnx
import torch
from torch.ao.quantization import convert, fuse_modules, get_default_qconfig, prepare

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import comparison  # noqa: E402
import eager_models  # noqa: E402
import onnx_weights  # noqa: E402

CALIBRATION_BATCH = 64  # rows per calibration forward, as qcal's default --batch-size (qcal.conf)
REFERENCE_TOLERANCE = 1e-4  # max |torch eager - reference| on the reference logits
# The "default qconfig" is FBGEMM's; oneDNN's (1.13: the same but reduce_range=False,
# 8-bit activations like qcal's uint8) is the default of the engine that runs here, measured too
# so that the comparison does not rest on FBGEMM's 7-bit activations alone.
QCONFIG_BACKENDS = ("fbgemm", "onednn")


def read_rows(path):
    """Images [N, 1, 28, 28] float32 and labels [N] of a JSON-lines file (input, label)."""
    pixels, labels = [], []
    with open(path) as f:
        for line in f:
            row = json.loads(line)
            pixels.append(row["input"])
            labels.append(row["label"])
    x = torch.from_numpy(np.asarray(pixels, dtype=np.float32).reshape(-1, 1, 28, 28))
    return x, torch.tensor(labels, dtype=torch.int64)


def reference_pair(spec, calib_x):
    """(inputs, logits) torch computed for the model, which ONNX Runtime is tested against."""
    ref = spec["reference"]
    data = json.load(open(ref["file"]))
    if ref["kind"] == "shipped":
        # expected_logits.json holds the logits of slice rows 0 and 1, our calibration rows 0, 1.
        return calib_x[:2], torch.tensor(data["models"][ref["name"]]["logits"])
    inputs = data["inputs"]["input"]
    x = torch.tensor(inputs["data"], dtype=torch.float32).reshape(inputs["shape"])
    outputs = data["outputs"]["logits"]
    return x, torch.tensor(outputs["data"], dtype=torch.float32).reshape(outputs["shape"])


def float_model(spec):
    proto = onnx.load(spec["model"])
    model = eager_models.build(spec["family"])
    onnx_weights.load_into(model, proto)
    if hasattr(model, "load_tokens"):
        model.load_tokens(onnx_weights.constants(proto))
    return model.eval()


def quantize(model, calib_x, backend):
    """PyTorch's eager PTQ: qconfig, fuse, prepare, calibrate, convert."""
    model.qconfig = get_default_qconfig(backend)
    if model.fusions():  # fuse_modules reads an empty list as one empty group
        fuse_modules(model, model.fusions(), inplace=True)
    prepare(model, inplace=True)
    with torch.no_grad():
        for i in range(0, len(calib_x), CALIBRATION_BATCH):
            model(calib_x[i:i + CALIBRATION_BATCH])
    return convert(model, inplace=True)


@torch.no_grad()
def logits_of(model, x):
    return torch.cat([model(x[i:i + 250]) for i in range(0, len(x), 250)])


def layer_counts(model):
    """How many Conv/Linear/LayerNorm layers convert made quantized, and how many stayed float
    (a check that the recipe quantized what float_parts says)."""
    def is_quantized(m):  # torch.ao.nn.quantized..., torch.nn.intrinsic.quantized... in 1.13
        return ".quantized." in type(m).__module__
    quantized = sum(1 for m in model.modules() if is_quantized(m) and type(m).__name__ in (
        "Conv2d", "ConvReLU2d", "Linear", "LinearReLU", "LayerNorm"))
    left_float = sum(1 for m in model.modules() if onnx_weights.kind_of(m) and not is_quantized(m))
    return {"quantized_layers": quantized, "float_layers": left_float}


def measure(fp32, int8, labels):
    fp32_top1, int8_top1 = fp32.argmax(1), int8.argmax(1)
    f, q = fp32.double(), int8.double()
    return {
        "int8_top1": 100.0 * (int8_top1 == labels).double().mean().item(),
        "agreement": 100.0 * (int8_top1 == fp32_top1).double().mean().item(),
        "sqnr_db": 10.0 * np.log10((f * f).sum().item() / ((f - q) ** 2).sum().item()),
    }


def run(spec):
    calib_x, _ = read_rows(spec["calib"])
    heldout_x, labels = read_rows(spec["heldout"])
    model = float_model(spec)
    ref_x, ref_logits = reference_pair(spec, calib_x)
    with torch.no_grad():
        diff = (model(ref_x) - ref_logits).abs().max().item()
    if diff > REFERENCE_TOLERANCE:
        sys.exit(f"{spec['name']}: eager FP32 differs from the reference logits by {diff:.2e}")
    fp32 = logits_of(model, heldout_x)
    result = {"name": spec["name"], "calib_rows": len(calib_x), "heldout_rows": len(heldout_x),
              "reference_max_abs_diff": diff, "float_parts": model.float_parts,
              "fp32_top1": 100.0 * (fp32.argmax(1) == labels).double().mean().item(),
              "ptq": {}}
    print(f"{spec['name']}: reference |diff| {diff:.1e}, FP32 {result['fp32_top1']:.1f} %",
          flush=True)
    for backend in QCONFIG_BACKENDS:
        quantized = quantize(float_model(spec), calib_x, backend)
        ptq = layer_counts(quantized)
        ptq.update(measure(fp32, logits_of(quantized, heldout_x), labels))
        result["ptq"][backend] = ptq
        print(f"  qconfig {backend}: int8 {ptq['int8_top1']:.1f} %, agreement "
              f"{ptq['agreement']:.1f} %, SQNR {ptq['sqnr_db']:.1f} dB; layers quantized "
              f"{ptq['quantized_layers']}, float {ptq['float_layers']}", flush=True)
    return result


def main():
    rows_dir, corpus_dir, out = sys.argv[1:4]
    torch.manual_seed(0)
    torch.set_num_threads(1)
    engines = torch.backends.quantized.supported_engines
    torch.backends.quantized.engine = "fbgemm" if "fbgemm" in engines else "onednn"
    results = {"torch": torch.__version__, "engine": torch.backends.quantized.engine,
               "qconfigs": {b: repr(get_default_qconfig(b)) for b in QCONFIG_BACKENDS},
               "calibration_batch": CALIBRATION_BATCH,
               "models": [run(spec) for spec in comparison.models(rows_dir, corpus_dir)]}
    with open(out, "w") as f:
        json.dump(results, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
