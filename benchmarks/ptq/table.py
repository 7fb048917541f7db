#!/usr/bin/python3
"""The side-by-side table of benchmarks/ptq-compare.sh: PyTorch's eager PTQ (pytorch.json) and
qcal tune's shipped winner (qcal/NAME/out/tune.json and validation.json), per model.

    /usr/bin/python3 benchmarks/ptq/table.py OUT_DIR

Issue 14's target: tune within 0.3 points of FP32 top-1 (or top-1 agreement with FP32 >= 99 %),
and better than PyTorch. "Better" is judged on the two measures of closeness to FP32, output
SQNR and top-1 agreement: yes when qcal is higher on SQNR and not lower on agreement, no when
the reverse, mixed otherwise. Top-1 against the labels is shown but not used: on 1000 rows one
row is 0.1 point, and a quantized model can score above FP32 by chance (see the ViT row).
One table per qconfig eager_ptq.py measured (FBGEMM's, the issue's default, first).
"""
import json
import os
import sys

TARGET_DROP = 0.3  # points of top-1 below FP32
TARGET_AGREEMENT = 99.0  # percent, the alternative target


def held_out_metrics(folder, chosen, sha256=None):
    """FP32 top-1 and one candidate's held-out metrics from a tune's validation.json, the
    candidate found by name, or by the sha256 of its model when given."""
    validation = json.load(open(os.path.join(folder, "validation.json")))
    candidate = next(c for c in validation["candidates"]
                     if (c["sha256"] == sha256 if sha256 else c["name"] == chosen))
    output = next(o for o in candidate["outputs"] if o["name"] == validation["classOutput"])
    return {"fp32_top1": validation["reference"]["top1"], "chosen": chosen,
            "int8_top1": candidate["metrics"]["top1"],
            "agreement": candidate["metrics"]["agreement"], "sqnr_db": output["sqnrDb"]}


def qcal_result(out_dir, name):
    """tune's shipped winner, measured on the held-out rows: a first-pass candidate from
    validation.json, a float-fallback step from tune.json (validated on the same rows)."""
    folder = os.path.join(out_dir, "qcal", name, "out")
    tune = json.load(open(os.path.join(folder, "tune.json")))
    chosen = tune["chosen"]
    if chosen["name"] in {c["name"] for c in json.load(
            open(os.path.join(folder, "validation.json")))["candidates"]}:
        result = held_out_metrics(folder, chosen["name"])
    else:
        assert tune["metric"] == "top1", tune["metric"]
        validation = json.load(open(os.path.join(folder, "validation.json")))
        result = {"fp32_top1": validation["reference"]["top1"], "chosen": chosen["name"],
                  "int8_top1": chosen["value"], "agreement": chosen["agreement"],
                  "sqnr_db": chosen["outputSqnrDb"]}
    result["status"] = tune["status"]
    return result


def calibrate_result(out_dir, name):
    """calibrate's default export (--choose auto, chosen on calibration rows), measured on the
    held-out rows: the tune candidate with the same model sha256."""
    calibration = json.load(open(os.path.join(out_dir, "qcal", name, "calibrate",
                                              "calibration.json")))
    chosen = calibration["chosen"]
    sha256 = next(r["sha256"] for r in calibration["recipes"] if r["name"] == chosen)
    return held_out_metrics(os.path.join(out_dir, "qcal", name, "out"), chosen, sha256)


def verdicts(fp32_top1, torch_result, qcal):
    drop = fp32_top1 - qcal["int8_top1"]
    within = drop <= TARGET_DROP + 1e-9 or qcal["agreement"] >= TARGET_AGREEMENT
    target = f"{'yes' if within else 'no'} (drop {drop:.1f} pt)"
    sqnr_gain = qcal["sqnr_db"] - torch_result["sqnr_db"]
    agreement_gain = qcal["agreement"] - torch_result["agreement"]
    if sqnr_gain > 0 and agreement_gain >= 0:
        better = "yes"
    elif sqnr_gain < 0 and agreement_gain <= 0:
        better = "no"
    else:
        better = "mixed"
    return target, f"{better} ({sqnr_gain:+.1f} dB, {agreement_gain:+.1f} pt agreement)"


def print_table(out_dir, pytorch, backend):
    print(f"PyTorch eager PTQ with `get_default_qconfig('{backend}')`: "
          f"`{pytorch['qconfigs'][backend]}`")
    print()
    print("| model | FP32 top-1 | PyTorch PTQ top-1 | agreement | SQNR | float in PyTorch "
          "| qcal tune top-1 | agreement | SQNR | chosen | within 0.3 pt of FP32? "
          "| qcal better? |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for m in pytorch["models"]:
        t, q = m["ptq"][backend], qcal_result(out_dir, m["name"])
        fp32 = f"{q['fp32_top1']:.1f} %"
        if abs(q["fp32_top1"] - m["fp32_top1"]) > 1e-9:  # ORT and torch on the same rows
            fp32 += f" (torch {m['fp32_top1']:.1f} %)"
        target, better = verdicts(q["fp32_top1"], t, q)
        chosen = q["chosen"] + ("" if q["status"] == "passed" else f" ({q['status']})")
        print(f"| {m['name']} | {fp32} | {t['int8_top1']:.1f} % | {t['agreement']:.1f} % "
              f"| {t['sqnr_db']:.1f} dB | {m['float_parts']} | {q['int8_top1']:.1f} % "
              f"| {q['agreement']:.1f} % | {q['sqnr_db']:.1f} dB | {chosen} | {target} "
              f"| {better} |")
    print()


def print_selection_free(out_dir, pytorch):
    backends = list(pytorch["qconfigs"])
    print("Without selection on the held-out rows: calibrate's default export (`--choose auto`, "
          "chosen on the calibration rows), measured on the held-out rows:")
    print()
    print("| model | chosen | top-1 | agreement | SQNR | within 0.3 pt of FP32? | "
          + " | ".join(f"better than PyTorch {b}?" for b in backends) + " |")
    print("|---|---|---|---|---|---|" + "---|" * len(backends))
    for m in pytorch["models"]:
        c = calibrate_result(out_dir, m["name"])
        cells = [verdicts(c["fp32_top1"], m["ptq"][b], c) for b in backends]
        print(f"| {m['name']} | {c['chosen']} | {c['int8_top1']:.1f} % | {c['agreement']:.1f} % "
              f"| {c['sqnr_db']:.1f} dB | {cells[0][0]} | "
              + " | ".join(better for _, better in cells) + " |")
    print()


def main():
    out_dir = sys.argv[1]
    pytorch = json.load(open(os.path.join(out_dir, "pytorch.json")))
    print(f"PyTorch {pytorch['torch']}, quantized engine {pytorch['engine']}; "
          f"{pytorch['calibration_batch']} rows per calibration batch")
    print()
    for backend in pytorch["qconfigs"]:
        print_table(out_dir, pytorch, backend)
    print_selection_free(out_dir, pytorch)


if __name__ == "__main__":
    main()
