#!/usr/bin/python3
"""Joins time_observers.py's TSV and ObserversBenchmark's JMH JSON into the markdown table of
docs/BENCHMARKS.md ("Statistics kernels against PyTorch's observers").

    table.py PYTHON_TSV JMH_JSON

Per tensor, ns per element of the fastest call, the median in brackets (the machine is shared,
so the fastest call is the least disturbed). Ratios are PyTorch's time over qcal's, from the
fastest calls: above 1, qcal is faster. The last row sums the times over all tensors and divides
by all their elements (each tensor weighted by its size).
"""
import csv
import json
import sys


def main():
    py_tsv, jmh_json = sys.argv[1:3]
    elements, py = {}, {}
    with open(py_tsv) as f:
        for r in csv.DictReader(f, delimiter="\t"):
            elements[r["tensor"]] = int(r["elements"])
            py[r["tensor"], r["observer"]] = (float(r["min_s"]), float(r["median_s"]))
    java = {}
    with open(jmh_json) as f:
        for result in json.load(f):
            bench = result["benchmark"].rsplit(".", 1)[1]
            tensor = result["params"]["tensor"]
            pct = result["primaryMetric"]["scorePercentiles"]
            assert result["primaryMetric"]["scoreUnit"] == "us/op"
            java[tensor, bench] = (pct["0.0"] * 1e-6, pct["50.0"] * 1e-6)
    columns = [("MinMaxObserver", py, "MinMaxObserver"), ("qcal minmax", java, "minmax"),
               ("HistogramObserver", py, "HistogramObserver"),
               ("qcal all methods", java, "allMethods")]
    print("| tensor | elements | MinMaxObserver ns/elem | qcal minmax ns/elem | ratio "
          "| HistogramObserver ns/elem | qcal all methods ns/elem | ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    totals = [[0.0, 0.0] for _ in columns]
    tensors = [t for t in elements if all((t, key) in src for _, src, key in columns)]
    for t in tensors:
        n = elements[t]
        cells = []
        for i, (_, src, key) in enumerate(columns):
            lo, med = src[t, key]
            totals[i][0] += lo
            totals[i][1] += med
            cells.append((lo / n * 1e9, med / n * 1e9))
        print(row(f"{t} | {n:,}", cells))
    n = sum(elements[t] for t in tensors)
    print(row(f"**all {len(tensors)}, by size** | {n:,}",
              [(lo / n * 1e9, med / n * 1e9) for lo, med in totals]))
    # Not qcal: ObserversBenchmark.minMaxOnly, a min/max-only pass, the floor under minmax.
    floor = [java[t, "minMaxOnly"] for t in tensors if (t, "minMaxOnly") in java]
    if len(floor) == len(tensors):
        lo, med = (sum(f[k] for f in floor) / n * 1e9 for k in (0, 1))
        print(f"\nJava min/max-only pass (minMaxOnly, not qcal), all {len(tensors)} by size: "
              f"{lo:.3f} ({med:.3f}) ns/elem")


def row(head, cells):
    def ns(c):
        return f"{c[0]:.3f} ({c[1]:.3f})"
    return (f"| {head} | {ns(cells[0])} | {ns(cells[1])} | {cells[0][0] / cells[1][0]:.2f}x "
            f"| {ns(cells[2])} | {ns(cells[3])} | {cells[2][0] / cells[3][0]:.1f}x |")


if __name__ == "__main__":
    main()
