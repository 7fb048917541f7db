package org.qcal.onnx;

import org.qcal.Check;
import org.qcal.QcalException;
import org.qcal.kernels.Kernels;
import org.qcal.kernels.TensorKernels;
import org.qcal.quant.QuantParams;
import org.qcal.quant.QuantRule;
import org.qcal.quant.QuantType;

/**
 * A matrix {@code B [K, N]} quantized to 4 bits in blocks of {@code blockSize} consecutive
 * values along K, one scale (and zero point) per block of each column, in the layout of ONNX
 * Runtime's {@code com.microsoft.MatMulNBits} (docs/DESIGN.md "4-bit weights"):
 *
 * <pre>
 *   B           uint8 [N, kBlocks, blockSize / 2]   column n's values along K, two per byte
 *   scales      float [N * kBlocks]                 block b of column n at n * kBlocks + b
 *   zero_points uint8 [N * ceil(kBlocks / 2)]       uint4 only, two per byte, each column padded
 * </pre>
 *
 * <p>Two values share a byte low nibble first: value {@code 2i} in bits 0-3, {@code 2i + 1} in
 * bits 4-7, the order of the ONNX standard's packed INT4/UINT4 tensors (onnx docs/IR.md, "4 bit
 * integer types": "the first element is stored in the 4 least significant bits") and of
 * MatMulNBits. {@code kBlocks = ceil(K / blockSize)}; the values past K in the last block are
 * stored as the zero point, i.e. as 0.
 *
 * <p>Each block's range goes through docs/DESIGN.md's rule ({@link QuantParams#fromRange}):
 * {@link QuantType#INT4} symmetric (scale {@code amax / 7}, q in -7..7) is stored as the
 * unsigned {@code q + 8} with no zero point input, since MatMulNBits then uses {@code 2^(bits-1)
 * = 8}; {@link QuantType#UINT4} asymmetric (scale {@code (max - min) / 15}, zero point in 0..15)
 * stores its zero points.
 *
 * @param blob the packed values, {@code N * kBlocks * blockSize / 2} bytes
 * @param zeroPoints the packed zero points, or null for int4
 * @param params the blocks' scales and zero points (type int4 or uint4), block {@code b} of
 *     column {@code n} at {@code n * kBlocks + b}
 */
public record NibbleBlocks(int k, int n, int blockSize, byte[] blob, byte[] zeroPoints,
    QuantParams params) {

  /** MatMulNBits' zero point when none is given: {@code 2^(bits - 1)}. */
  static final int DEFAULT_ZERO_POINT = 8;

  /** Block sizes ONNX Runtime's CPU kernels take: powers of two from 16 (MLAS SQNBitGemm). */
  public static boolean validBlockSize(int blockSize) {
    return blockSize >= 16 && blockSize <= 256 && Integer.bitCount(blockSize) == 1;
  }

  /** Blocks per column. */
  public int kBlocks() {
    return (k + blockSize - 1) / blockSize;
  }

  /**
   * Quantizes {@code b}, row-major: {@code [K, N]} ({@code transposed} false, MatMul's B) or
   * {@code [N, K]} ({@code transposed} true, Gemm's B with transB = 1).
   */
  public static NibbleBlocks quantize(String name, float[] b, int k, int n, boolean transposed,
      int blockSize, QuantType type) {
    Check.that(validBlockSize(blockSize), "block size", "a power of two in [16, 256]",
        blockSize);
    Check.that(type == QuantType.INT4 || type == QuantType.UINT4, "4-bit weight type",
        "int4 or uint4", type);
    Check.that((long) k * n == b.length, "weight '" + name + "' size", "K * N = " + k + " * " + n,
        b.length);
    QuantRule rule = type == QuantType.INT4 ? QuantRule.SYMMETRIC : QuantRule.ASYMMETRIC;
    int qmin = (int) type.qmin(rule);
    int qmax = (int) type.qmax(rule);
    int kBlocks = (k + blockSize - 1) / blockSize;
    int blobBytes = blockSize / 2;
    byte[] blob = new byte[n * kBlocks * blobBytes];
    float[] scales = new float[n * kBlocks];
    int[] zps = new int[n * kBlocks];
    float[] block = new float[blockSize];
    byte[] q = new byte[blockSize];
    TensorKernels kernels = Kernels.get();
    for (int col = 0; col < n; col++) {
      for (int blk = 0; blk < kBlocks; blk++) {
        int k0 = blk * blockSize;
        int len = Math.min(blockSize, k - k0);
        float min = 0;
        float max = 0;
        for (int i = 0; i < len; i++) {
          float v = transposed ? b[col * k + k0 + i] : b[(k0 + i) * n + col];
          if (!Float.isFinite(v)) {
            throw new QcalException("weight '" + name + "' holds a NaN or infinite value: it"
                + " cannot be quantized");
          }
          block[i] = v;
          min = Math.min(min, v);
          max = Math.max(max, v);
        }
        QuantParams p = QuantParams.fromRange(min, max, type, rule);
        int at = col * kBlocks + blk;
        scales[at] = p.scale();
        zps[at] = p.zeroPoint();
        kernels.quantize(block, 0, len, p.scale(), p.zeroPoint(), qmin, qmax, q, 0);
        // Stored unsigned: int4 moves by MatMulNBits' implicit zero point 8.
        int shift = type == QuantType.INT4 ? DEFAULT_ZERO_POINT : 0;
        int pad = p.zeroPoint() + shift;
        int base = at * blobBytes;
        for (int i = 0; i < blockSize; i += 2) {
          int lo = i < len ? q[i] + shift : pad;
          int hi = i + 1 < len ? q[i + 1] + shift : pad;
          blob[base + i / 2] = nibbles(lo, hi);
        }
      }
    }
    byte[] packedZps = null;
    if (type == QuantType.UINT4) {
      int perColumn = (kBlocks + 1) / 2;
      packedZps = new byte[n * perColumn];
      for (int col = 0; col < n; col++) {
        for (int blk = 0; blk < kBlocks; blk += 2) {
          int lo = zps[col * kBlocks + blk] & 0xFF;
          int hi = blk + 1 < kBlocks ? zps[col * kBlocks + blk + 1] & 0xFF : 0;
          packedZps[col * perColumn + blk / 2] = nibbles(lo, hi);
        }
      }
    }
    QuantParams params = QuantParams.perChannel(scales, zps, 0, type);
    return new NibbleBlocks(k, n, blockSize, blob, packedZps, params);
  }

  /** One byte of two 4-bit values, {@code first} in the low nibble. */
  static byte nibbles(int first, int second) {
    return (byte) ((first & 0x0F) | (second & 0x0F) << 4);
  }
}
