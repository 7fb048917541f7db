package org.qcal.onnx;

import java.util.List;
import org.qcal.QcalException;
import org.qcal.kernels.Kernels;
import org.qcal.kernels.TensorKernels;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantType;
import org.qcal.stats.PerChannelMinMax;

/**
 * Quantizes a constant weight on the driver: the range of each output channel (or of the whole
 * tensor), from {@link PerChannelMinMax}, gives {@link QuantParams} by the quant-core rule, and
 * the values are quantized with the kernels' ONNX QuantizeLinear (round half to even,
 * saturating). No data is needed.
 *
 * <p>A tensor of shape {@code [d0 .. dn]} with channel axis {@code a} is a sequence of {@code
 * outer = d0 * .. * d(a-1)} blocks of {@code C = da} channels, each a contiguous run of {@code
 * inner = d(a+1) * .. * dn} values: the layout DequantizeLinear's {@code axis} assumes.
 */
final class WeightQuantizer {
  /** The quantized values in 8-bit storage and their params. */
  record Quantized(byte[] values, QuantParams params) {}

  private WeightQuantizer() {}

  /** Quantizes {@code w} of shape {@code dims} per channel along {@code axis}, or per tensor. */
  static Quantized quantize(String name, float[] w, List<Long> dims, int axis,
      WeightQuantization settings) {
    int channels = axis < 0 ? 1 : Math.toIntExact(dims.get(axis));
    int inner = axis < 0 ? w.length : Math.toIntExact(TensorData.elementCount(
        dims.subList(axis + 1, dims.size())));
    int outer = channels == 0 || inner == 0 ? 0 : w.length / (channels * inner);
    // Per tensor, the whole tensor is one channel.
    PerChannelMinMax ranges = axis < 0
        ? PerChannelMinMax.of(w, new long[] {1, w.length}, 0)
        : PerChannelMinMax.of(w, dims.stream().mapToLong(Long::longValue).toArray(), axis);
    if (ranges.nonFiniteCount() > 0) {
      throw new QcalException("weight '" + name + "' holds " + ranges.nonFiniteCount()
          + " NaN or infinite values: it cannot be quantized");
    }
    float[] mins = ranges.mins();
    float[] maxs = ranges.maxs();
    QuantType type = settings.type();
    QuantParams params = axis < 0
        ? QuantParams.fromRange(mins[0], maxs[0], type, settings.rule())
        : QuantParams.fromRanges(mins, maxs, axis, type, settings.rule());
    int qmin = (int) type.qmin(settings.rule());
    int qmax = (int) type.qmax(settings.rule());
    TensorKernels kernels = Kernels.get();
    byte[] q = new byte[w.length];
    for (int o = 0; o < outer; o++) {
      for (int c = 0; c < channels; c++) {
        int off = (o * channels + c) * inner;
        float scale = params.scale(c);
        int zp = params.zeroPoint(c);
        Kernels.checkQuantRange(qmin, qmax, zp, 8);
        kernels.quantize(w, off, inner, scale, zp, qmin, qmax, q, off);
      }
    }
    return new Quantized(q, params);
  }
}
