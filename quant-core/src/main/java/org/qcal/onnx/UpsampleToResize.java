package org.qcal.onnx;

import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * Upsample (scales an attribute at opset 7, an input from 9, removed at 10) and Resize-10 and
 * Resize-11 as Resize-13 (ONNX Changelog.md).
 *
 * <p>Upsample and Resize-10 have no coordinate transformation or rounding attribute: an output
 * index maps back to {@code x / scale} ("asymmetric" at Resize-11), and in nearest mode ONNX
 * Runtime takes the input pixel below that when the dim is enlarged and the one above when it is
 * shrunk (measured: OpsetConversionsTest). Resize-13 says so with {@code
 * coordinate_transformation_mode = asymmetric} and {@code nearest_mode} {@code floor} or {@code
 * ceil}, which needs the scales: a nearest one whose scales are computed at run time, or that
 * enlarges some dims and shrinks others, is refused. The scales become input 2, after an absent
 * roi (optional from 13).
 *
 * <p>Resize-11 is Resize-13 but for {@code tf_half_pixel_for_nn}, removed at 13 (refused), and
 * for {@code scales} and {@code sizes}: at 11 scales must be an empty tensor when sizes is
 * given, at 13 it is an absent input; an empty constant is made absent.
 */
final class UpsampleToResize implements NodeConversion {
  @Override
  public void convert(NodeProto node, long from, ConversionSite site) {
    if (node.getOpType().equals("Resize") && from >= 11) {
      site.replaceWith(resize11(node, site));
      return;
    }
    String mode = Attributes.getString(node, "mode", "nearest");
    if (!mode.equals("nearest") && !mode.equals("linear")) {
      throw new Refused("mode '" + mode + "' is neither nearest nor linear");
    }
    String scales;
    float[] values;
    if (node.getInputCount() == 1) {
      AttributeProto a = Attributes.find(node, "scales");
      if (a == null) {
        throw new Refused("it has neither a scales input nor a scales attribute");
      }
      values = new float[a.getFloatsCount()];
      for (int i = 0; i < values.length; i++) {
        values[i] = a.getFloats(i);
      }
      scales = site.floats(node.getOutput(0) + "_scales", values);
    } else {
      scales = node.getInput(1);
      values = site.floatConstant(scales);
    }
    NodeProto.Builder resize = NodeProto.newBuilder().setOpType("Resize")
        .setName(node.getName()).addInput(node.getInput(0)).addInput("").addInput(scales)
        .addAllOutput(node.getOutputList())
        .addAttribute(Attributes.ofString("mode", mode))
        .addAttribute(Attributes.ofString("coordinate_transformation_mode", "asymmetric"));
    if (mode.equals("nearest")) {
      resize.addAttribute(Attributes.ofString("nearest_mode", nearestMode(values)));
    }
    site.replaceWith(resize.build());
  }

  /** Rounding down when every dim is kept or enlarged, up when every dim is kept or shrunk. */
  private static String nearestMode(float[] scales) {
    if (scales == null) {
      throw new Refused("its scales are computed at run time, and its nearest rounding (down"
          + " when enlarging, up when shrinking) depends on them");
    }
    boolean enlarges = false;
    boolean shrinks = false;
    for (float s : scales) {
      enlarges |= s > 1f;
      shrinks |= s < 1f;
    }
    if (enlarges && shrinks) {
      throw new Refused("it enlarges some dims and shrinks others, which it rounds differently"
          + " and Resize-13 cannot");
    }
    return shrinks ? "ceil" : "floor";
  }

  private static NodeProto resize11(NodeProto node, ConversionSite site) {
    String transform = Attributes.getString(node, "coordinate_transformation_mode",
        "half_pixel");
    if (transform.equals("tf_half_pixel_for_nn")) {
      throw new Refused("coordinate_transformation_mode tf_half_pixel_for_nn was removed at"
          + " opset 13");
    }
    boolean sizes = node.getInputCount() > 3 && !node.getInput(3).isEmpty();
    if (sizes && node.getInputCount() > 2 && !node.getInput(2).isEmpty()) {
      float[] scales = site.floatConstant(node.getInput(2));
      if (scales != null && scales.length == 0) {
        return node.toBuilder().setInput(2, "").build();
      }
    }
    return node;
  }
}
