package org.qcal.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.ElementType;
import org.qcal.QcalException;
import org.qcal.onnx.proto.Onnx.ModelProto;

/** Loading: every bad input is refused with one line that names the file. */
class OnnxModelTest {
  @TempDir Path dir;

  private static ModelProto reluModel(long opset) {
    return new GraphBuilder().opset(opset)
        .input("x", ElementType.FLOAT32, -1, 4).output("y", ElementType.FLOAT32, -1, 4)
        .node("Relu", "relu", List.of("x"), List.of("y")).build();
  }

  private QcalException loadFails(String file, byte[] bytes) throws IOException {
    Path path = dir.resolve(file);
    Files.write(path, bytes);
    QcalException e = assertThrows(QcalException.class, () -> OnnxModel.load(path));
    assertTrue(e.getMessage().contains(path.toString()), "names the file: " + e.getMessage());
    return e;
  }

  @Test
  void loadsAValidModelFromAFileAndFromBytes() throws IOException {
    byte[] bytes = reluModel(13).toByteArray();
    Path path = dir.resolve("relu.onnx");
    Files.write(path, bytes);

    OnnxModel fromFile = OnnxModel.load(path);
    OnnxModel fromBytes = OnnxModel.fromBytes("relu.onnx", bytes);

    assertEquals(path.toString(), fromFile.name());
    assertEquals(13, fromFile.onnxOpset());
    assertEquals(fromFile.proto(), fromBytes.proto());
  }

  @Test
  void rejectsAnEmptyFile() throws IOException {
    QcalException e = loadFails("empty.onnx", new byte[0]);
    assertTrue(e.getMessage().contains("is empty"), e.getMessage());
  }

  @Test
  void rejectsATruncatedProtobuf() throws IOException {
    byte[] full = OrtSupport.shippedModel("cnn.onnx");
    QcalException e = loadFails("truncated.onnx", Arrays.copyOf(full, full.length / 2));
    assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());
  }

  @Test
  void rejectsATruncatedSmallModel() throws IOException {
    byte[] full = reluModel(13).toByteArray();
    for (int cut = 1; cut < full.length; cut++) {
      Path path = dir.resolve("cut" + cut + ".onnx");
      Files.write(path, Arrays.copyOf(full, cut));
      QcalException e = assertThrows(QcalException.class, () -> OnnxModel.load(path),
          "cut at " + cut);
      assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    }
  }

  @Test
  void rejectsATextFile() throws IOException {
    byte[] text = "ir_version: 8\ngraph {\n  node { op_type: \"Relu\" }\n}\n"
        .getBytes(StandardCharsets.UTF_8);
    QcalException e = loadFails("model.txt", text);
    assertTrue(e.getMessage().contains("text file"), e.getMessage());
  }

  @Test
  void rejectsTextThatHappensToParseAsProtobuf() throws IOException {
    // "hi" is field 13 (varint 105): a valid but empty ModelProto made of an unknown field.
    QcalException e = loadFails("hi.onnx", "hi".getBytes(StandardCharsets.US_ASCII));
    assertTrue(e.getMessage().contains("text file"), e.getMessage());
  }

  @Test
  void rejectsAProtobufWithoutGraph() throws IOException {
    byte[] noGraph = reluModel(13).toBuilder().clearGraph().build().toByteArray();
    QcalException e = loadFails("nograph.onnx", noGraph);
    assertTrue(e.getMessage().contains("no graph"), e.getMessage());
  }

  @Test
  void rejectsAnOpsetBelowSeven() throws IOException {
    QcalException e = loadFails("old.onnx", reluModel(5).toByteArray());
    assertTrue(e.getMessage().contains("opset 5"), e.getMessage());
    assertTrue(e.getMessage().contains(">= 7, the oldest ONNX Runtime runs"), e.getMessage());
  }

  @Test
  void rejectsAnOpsetBelowTenWithANodeThatCannotBeConverted() throws IOException {
    ModelProto upsample = new GraphBuilder().opset(9).irVersion(4)
        .input("x", ElementType.FLOAT32, 1, 1, 2, 2).input("scales", ElementType.FLOAT32, 4)
        .output("y", ElementType.FLOAT32)
        .node("Upsample", "up", List.of("x", "scales"), List.of("y")).build();
    QcalException e = loadFails("nine.onnx", upsample.toByteArray());
    assertTrue(e.getMessage().contains("uses ONNX opset 9, below the 10"
        + " QuantizeLinear/DequantizeLinear need, and qcal cannot raise it to 13: node 'up'"
        + " (Upsample, opset 9): its scales are computed at run time"), e.getMessage());
  }

  @Test
  void acceptsAnOpsetBelowTenThatCanBeRaised() throws IOException {
    Path path = dir.resolve("seven.onnx");
    Files.write(path, reluModel(7).toByteArray());
    assertEquals(7, OnnxModel.load(path).onnxOpset(), "loaded as it is, raised at export");
  }

  @Test
  void acceptsOpsetTen() throws IOException {
    Path path = dir.resolve("ten.onnx");
    Files.write(path, reluModel(10).toByteArray());
    assertEquals(10, OnnxModel.load(path).onnxOpset());
  }

  @Test
  void rejectsAModelWithoutDefaultDomainImport() {
    ModelProto custom = reluModel(13).toBuilder().setOpsetImport(0,
        reluModel(13).getOpsetImport(0).toBuilder().setDomain("com.example")).build();
    QcalException e = assertThrows(QcalException.class,
        () -> OnnxModel.fromBytes("custom.onnx", custom.toByteArray()));
    assertTrue(e.getMessage().contains("custom.onnx"), e.getMessage());
    assertTrue(e.getMessage().contains("none imported"), e.getMessage());
  }

  @Test
  void rejectsAMissingFile() {
    Path path = dir.resolve("absent.onnx");
    QcalException e = assertThrows(QcalException.class, () -> OnnxModel.load(path));
    assertTrue(e.getMessage().contains(path.toString()) && e.getMessage().contains("not exist"),
        e.getMessage());
  }

  @Test
  void rejectsAModelOverTwoGigabytesBeforeReadingIt() throws IOException {
    // A sparse file: 2 GB + 1 byte long, a few bytes on disk. Reading it would need 2 GB of heap.
    Path path = dir.resolve("huge.onnx");
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE, StandardOpenOption.SPARSE)) {
      ch.write(ByteBuffer.wrap(new byte[] {8}), (long) Integer.MAX_VALUE);
    }
    QcalException e = assertThrows(QcalException.class, () -> OnnxModel.load(path));
    assertTrue(e.getMessage().contains(path.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("2 GB") && e.getMessage().contains("external data"),
        e.getMessage());
  }

  @Test
  void looksLikeTextTellsBinaryModelsFromText() {
    assertTrue(OnnxModel.looksLikeText("graph {}\n".getBytes(StandardCharsets.UTF_8)));
    assertTrue(!OnnxModel.looksLikeText(reluModel(13).toByteArray()));
    assertTrue(!OnnxModel.looksLikeText(new byte[0]));
  }
}
