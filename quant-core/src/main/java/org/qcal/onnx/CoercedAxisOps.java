package org.qcal.onnx;

import java.util.Set;
import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * Softmax, LogSoftmax and Hardmax below opset 13 coerce their input to 2-D at {@code axis}
 * (default 1), {@code [d0 * .. * d(axis-1), d(axis) * .. * dn]}, and normalize each row; from
 * opset 13 they normalize along the one dim {@code axis} (default -1) (ONNX Changelog.md,
 * Softmax-13). The two agree when {@code axis} is the last dim, which is what torch writes (it
 * transposes the dim it normalizes to the end), so when the axis is -1, or the input's rank is
 * known and the axis is its last dim, the node only gets its axis written out. Otherwise the old meaning is spelled
 * out: {@code Flatten(axis) -> op(axis = -1) -> Reshape} back to {@code Shape(x)}. The 2-D input
 * and output hold the values of x and y: recorded as their aliases, they get x's and y's
 * quantization params in the QDQ export, so that the op still sits between DQ and Q there.
 */
final class CoercedAxisOps implements NodeConversion {
  static final Set<String> OPS = Set.of("Softmax", "LogSoftmax", "Hardmax");

  /** The default axis below opset 13. */
  private static final long OLD_DEFAULT_AXIS = 1;

  @Override
  public void convert(NodeProto node, long from, ConversionSite site) {
    String x = node.getInput(0);
    String y = node.getOutput(0);
    long axis = Attributes.getInt(node, "axis", OLD_DEFAULT_AXIS);
    // -1 is the last dim whatever the rank (negative axes are allowed from opset 11).
    int rank = site.rank(x);
    if (axis == -1 || (rank > 0 && axis == rank - 1)) {
      site.replaceWith(Attributes.with(node, Attributes.ofInt("axis", axis)));
      return;
    }
    String base = node.getName().isEmpty() ? y : node.getName();
    String flat = site.newName(y + "_2d_input");
    String rows = site.newName(y + "_2d");
    String shape = site.newName(x + "_shape");
    site.add(NodeProto.newBuilder().setOpType("Flatten").setName(site.newName(base + "_Flatten"))
        .addInput(x).addOutput(flat).addAttribute(Attributes.ofInt("axis", axis)).build());
    site.replaceWith(Attributes.with(node, Attributes.ofInt("axis", -1)).toBuilder()
        .setInput(0, flat).setOutput(0, rows).build());
    site.add(NodeProto.newBuilder().setOpType("Shape").setName(site.newName(base + "_Shape"))
        .addInput(x).addOutput(shape).build());
    site.add(NodeProto.newBuilder().setOpType("Reshape").setName(site.newName(base + "_Reshape"))
        .addInput(rows).addInput(shape).addOutput(y).build());
    site.alias(flat, x);
    site.alias(rows, y);
  }
}
