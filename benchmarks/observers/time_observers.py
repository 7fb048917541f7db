#!/usr/bin/python3
"""Times PyTorch's MinMaxObserver and HistogramObserver, one core, on the tensors that
dump_activations.py wrote (its manifest.tsv), for observers-bench.sh.

Each observer is built with its default constructor arguments, which in PyTorch 1.13
(torch/ao/quantization/observer.py) are: MinMaxObserver(dtype=torch.quint8,
qscheme=torch.per_tensor_affine, reduce_range=False); HistogramObserver(bins=2048,
upsample_rate=128, dtype=torch.quint8, qscheme=torch.per_tensor_affine, reduce_range=False).
It is fed as in calibration, observer(x) once per batch tensor, and keeps its state across
calls, like qcal's side of the benchmark. Fed the same tensor again, the range does not grow,
so HistogramObserver takes its cheapest branch (aminmax, histc over the same range, add; no
re-binning of the old histogram): the times are a lower bound for calibration on real batches.
calculate_qparams() runs once per observer after the timed calls and is timed apart (not in
ns/element): qcal's range searches likewise run once per tensor, after the statistics.

    time_observers.py DUMP_DIR OUT_TSV [--seconds 1.0]

OUT_TSV: tensor, elements, observer, calls, min and median seconds per call, min and median ns
per element, seconds of calculate_qparams().
"""
import argparse
import os
import statistics
import time

import numpy as np
import torch
from torch.ao.quantization.observer import HistogramObserver, MinMaxObserver


def time_calls(observer, x, seconds, min_calls=5, max_calls=500):
    """Seconds of each timed call; calls until `seconds` have passed (within the bounds)."""
    for _ in range(3):  # warm-up: first-call branch, allocator, caches
        observer(x)
    times = []
    start = time.perf_counter()
    while len(times) < max_calls and (len(times) < min_calls
                                      or time.perf_counter() - start < seconds):
        t0 = time.perf_counter_ns()
        observer(x)
        times.append((time.perf_counter_ns() - t0) * 1e-9)
    return times


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("dump")
    parser.add_argument("out")
    parser.add_argument("--seconds", type=float, default=1.0)
    args = parser.parse_args()
    # One core, as the target says; interop threads too, though the observers use none.
    torch.set_num_threads(1)
    torch.set_num_interop_threads(1)
    with open(os.path.join(args.dump, "manifest.tsv")) as f:
        manifest = [line.rstrip("\n").split("\t") for line in f][1:]
    with open(args.out, "w") as out:
        out.write("tensor\telements\tobserver\tcalls\tmin_s\tmedian_s\tmin_ns_per_elem"
                  "\tmedian_ns_per_elem\tqparams_s\n")
        for name, file, _shape, _rows in manifest:
            x = torch.from_numpy(np.load(os.path.join(args.dump, file)))
            n = x.numel()
            for observer_class in (MinMaxObserver, HistogramObserver):
                observer = observer_class()
                times = time_calls(observer, x, args.seconds)
                t0 = time.perf_counter()
                observer.calculate_qparams()
                qparams = time.perf_counter() - t0
                lo, med = min(times), statistics.median(times)
                row = (name, n, observer_class.__name__, len(times), f"{lo:.6g}", f"{med:.6g}",
                       f"{lo / n * 1e9:.4g}", f"{med / n * 1e9:.4g}", f"{qparams:.4g}")
                out.write("\t".join(map(str, row)) + "\n")
                print(f"{name:40s} {observer_class.__name__:18s} {len(times):4d} calls "
                      f"min {lo / n * 1e9:7.3f} median {med / n * 1e9:7.3f} ns/elem, "
                      f"calculate_qparams {qparams * 1e3:.1f} ms", flush=True)


if __name__ == "__main__":
    main()
