package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.onnx.proto.Onnx.TensorProto;
import org.qcal.onnx.proto.Onnx.ValueInfoProto;

/**
 * GraphEdit, the edits the QDQ export plans on the original node indices and applies at once:
 * where new nodes go, edits of one node adding up, and what {@code removeIfUnused} drops.
 */
class GraphEditTest {
  private static NodeProto relu(String name, String in, String out) {
    return NodeProto.newBuilder().setOpType("Relu").setName(name).addInput(in).addOutput(out)
        .build();
  }

  private static List<String> nodeNames(GraphProto g) {
    return g.getNodeList().stream().map(NodeProto::getName).toList();
  }

  /** x -> Relu r0 -> a -> Relu r1 -> b. */
  private static GraphProto twoRelus() {
    return new GraphBuilder().input("x", ElementType.FLOAT32, 2).output("b", ElementType.FLOAT32, 2)
        .node("Relu", "r0", List.of("x"), List.of("a"))
        .node("Relu", "r1", List.of("a"), List.of("b"))
        .build().getGraph();
  }

  @Test
  void newNodesGoFirstOrRightAfterTheirNodeInTheOrderAdded() {
    GraphProto graph = twoRelus();
    GraphEdit edit = new GraphEdit(graph);

    edit.insertAfter(0, relu("after-r0-1", "a", "a1"));
    edit.prepend(relu("first-1", "x", "p1"));
    edit.insertAfter(0, relu("after-r0-2", "a", "a2"));
    edit.insertAfter(-1, relu("first-2", "x", "p2"));
    edit.insertAfter(1, relu("after-r1", "b", "l"));

    assertEquals(List.of("first-1", "first-2", "r0", "after-r0-1", "after-r0-2", "r1",
        "after-r1"), nodeNames(edit.apply()));
    assertEquals(List.of("r0", "r1"), nodeNames(graph), "the original is unchanged");
  }

  @Test
  void editsOfOneNodeAddUpAndARemovedNodeIsLeftOut() {
    GraphEdit edit = new GraphEdit(twoRelus());

    edit.redirectInput(1, "a", "x");
    edit.renameOutput(1, "b", "b_float");
    edit.setAttribute(1, Attributes.ofInt("k", 3));
    edit.remove(0);
    GraphProto g = edit.apply();

    assertEquals(List.of("r1"), nodeNames(g));
    NodeProto r1 = g.getNode(0);
    assertEquals(List.of("x"), r1.getInputList());
    assertEquals(List.of("b_float"), r1.getOutputList());
    assertEquals(3, Attributes.getInt(r1, "k", -1));
  }

  @Test
  void whatNothingReadsAnyMoreIsDroppedWithTheNodesAndInputsOnlyItNeeded() {
    // x -> MatMul(W) -> h -> MatMul(Transpose(V)) -> y -> Add(B) -> z, W and V also listed as
    // graph inputs (as IR < 4 models do). The export makes the MatMuls read Wq and Vq.
    GraphProto graph = new GraphBuilder()
        .input("x", ElementType.FLOAT32, 1, 2).input("W", ElementType.FLOAT32, 2, 2)
        .input("V", ElementType.FLOAT32, 2, 2).output("z", ElementType.FLOAT32, 1, 2)
        .floatInit("W", new float[] {1, 2, 3, 4}, 2, 2)
        .floatInit("V", new float[] {5, 6, 7, 8}, 2, 2)
        .floatInit("B", new float[] {9, 10}, 2)
        .node("Transpose", "t", List.of("V"), List.of("Vt"))
        .node("MatMul", "mm1", List.of("x", "W"), List.of("h"))
        .node("MatMul", "mm2", List.of("h", "Vt"), List.of("y"))
        .node("Add", "add", List.of("y", "B"), List.of("z"))
        .build().getGraph();
    GraphEdit edit = new GraphEdit(graph);
    edit.addInitializer(GraphBuilder.floats("Wq", new float[] {1, 2, 3, 4}, 2, 2));
    edit.addInitializer(GraphBuilder.floats("Vq", new float[] {5, 7, 6, 8}, 2, 2));
    edit.setInput(1, 1, "Wq");
    edit.setInput(2, 1, "Vq");

    edit.removeIfUnused("W");
    edit.removeIfUnused("Vt");
    edit.removeIfUnused("B");
    GraphProto g = edit.apply();

    // W: unread, gone with its graph input. Vt: unread, so its Transpose goes, and then V,
    // which only the Transpose read. B: still read by the Add, kept.
    assertEquals(List.of("mm1", "mm2", "add"), nodeNames(g));
    assertEquals(List.of("B", "Wq", "Vq"),
        g.getInitializerList().stream().map(TensorProto::getName).toList());
    assertEquals(List.of("x"), g.getInputList().stream().map(ValueInfoProto::getName).toList());
  }
}
