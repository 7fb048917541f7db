#!/usr/bin/python3
"""The entropy audit's tables from tools/entropy_reference.py's `audit` lines (AUDIT.jsonl):
how often qcal's candidate equals each reference's, per model and grid (one pass or two), why
the others differ, and how far the one-pass and two-pass thresholds lie apart against how flat
the divergence is around its minimum. Usage: entropy_audit_table.py AUDIT.jsonl"""
import json
import sys
from collections import defaultdict


def same(a, b, absmax_bins):
    """Equal thresholds: the same candidate, or both at or past the absmax (qcal clips there,
    so candidates B - 1 and B can give the same threshold)."""
    if a is None or b is None:
        return False
    return a == b or (a >= absmax_bins - 1 and b >= absmax_bins - 1)


def main(path):
    rows = [json.loads(line) for line in open(path)]
    groups = defaultdict(list)
    for r in rows:
        groups[(r["model"], r["passes"])].append(r)
    print("| model | passes | tensors | qcal = smoothed ref, 128 | qcal = pytorch-q., 128 |"
          " differ: +inf for pytorch-q. / one bin / other | never negative | qcal = smoothed"
          " ref, 256 | qcal = pytorch-q. unsigned | ORT (256 levels) from qcal, median bins |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    totals = defaultdict(int)
    for (model, passes), rs in sorted(groups.items()):
        n = len(rs)
        eq_s = sum(same(r["qcal_128"], r["smoothed_128"], r["absmax_bins"]) for r in rs)
        eq_p = sum(same(r["qcal_128"], r["pytorch_128"], r["absmax_bins"]) for r in rs)
        ruled = sum(not same(r["qcal_128"], r["pytorch_128"], r["absmax_bins"])
                    and r["pytorch_rules_out_smoothed_128"] for r in rs)
        one = sum(not same(r["qcal_128"], r["pytorch_128"], r["absmax_bins"])
                  and not r["pytorch_rules_out_smoothed_128"] and r["pytorch_128_one_bin"]
                  for r in rs)
        unsigned = [r for r in rs if r["never_negative"] and r.get("smoothed_256") is not None]
        eq_s2 = sum(same(r["qcal_asym"], r["smoothed_256"], r["absmax_bins"]) for r in unsigned)
        eq_p2 = sum(same(r["qcal_asym"], r["pytorch_256"], r["absmax_bins"]) for r in unsigned)
        # ORT's upper threshold is the edge ort_256 + 1 (its slice has one more bin above 0).
        gaps = sorted(abs(min(r["qcal_128"], r["absmax_bins"])
                          - min(r["ort_256"] + 1, r["absmax_bins"])) for r in rs
                      if r["ort_256"] is not None)
        ort = gaps[len(gaps) // 2] if gaps else float("nan")
        print(f"| {model.removesuffix('.onnx')} | {passes} | {n} | {eq_s} | {eq_p} |"
              f" {ruled} / {one} / {n - eq_p - ruled - one} | {len(unsigned)} | {eq_s2} |"
              f" {eq_p2} | {ort:.0f} |")
        for k, v in (("n", n), ("eq_s", eq_s), ("eq_p", eq_p), ("ruled", ruled), ("one", one),
                     ("uns", len(unsigned)), ("eq_s2", eq_s2), ("eq_p2", eq_p2)):
            totals[k] += v
    t = totals
    print(f"| all | 1 and 2 | {t['n']} | {t['eq_s']} | {t['eq_p']} | {t['ruled']} / {t['one']} /"
          f" {t['n'] - t['eq_p'] - t['ruled'] - t['one']} | {t['uns']} | {t['eq_s2']} |"
          f" {t['eq_p2']} | |")

    # One pass against two: the thresholds of the same tensor on both grids, in two-pass bins,
    # against the flat bottom of each grid's curve (candidates within 1 % of the minimum KL),
    # the one-pass one converted to two-pass bins.
    print("\n| model | tensors | median move, 2-pass bins | max move | median flat bottom 1 pass /"
          " 2 passes, 2-pass bins | moves inside the wider flat bottom |")
    print("|---|---|---|---|---|---|")
    by = {(r["model"], r["passes"], r["name"]): r for r in rows}
    for model in sorted({r["model"] for r in rows}):
        moves, spans1, spans2, inside = [], [], [], 0
        for (m, p, name), two in sorted(by.items()):
            one = by.get((m, 1, name))
            if m != model or p != 2 or one is None:
                continue
            w2 = two["width"]
            t1 = min(one["qcal_128"], one["absmax_bins"]) * one["width"]
            t2 = min(two["qcal_128"], two["absmax_bins"]) * w2
            move = abs(t1 - t2) / w2
            span1 = one["near_min_span_128"] * one["width"] / w2
            moves.append(move)
            spans1.append(span1)
            spans2.append(two["near_min_span_128"])
            inside += move <= max(span1, two["near_min_span_128"])
        if moves:
            mid = len(moves) // 2
            moves.sort()
            spans1.sort()
            spans2.sort()
            print(f"| {model.removesuffix('.onnx')} | {len(moves)} | {moves[mid]:.1f} |"
                  f" {moves[-1]:.1f} | {spans1[mid]:.0f} / {spans2[mid]} |"
                  f" {inside} of {len(moves)} |")


if __name__ == "__main__":
    main(sys.argv[1])
