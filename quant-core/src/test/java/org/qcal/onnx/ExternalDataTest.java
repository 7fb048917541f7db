package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.ElementType;
import org.qcal.QcalException;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.StringStringEntryProto;
import org.qcal.onnx.proto.Onnx.TensorProto;

/** Tensors in side files are read through the model's {@link ModelFiles}, and only from its folder. */
class ExternalDataTest {
  @TempDir Path dir;

  private static final float[] WEIGHTS = {0.5f, -1.25f, 2f, 3.5f, -0.75f, 1f};

  /** x [1,3] @ w [3,2] -> y, with w stored outside the model file. */
  private static ModelProto modelWithExternalWeight(String location, Long offset, Long length) {
    TensorProto.Builder w = TensorProto.newBuilder().setName("w")
        .setDataType(ElementType.FLOAT32.code())
        .addDims(3).addDims(2).setDataLocation(TensorProto.DataLocation.EXTERNAL)
        .addExternalData(entry("location", location));
    if (offset != null) {
      w.addExternalData(entry("offset", offset.toString()));
    }
    if (length != null) {
      w.addExternalData(entry("length", length.toString()));
    }
    GraphBuilder g = new GraphBuilder()
        .input("x", ElementType.FLOAT32, 1, 3).output("y", ElementType.FLOAT32, 1, 2)
        .node("MatMul", "mm", List.of("x", "w"), List.of("y"));
    g.graph().addInitializer(w);
    return g.build();
  }

  private static StringStringEntryProto entry(String key, String value) {
    return StringStringEntryProto.newBuilder().setKey(key).setValue(value).build();
  }

  private static byte[] weightBytes() {
    return GraphBuilder.floats("w", WEIGHTS, 3, 2).getRawData().toByteArray();
  }

  private Path write(String name, ModelProto model) throws IOException {
    Path path = dir.resolve(name);
    Files.createDirectories(path.getParent());
    Files.write(path, model.toByteArray());
    return path;
  }

  private static float[] weightsOf(OnnxModel model) {
    return TensorData.floats(model.graph().getInitializer(0), model.name());
  }

  @Test
  void inlinesATensorFromASideFile() throws IOException {
    Files.write(dir.resolve("weights.bin"), weightBytes());
    OnnxModel model = OnnxModel.load(write("model.onnx", modelWithExternalWeight("weights.bin",
        null, null)));

    TensorProto w = model.graph().getInitializer(0);
    assertFalse(w.hasDataLocation());
    assertEquals(0, w.getExternalDataCount());
    assertArrayEquals(WEIGHTS, weightsOf(model));
  }

  @Test
  void honoursOffsetAndLengthInASubfolder() throws IOException {
    byte[] data = weightBytes();
    byte[] file = new byte[4096 + data.length + 100];
    System.arraycopy(data, 0, file, 4096, data.length);
    Files.createDirectories(dir.resolve("data"));
    Files.write(dir.resolve("data/all.bin"), file);

    OnnxModel model = OnnxModel.load(write("model.onnx", modelWithExternalWeight(
        "./data/sub/../all.bin", 4096L, (long) data.length)));

    assertArrayEquals(WEIGHTS, weightsOf(model));
  }

  @Test
  void inMemoryFilesServeSideFilesToo() {
    ModelProto proto = modelWithExternalWeight("w.bin", null, null);
    OnnxModel model = OnnxModel.load(new InMemoryModelFiles("mem/model.onnx",
        proto.toByteArray(), Map.of("w.bin", weightBytes())));
    assertArrayEquals(WEIGHTS, weightsOf(model));
  }

  @Test
  void refusesALocationThatEscapesTheFolder() throws IOException {
    Files.write(dir.resolve("secret.bin"), weightBytes());
    Path model = write("sub/model.onnx", modelWithExternalWeight("../secret.bin", null, null));

    QcalException e = assertThrows(QcalException.class, () -> OnnxModel.load(model));

    assertTrue(e.getMessage().contains(model.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("'w'"), "names the tensor: " + e.getMessage());
    assertTrue(e.getMessage().contains("'../secret.bin'"), "names the location: "
        + e.getMessage());
    assertTrue(e.getMessage().contains("escapes the model's folder"), e.getMessage());
  }

  @Test
  void refusesAnAbsoluteLocation() throws IOException {
    Path side = dir.resolve("abs.bin");
    Files.write(side, weightBytes());
    Path model = write("model.onnx", modelWithExternalWeight(side.toString(), null, null));

    QcalException e = assertThrows(QcalException.class, () -> OnnxModel.load(model));

    assertTrue(e.getMessage().contains("absolute") && e.getMessage().contains("'w'"),
        e.getMessage());
  }

  @Test
  void reportsAMissingSideFile() throws IOException {
    Path model = write("model.onnx", modelWithExternalWeight("gone.bin", null, null));
    QcalException e = assertThrows(QcalException.class, () -> OnnxModel.load(model));
    assertTrue(e.getMessage().contains("gone.bin") && e.getMessage().contains("does not exist"),
        e.getMessage());
  }

  @Test
  void reportsALengthThatDoesNotMatchTheTensor() throws IOException {
    Files.write(dir.resolve("weights.bin"), weightBytes());
    Path model = write("model.onnx", modelWithExternalWeight("weights.bin", 0L, 20L));
    QcalException e = assertThrows(QcalException.class, () -> OnnxModel.load(model));
    assertTrue(e.getMessage().contains("length 20") && e.getMessage().contains("24 bytes"),
        e.getMessage());
  }

  @Test
  void reportsDataBeyondTheEndOfTheFile() throws IOException {
    Files.write(dir.resolve("weights.bin"), weightBytes());
    Path model = write("model.onnx", modelWithExternalWeight("weights.bin", 8L, null));
    QcalException e = assertThrows(QcalException.class, () -> OnnxModel.load(model));
    assertTrue(e.getMessage().contains("beyond the end"), e.getMessage());
  }

  @Test
  void bytesWithoutAFolderCannotResolveExternalData() {
    byte[] bytes = modelWithExternalWeight("w.bin", null, null).toByteArray();
    QcalException e = assertThrows(QcalException.class,
        () -> OnnxModel.fromBytes("broadcast.onnx", bytes));
    assertTrue(e.getMessage().contains("broadcast.onnx") && e.getMessage().contains("w.bin"),
        e.getMessage());
  }

  @Test
  void inlinedModelRunsInOnnxRuntime() throws IOException {
    Files.write(dir.resolve("weights.bin"), weightBytes());
    OnnxModel model = OnnxModel.load(write("model.onnx", modelWithExternalWeight("weights.bin",
        null, null)));

    float[] y = OrtSupport.run(model.toByteArray(), "x", new float[] {1, 2, 3}, 1, 3)
        .floats("y");

    // [1,2,3] @ [[0.5,-1.25],[2,3.5],[-0.75,1]] = [0.5+4-2.25, -1.25+7+3]
    assertArrayEquals(new float[] {2.25f, 8.75f}, y, 1e-6f);
  }
}
