package org.qcal.onnx;

import java.util.List;
import java.util.Set;
import org.qcal.QcalException;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.quant.QuantParams;

/**
 * Inserts the QuantizeLinear/DequantizeLinear nodes of a QDQ model, named as ONNX Runtime's
 * quantizer names them ({@code x_scale}, {@code x_zero_point}, {@code x_quantized}).
 *
 * <p>An activation {@code x} gets {@code x -> Q -> DQ} right after its producer and every reader
 * of {@code x} reads the DQ output instead, so the quantized op sees DQ on each input and Q on its
 * output: the "node unit" ONNX Runtime fuses into an integer kernel. When {@code x} is a graph
 * output the DQ output takes over its name (the producer writes {@code x_float}), so the model's
 * outputs keep their names.
 *
 * <p>A constant gets its integer initializer and a DQ node; per-channel params put the channel
 * axis on the DQ node ({@code axis} attribute, opset >= 13).
 *
 * <p>ONNX's QuantizeLinear/DequantizeLinear take 16-bit types from opset 21 only; below it, Q/DQ
 * of 16-bit params are written in ONNX Runtime's {@code com.microsoft} domain, whose contrib
 * QuantizeLinear/DequantizeLinear take int16 and uint16 at any opset (what ONNX Runtime's own
 * quantizer writes for 16-bit types before opset 21, docs/DESIGN.md "16-bit activations").
 */
final class QdqInserter {
  /** ONNX Runtime's contrib operator domain. */
  static final String CONTRIB_DOMAIN = "com.microsoft";

  private final GraphEdit edit;
  private final GraphIndex index;
  private final Set<String> used;
  private final boolean contrib16Bit;

  /** {@code contrib16Bit}: write Q/DQ of 16-bit params in {@link #CONTRIB_DOMAIN}. */
  QdqInserter(GraphEdit edit, GraphIndex index, Set<String> used, boolean contrib16Bit) {
    this.edit = edit;
    this.index = index;
    this.used = used;
    this.contrib16Bit = contrib16Bit;
  }

  /** Quantizes activation {@code x} with per-tensor {@code params}. */
  void activation(String x, QuantParams params) {
    if (params.isPerChannel()) {
      throw new QcalException("activation '" + x + "' must have per-tensor params, got "
          + params.channels() + " channels");
    }
    String scale = addScalars(x, params);
    String zeroPoint = scale.substring(0, scale.length() - "_scale".length()) + "_zero_point";
    String quantized = Names.unique(x + "_quantized", used);
    int producer = index.producer(x);
    if (index.isGraphOutput(x)) {
      if (producer < 0) {
        return; // a graph input passed straight through: nothing computes it
      }
      String floatName = Names.unique(x + "_float", used);
      edit.renameOutput(producer, x, floatName);
      edit.insertAfter(producer, quantize(x, floatName, scale, zeroPoint, quantized, params));
      edit.insertAfter(producer, dequantize(x, quantized, scale, zeroPoint, x, params));
      return;
    }
    String dequantized = Names.unique(x + "_dequantized", used);
    edit.insertAfter(producer, quantize(x, x, scale, zeroPoint, quantized, params));
    edit.insertAfter(producer, dequantize(x, quantized, scale, zeroPoint, dequantized, params));
    for (int reader : index.consumers(x)) {
      edit.redirectInput(reader, x, dequantized);
    }
  }

  /**
   * Adds {@code quantized} (an integer initializer) with its scale and zero point and a DQ node;
   * returns the DQ output, the float tensor the consumer reads in place of the original.
   */
  String constant(String original, TensorProto quantized, QuantParams params) {
    String scale;
    String zeroPoint;
    if (params.isPerChannel()) {
      scale = Names.unique(original + "_scale", used);
      zeroPoint = Names.unique(original + "_zero_point", used);
      List<Long> dims = List.of((long) params.channels());
      edit.addInitializer(TensorData.floats(scale, dims, params.scales()));
      edit.addInitializer(TensorData.integers(zeroPoint, params.type(), dims,
          params.zeroPoints()));
    } else {
      scale = addScalars(original, params);
      zeroPoint = scale.substring(0, scale.length() - "_scale".length()) + "_zero_point";
    }
    edit.addInitializer(quantized);
    String dequantized = Names.unique(original + "_dequantized", used);
    edit.prepend(dequantize(original, quantized.getName(), scale, zeroPoint, dequantized,
        params));
    return dequantized;
  }

  /** Scalar scale and zero point initializers named {@code base_scale}/{@code base_zero_point}. */
  private String addScalars(String base, QuantParams params) {
    String stem = base;
    for (int k = 1; used.contains(stem + "_scale") || used.contains(stem + "_zero_point"); k++) {
      stem = base + "_" + k;
    }
    String scale = stem + "_scale";
    String zeroPoint = stem + "_zero_point";
    used.add(scale);
    used.add(zeroPoint);
    edit.addInitializer(TensorData.floats(scale, List.of(), new float[] {params.scale()}));
    edit.addInitializer(TensorData.integers(zeroPoint, params.type(), List.of(),
        new int[] {params.zeroPoint()}));
    return scale;
  }

  private NodeProto quantize(String base, String x, String scale, String zp, String y,
      QuantParams params) {
    return NodeProto.newBuilder().setOpType("QuantizeLinear").setDomain(domain(params))
        .setName(Names.unique(base + "_QuantizeLinear", used))
        .addInput(x).addInput(scale).addInput(zp).addOutput(y).build();
  }

  private NodeProto dequantize(String base, String x, String scale, String zp, String y,
      QuantParams params) {
    NodeProto.Builder b = NodeProto.newBuilder().setOpType("DequantizeLinear")
        .setDomain(domain(params))
        .setName(Names.unique(base + "_DequantizeLinear", used))
        .addInput(x).addInput(scale).addInput(zp).addOutput(y);
    if (params.isPerChannel()) {
      b.addAttribute(Attributes.ofInt("axis", params.axis()));
    }
    return b.build();
  }

  private String domain(QuantParams params) {
    return contrib16Bit && params.type().bits() == 16 ? CONTRIB_DOMAIN : "";
  }
}
