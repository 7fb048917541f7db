package org.qcal.onnx;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.NodeProto;

/**
 * The ops that moved attributes into inputs before opset 13, with the same meaning (ONNX
 * Changelog.md): Squeeze and Unsqueeze {@code axes} (at 13), Split {@code split} (13),
 * ReduceSum {@code axes} (13; without axes both reduce every dim), Slice {@code starts},
 * {@code ends}, {@code axes} (10; steps default to 1), TopK {@code k} (10, a 1-D tensor of one
 * value), Clip {@code min}, {@code max} (11; an absent bound is an absent input, no bound) and
 * Pad {@code pads}, {@code value} (11; the value only counts in constant mode, 0 by default).
 * The node keeps its name, outputs and other attributes; each moved attribute becomes a constant
 * in the input slot the newer definition gives it.
 */
final class AttributesToInputs implements NodeConversion {
  private enum Kind {
    /** A 1-D int64 tensor of the attribute's ints. */
    INT64S,
    /** A 1-D int64 tensor of the attribute's one int. */
    INT64_ONE,
    /** A scalar of the data input's type holding the attribute's float. */
    DATA_SCALAR
  }

  private record Moved(String attribute, int slot, Kind kind) {}

  private static final Map<String, List<Moved>> MOVED = Map.of(
      "Squeeze", List.of(new Moved("axes", 1, Kind.INT64S)),
      "Unsqueeze", List.of(new Moved("axes", 1, Kind.INT64S)),
      "Split", List.of(new Moved("split", 1, Kind.INT64S)),
      "ReduceSum", List.of(new Moved("axes", 1, Kind.INT64S)),
      "Slice", List.of(new Moved("starts", 1, Kind.INT64S), new Moved("ends", 2, Kind.INT64S),
          new Moved("axes", 3, Kind.INT64S)),
      "TopK", List.of(new Moved("k", 1, Kind.INT64_ONE)),
      "Clip", List.of(new Moved("min", 1, Kind.DATA_SCALAR),
          new Moved("max", 2, Kind.DATA_SCALAR)),
      "Pad", List.of(new Moved("pads", 1, Kind.INT64S), new Moved("value", 2, Kind.DATA_SCALAR)));

  /** The ops this conversion knows. */
  static Set<String> ops() {
    return MOVED.keySet();
  }

  @Override
  public void convert(NodeProto node, long from, ConversionSite site) {
    if (node.getInputCount() != 1) {
      throw new Refused("it has " + node.getInputCount() + " inputs; at opset " + from
          + " it has one, its other operands being attributes");
    }
    String data = node.getInput(0);
    List<String> inputs = new ArrayList<>(List.of(data));
    List<String> moved = new ArrayList<>();
    for (Moved m : MOVED.get(node.getOpType())) {
      moved.add(m.attribute());
      AttributeProto a = Attributes.find(node, m.attribute());
      if (a == null || !applies(node, m)) {
        continue;
      }
      while (inputs.size() <= m.slot()) {
        inputs.add("");
      }
      String base = node.getOutput(0) + "_" + m.attribute();
      inputs.set(m.slot(), switch (m.kind()) {
        case INT64S -> site.int64s(base, a.getIntsList().stream().mapToLong(Long::longValue)
            .toArray());
        case INT64_ONE -> site.int64s(base, a.getI());
        case DATA_SCALAR -> site.scalarLike(data, base, a.getF());
      });
    }
    NodeProto converted = Attributes.without(node, moved.toArray(String[]::new)).toBuilder()
        .clearInput().addAllInput(inputs).build();
    site.replaceWith(converted);
  }

  /** Pad's value fills only in constant mode, and 0 is the default of its input too. */
  private static boolean applies(NodeProto node, Moved m) {
    if (!node.getOpType().equals("Pad") || !m.attribute().equals("value")) {
      return true;
    }
    return Attributes.getString(node, "mode", "constant").equals("constant")
        && Attributes.getFloat(node, "value", 0f) != 0f;
  }
}
