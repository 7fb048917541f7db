package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.onnx.TapsInFusions.Fusion;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.NodeProto;
import org.qcal.runtime.GraphOptLevel;
import org.qcal.runtime.ModelSource;
import org.qcal.runtime.OptimizedModelWriter;

class TapsInFusionsTest {

  private static OnnxModel shipped(String file) {
    return OnnxModel.fromBytes(file, OrtSupport.shippedModel(file));
  }

  @Test
  void theResidualBlocksConvOutputsReadByTheirAddAreTappedInsideAFusion() {
    OnnxModel residual = shipped("residual.onnx");
    CalibrationPlan plan = GraphAnalyzer.analyze(residual);

    // Each block: Conv -> Add(skip) -> Relu. The Add is quantized (QLinearAdd), so the second
    // Conv's output has its own params; every other tap follows a folded Relu or is an input,
    // a pool or the logits.
    assertEquals(List.of(new Fusion("/block1/conv2/Conv_output_0", "Conv", "Add"),
            new Fusion("/block2/conv2/Conv_output_0", "Conv", "Add")),
        TapsInFusions.find(residual, plan.tappedTensors()));
    assertEquals("/block1/conv2/Conv_output_0 (Conv + Add)",
        TapsInFusions.find(residual, plan.tappedTensors()).get(0).toString());
  }

  @Test
  void onnxRuntimeFusesThoseAddsInThePlainModelOnlyWhereTheyAreNotTapped() {
    OnnxModel residual = shipped("residual.onnx");
    CalibrationPlan plan = GraphAnalyzer.analyze(residual);
    int fusions = TapsInFusions.find(residual, plan.tappedTensors()).size();

    // The reference is ONNX Runtime itself: at level ALL the plain model's two Adds become the
    // sum input of NCHWc Convs; the tap model keeps one Add per Conv output it taps.
    assertEquals(0, count(optimized(residual.toByteArray()), "Add"));
    assertEquals(fusions,
        count(optimized(TapAugmenter.augment(residual, plan).toByteArray()), "Add"));
  }

  @Test
  void theCnnsTapsFollowFoldedActivationsAndPoolsSoNoneIsInsideAFusion() {
    OnnxModel cnn = shipped("cnn.onnx");

    assertEquals(List.of(), TapsInFusions.find(cnn, GraphAnalyzer.analyze(cnn).tappedTensors()));
  }

  @Test
  void withoutFoldingTheConvOutputBeforeItsReluIsInsideConvActivationFusion() {
    OnnxModel cnn = shipped("cnn.onnx");
    CalibrationPlan plan = GraphAnalyzer.analyze(cnn, NodeSelection.ALL, false);

    assertEquals(List.of(new Fusion("/conv1/Conv_output_0", "Conv", "Relu"),
            new Fusion("/conv2/Conv_output_0", "Conv", "Relu"),
            new Fusion("/fc1/Gemm_output_0", "Gemm", "Relu")),
        TapsInFusions.find(cnn, plan.tappedTensors()));
  }

  @Test
  void aTensorWithASecondReaderOrNoProducerIsNoFusionsInside() {
    OnnxModel model = new GraphBuilder()
        .input("x", ElementType.FLOAT32, -1, 4).output("s", ElementType.FLOAT32, -1, 3)
        .floatInit("W", GraphBuilder.values(12, 8, 1), 4, 3)
        .node("MatMul", "mm", List.of("x", "W"), List.of("h"))
        .node("Relu", "relu", List.of("h"), List.of("r"))
        .node("Add", "skip", List.of("h", "r"), List.of("s"))
        .model("skip.onnx");

    // h is read by the Relu and the Add: ORT fuses neither, tapped or not.
    assertEquals(List.of(), TapsInFusions.find(model, List.of("x", "h", "r", "s")));
  }

  private static List<String> optimized(byte[] bytes) {
    byte[] optimized = OptimizedModelWriter.optimize(ModelSource.of("fusion-check", bytes),
        GraphOptLevel.ALL);
    try {
      return ModelProto.parseFrom(optimized).getGraph().getNodeList().stream()
          .map(NodeProto::getOpType).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static long count(List<String> ops, String op) {
    return ops.stream().filter(op::equals).count();
  }
}
