package org.qcal.onnx;

import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * BatchNormalization-7 with {@code spatial = 1} (its default) is BatchNormalization-9, which
 * dropped the attribute and always normalizes per channel (ONNX Changelog.md). {@code spatial =
 * 0}, statistics per element of {@code C x D1 x .. x Dn}, is refused.
 */
final class SpatialBatchNorm implements NodeConversion {
  @Override
  public void convert(NodeProto node, long from, ConversionSite site) {
    if (Attributes.getInt(node, "spatial", 1) != 1) {
      throw new Refused("spatial = 0 (statistics per element, not per channel) was removed at"
          + " opset 9");
    }
    site.replaceWith(Attributes.without(node, "spatial"));
  }
}
