#!/usr/bin/python3
"""Independent numpy references of the two entropy (KL) calibrations qcal's EntropyCalibrator
cites, for the entropy audit (issue 14). Written from the published algorithms, not copied:

* pytorch-quantization: `_compute_amax_entropy` in NVIDIA/TensorRT,
  tools/pytorch-quantization/pytorch_quantization/calib/histogram.py. On the |x| histogram
  (edges 0, w, 2w, ...): bin 0 is replaced by bin 1; `1 << (num_bits - 1 + unsigned)` levels;
  candidates i = start_bin (128) .. len(bins), stride 1; P = bins[:i] with the outliers
  sum(bins[i:]) added to P[i-1]; bin j < i belongs to level `np.digitize(j, np.linspace(0, i,
  levels + 1)) - 1`, each level's count spread evenly over its non-empty bins (empty bins stay
  0); KL = scipy.stats.entropy(P, Q) (both normalized, 0 log 0 = 0, p > 0 with q = 0 gives
  +inf); no smoothing; the last minimum wins; amax = edges[i].
* ONNX Runtime: `HistogramCollector.get_entropy_threshold` in microsoft/onnxruntime,
  onnxruntime/python/tools/quantization/calibrate.py, with `smooth_distribution` of
  quant_utils.py. On the signed histogram symmetric about 0 (np.histogram over [-t, t], an even
  number of bins, zero_bin_index = n // 2): candidates i = num_quantized_bins // 2 .. n // 2,
  slice [zero - i, zero + i + 1) (i bins below 0, i + 1 above), P = the slice with the left and
  right outliers added to its ends; nonzero = P != 0 (after the outliers); Q: the slice cut into
  num_quantized_bins runs of size // num_quantized_bins bins (the remainder joins the last
  level's count but is not expanded), each run's count divided (integer truncation: Q is int64)
  by the non-zero P bins of the run and written to every bin of the run, empty or not; both
  smoothed in float32 (a zero becomes eps = 0.0001, the non-zero bins give eps * zeros /
  nonzeros; no non-zero bin gives +inf, a bin driven to <= 0 fails ORT's assertion); KL =
  scipy.stats.entropy(P, Q) in float32; the first minimum wins; the threshold is
  (edges[start], edges[end]) clipped to the data's [min, max]. Defaults: num_bins 128,
  num_quantized_bins 128 (create_calibrator).

Usage (JSON lines on stdout):
  entropy_reference.py candidates FIXTURE.json...   the references' candidates on committed
      histograms (quant-core's EntropyReferenceTest compares qcal's with them)
  entropy_reference.py audit DUMP.json...   qcal's candidates and the references' on the files
      benchmarks' HistogramDump writes (tools/entropy_audit.sh)
  entropy_reference.py fixture DUMP.json TENSOR SOURCE OUT.json   one dumped tensor as a fixture
"""
import json
import sys

import numpy as np


def kl_divergence(p, q, dtype=np.float64):
    """sum p ln(p / q) of the normalized distributions, as scipy.stats.entropy(p, q) computes
    it: 0 where p is 0, +inf where p > 0 and q is 0. In `dtype` (ORT's arrays are float32)."""
    p = np.asarray(p, dtype=dtype)
    q = np.asarray(q, dtype=dtype)
    p = p / p.sum()
    q = q / q.sum()
    positive = p > 0
    if np.any(positive & (q == 0)):
        return np.inf
    terms = np.zeros(p.shape, dtype=np.float64)
    pp = p[positive].astype(np.float64)
    terms[positive] = pp * np.log(pp / q[positive].astype(np.float64))
    return float(np.sum(terms.astype(dtype)))


def smooth_float64(d, eps=0.0001):
    """ORT's smooth_distribution in float64, as qcal applies it to P and Q: None when all are
    zero or a non-zero bin would not stay positive (qcal scores that candidate +inf)."""
    zeros = d == 0
    nonzeros = ~zeros
    if not nonzeros.any():
        return None
    take = eps * zeros.sum() / nonzeros.sum()
    if not take < d[nonzeros].min():
        return None
    out = d.astype(np.float64)
    out[zeros] = eps
    out[nonzeros] -= take
    return out


def pytorch_quantization_curve(hist, num_bits=8, unsigned=False, start_bin=128, stride=1,
                               smoothing=False):
    """The candidates i and their divergences, as `_compute_amax_entropy` scores them on the |x|
    histogram (amax = edges[i]). `smoothing=True` is qcal's one departure inside the search: P
    and Q smoothed as ORT's smooth_distribution (in float64) before the KL, so that a candidate
    whose last bin is empty but holds the outliers (p > 0, q = 0) scores finite, not +inf."""
    bins = np.array(hist, dtype=np.int64)
    if len(bins) > 1:
        bins[0] = bins[1]
    levels = 1 << (num_bits - 1 + int(unsigned))
    outliers = np.concatenate([np.cumsum(bins[::-1])[::-1], [0]])  # outliers[i] = sum(bins[i:])
    tried, kls = [], []
    for i in range(start_bin, len(bins) + 1, stride):
        head = bins[:i]
        level = np.digitize(np.arange(i), np.linspace(0, i, num=levels + 1)) - 1
        nonempty = head != 0
        level_sum = np.bincount(level[nonempty], weights=head[nonempty], minlength=levels)
        level_bins = np.bincount(level[nonempty], minlength=levels)
        q = np.zeros(i, dtype=np.float64)
        q[nonempty] = level_sum[level[nonempty]] / level_bins[level[nonempty]]
        p = head.astype(np.float64)
        p[-1] += outliers[i]
        if smoothing:
            p, q = smooth_float64(p), smooth_float64(q)
            kl = np.inf if p is None or q is None else kl_divergence(p, q)
        else:
            kl = kl_divergence(p, q) if q.sum() > 0 else np.inf
        tried.append(i)
        kls.append(kl)
    return np.array(tried), np.array(kls)


def pytorch_quantization_candidate(hist, curve=None, **options):
    """The candidate `_compute_amax_entropy` picks: the last minimum of the curve (`curve`, when
    given, is this histogram's pytorch_quantization_curve with these options)."""
    tried, kls = curve if curve is not None else pytorch_quantization_curve(hist, **options)
    return int(tried[len(kls) - 1 - np.argmin(kls[::-1])])


def near_minimum_span(tried, kls):
    """How wide the flat bottom of a curve is: the spread of the candidates whose divergence is
    within 1 % of the minimum, in bins. A grid change moves the optimum inside it."""
    near = tried[kls <= 1.01 * kls.min()]
    return int(near.max() - near.min())


def smooth_float32(d, eps=0.0001):
    """ORT's smooth_distribution: None when all are zero or a bin would not stay positive."""
    zeros = (d == 0).astype(np.float32)
    nonzeros = (d != 0).astype(np.float32)
    n_zeros = zeros.sum()
    n_nonzeros = d.size - n_zeros
    if not n_nonzeros:
        return None
    take = eps * float(n_zeros) / float(n_nonzeros)
    out = d.astype(np.float32)
    out += eps * zeros + (-take) * nonzeros
    if (out <= 0).any():
        return None  # ORT asserts here: the calibration fails
    return out


def signed_histogram(positive, negative):
    """qcal's two sides as one histogram symmetric about 0 (ORT's layout), zero at len // 2."""
    n = max(len(positive), len(negative))
    pos = np.zeros(n, dtype=np.int64)
    neg = np.zeros(n, dtype=np.int64)
    pos[:len(positive)] = positive
    neg[:len(negative)] = negative
    return np.concatenate([neg[::-1], pos])


def onnxruntime_candidate(hist, num_quantized_bins=128):
    """The candidate i of `get_entropy_threshold`: the slice [n//2 - i, n//2 + i + 1) of the
    signed histogram, thresholds (edges[n//2 - i], edges[n//2 + i + 1]) before clipping."""
    hist = np.asarray(hist, dtype=np.int64)
    n = hist.size
    zero = n // 2
    half = num_quantized_bins // 2
    best, best_kl = None, np.inf
    for i in range(half, zero + 1):
        start = zero - i
        end = min(zero + i + 1, n)
        sliced = hist[start:end]
        p = sliced.copy()
        p[0] += hist[:start].sum()
        p[-1] += hist[end:].sum()
        nonzero = (p != 0).astype(np.int64)
        run = sliced.size // num_quantized_bins
        covered = run * num_quantized_bins
        level_count = sliced[:covered].reshape(num_quantized_bins, run).sum(axis=1)
        level_count[-1] += sliced[covered:].sum()
        norm = nonzero[:covered].reshape(num_quantized_bins, run).sum(axis=1)
        q = np.zeros(p.size, dtype=np.int64)
        share = np.zeros(num_quantized_bins, dtype=np.int64)
        share[norm != 0] = (level_count[norm != 0] / norm[norm != 0]).astype(np.int64)
        q[:covered] = np.repeat(share, run)
        ps = smooth_float32(p)
        qs = smooth_float32(q)
        kl = np.inf if ps is None or qs is None else kl_divergence(ps, qs, np.float32)
        if best is None or kl < best_kl:  # ties: the first minimum (np.argmin)
            best, best_kl = i, kl
    return best


def pytorch_rules_out(hist, candidate):
    """Whether pytorch-quantization scores `candidate` +inf: its P has a non-zero bin where Q is
    0, i.e. the last bin is empty but holds the outliers."""
    bins = np.array(hist, dtype=np.int64)
    if len(bins) > 1:
        bins[0] = bins[1]
    return bool(bins[candidate - 1] == 0 and bins[candidate:].sum() > 0)


def one_nonempty_bin(hist, candidate):
    """Whether bins[:candidate] (zero spike replaced) hold a single non-empty bin: P and Q are
    then one spike each and pytorch-quantization's KL is exactly 0, whatever it clips."""
    bins = np.array(hist, dtype=np.int64)
    if len(bins) > 1:
        bins[0] = bins[1]
    return bool(np.count_nonzero(bins[:candidate]) == 1)


def candidates(folded, smoothed_curve=None):
    """The references' candidates on one |x| histogram, in the configurations qcal uses: 128
    levels (int8, symmetric) and 256 levels (unsigned target, candidates from 256)."""
    row = {
        "pytorch_128": pytorch_quantization_candidate(folded),
        "smoothed_128": pytorch_quantization_candidate(folded, smoothed_curve, smoothing=True),
    }
    row["pytorch_rules_out_smoothed_128"] = pytorch_rules_out(folded, row["smoothed_128"])
    row["pytorch_128_one_bin"] = one_nonempty_bin(folded, row["pytorch_128"])
    if len(folded) >= 256:
        row["pytorch_256"] = pytorch_quantization_candidate(folded, unsigned=True)
        row["smoothed_256"] = pytorch_quantization_candidate(folded, unsigned=True,
                                                             start_bin=256, smoothing=True)
        row["pytorch_rules_out_smoothed_256"] = pytorch_rules_out(folded, row["smoothed_256"])
        row["pytorch_256_one_bin"] = one_nonempty_bin(folded, row["pytorch_256"])
    return row


def audit(tensor):
    """qcal's candidates and the references' for one dumped tensor (bins of width w). qcal's
    candidate comes from its threshold, clipped to the absmax: the last candidates (B - 1 and
    B) both give the absmax when the absmax lies in the last bin's upper part."""
    folded = tensor["folded"]
    signed = signed_histogram(tensor["positive"], tensor["negative"])
    row = {"name": tensor["name"], "bins": len(folded),
           "qcal_128": tensor.get("qcalSymmetricInt8"),
           "qcal_asym": tensor.get("qcalAsymmetricUint8"),
           "never_negative": tensor["min"] >= 0}
    curve = pytorch_quantization_curve(folded, smoothing=True)
    row.update(candidates(folded, curve))
    # ORT on qcal's grid made symmetric about 0: its default 128 levels over both signs, and
    # 256 (128 a side, as qcal); its upper threshold is the edge i + 1.
    row["absmax_bins"] = max(-tensor["min"], tensor["max"]) / tensor["width"]
    row["width"] = tensor["width"]
    row["near_min_span_128"] = near_minimum_span(*curve)
    row["ort_128"] = onnxruntime_candidate(signed, 128)
    row["ort_256"] = onnxruntime_candidate(signed, 256) if len(signed) // 2 >= 128 else None
    return row


def main(args):
    if args[:1] == ["candidates"]:
        for path in args[1:]:
            with open(path) as f:
                fixture = json.load(f)
            row = candidates(fixture["folded"])
            row["file"] = path
            print(json.dumps(row, sort_keys=True))
    elif args[:1] == ["audit"]:
        for path in args[1:]:
            with open(path) as f:
                dump = json.load(f)
            for tensor in dump["tensors"]:
                if len(tensor["folded"]) >= 128:
                    row = audit(tensor)
                    row.update(model=dump["model"], passes=dump["passes"])
                    print(json.dumps(row, sort_keys=True))
    elif args[:1] == ["fixture"] and len(args) == 5:
        _, path, tensor_name, source, out = args
        with open(path) as f:
            dump = json.load(f)
        tensor = next(t for t in dump["tensors"] if t["name"] == tensor_name)
        with open(out, "w") as f:
            json.dump({"source": source, "tensor": tensor_name, "width": tensor["width"],
                       "min": tensor["min"], "max": tensor["max"],
                       "folded": tensor["folded"]}, f)
            f.write("\n")
    else:
        sys.stderr.write("usage: entropy_reference.py candidates FIXTURE.json... | audit DUMP.json..."
                         " | fixture DUMP.json TENSOR SOURCE OUT.json\n")
        sys.exit(2)


if __name__ == "__main__":
    main(sys.argv[1:])
