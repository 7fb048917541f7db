package org.qcal.onnx;
import java.util.List;
import org.junit.jupiter.api.Test;
class ScratchTest {
  @Test
  void matmul3d() {
    for (boolean fold : new boolean[] {true, false}) {
    OnnxModel m = new GraphBuilder().input("x", DataTypes.FLOAT, 2, 3, 4).output("r", DataTypes.FLOAT, 2, 3, 5)
      .floatInit("W", GraphBuilder.values(20, 1, 1f), 4, 5).floatInit("b", GraphBuilder.values(5, 2, 1f), 5)
      .node("MatMul", "mm", List.of("x", "W"), List.of("h"))
      .node("Add", "add", List.of("h", "b"), List.of("a"))
      .node("Relu", "relu", List.of("a"), List.of("r")).model("m3.onnx");
    CalibrationPlan plan = GraphAnalyzer.analyze(m, NodeSelection.ALL, fold);
    float[] x = GraphBuilder.values(24, 3, 1f);
    var params = MinMaxParams.measure(m, plan, "x", x, 2, 3, 4);
    QdqModel q = QdqExporter.export(m, plan, params, WeightQuantization.DEFAULT);
    System.out.println("OUT fold=" + fold + " " + OrtSupport.optimizedOpTypes(q.toByteArray()));
    }
  }
}
