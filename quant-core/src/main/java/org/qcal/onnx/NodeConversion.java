package org.qcal.onnx;

import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * Rewrites one default-domain node of an opset below 13 into nodes that compute the same at
 * opset 13, for {@link OpsetUpgrade}.
 */
interface NodeConversion {
  /**
   * Writes the replacement of {@code node}, defined at opset {@code from}, into {@code site};
   * throws {@link Refused} with the reason when opset 13 has no equivalent that qcal can write.
   */
  void convert(NodeProto node, long from, ConversionSite site);

  /** Why a node cannot be converted; {@link OpsetUpgrade} names the node, its op and opset. */
  final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Refused(String reason) {
      super(reason, null, false, false);
    }
  }
}
