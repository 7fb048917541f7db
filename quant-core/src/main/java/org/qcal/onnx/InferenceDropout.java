package org.qcal.onnx;

import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * Dropout below opset 12 (ratio an attribute) as what it is in a model for inference, a copy of
 * its input (ONNX Dropout-7 and -10 in test mode; Dropout-12 without {@code training_mode}): an
 * Identity. Its mask must not be read: below 12 its value in inference is not defined (ONNX
 * Runtime writes all false, measured in OpsetConversionsTest) while Dropout-12 writes all true.
 */
final class InferenceDropout implements NodeConversion {
  @Override
  public void convert(NodeProto node, long from, ConversionSite site) {
    if (node.getOutputCount() > 1 && !node.getOutput(1).isEmpty()
        && site.isRead(node.getOutput(1))) {
      throw new Refused("its mask '" + node.getOutput(1) + "' is read, and the inference mask"
          + " changed at opset 12 (ONNX Runtime writes all false before, all true from 12)");
    }
    site.replaceWith(NodeProto.newBuilder().setOpType("Identity").setName(node.getName())
        .addInput(node.getInput(0)).addOutput(node.getOutput(0)).build());
  }
}
