package org.qcal.onnx;

import com.google.protobuf.ByteString;
import java.util.Set;
import org.qcal.onnx.proto.Onnx.AttributeProto;
import org.qcal.onnx.proto.Onnx.NodeProto;

/** Reads and writes node attributes by name, with the operator's documented default. */
final class Attributes {
  private Attributes() {}

  /** The attribute named {@code name}, or null. */
  static AttributeProto find(NodeProto node, String name) {
    for (AttributeProto a : node.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  static long getInt(NodeProto node, String name, long absent) {
    AttributeProto a = find(node, name);
    return a == null ? absent : a.getI();
  }

  static float getFloat(NodeProto node, String name, float absent) {
    AttributeProto a = find(node, name);
    return a == null ? absent : a.getF();
  }

  /** A string attribute's value (UTF-8), or {@code absent}. */
  static String getString(NodeProto node, String name, String absent) {
    AttributeProto a = find(node, name);
    return a == null ? absent : a.getS().toStringUtf8();
  }

  static AttributeProto ofInt(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
        .setI(value).build();
  }

  static AttributeProto ofFloat(String name, float value) {
    return AttributeProto.newBuilder().setName(name)
        .setType(AttributeProto.AttributeType.FLOAT).setF(value).build();
  }

  static AttributeProto ofString(String name, String value) {
    return AttributeProto.newBuilder().setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(value)).build();
  }

  /** The node without the attributes named {@code names}. */
  static NodeProto without(NodeProto node, String... names) {
    Set<String> drop = Set.of(names);
    NodeProto.Builder b = node.toBuilder().clearAttribute();
    for (AttributeProto a : node.getAttributeList()) {
      if (!drop.contains(a.getName())) {
        b.addAttribute(a);
      }
    }
    return b.build();
  }

  /** The node with attribute {@code a} added, or replacing the one with the same name. */
  static NodeProto with(NodeProto node, AttributeProto a) {
    NodeProto.Builder b = node.toBuilder();
    for (int i = 0; i < b.getAttributeCount(); i++) {
      if (b.getAttribute(i).getName().equals(a.getName())) {
        return b.setAttribute(i, a).build();
      }
    }
    return b.addAttribute(a).build();
  }
}
