package org.qcal.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.qcal.Check;
import org.qcal.QcalException;
import org.qcal.onnx.proto.Onnx.GraphProto;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.OperatorSetIdProto;

/**
 * A checked ONNX model: the parsed {@link ModelProto} with every external tensor inlined, and the
 * name of the file it came from, which every error about it mentions. Immutable.
 *
 * <p>Loading refuses, each with one line naming the file: an empty file; a file over protobuf's
 * 2 GB limit (checked before reading it); a text file; bytes that are not a protobuf (truncated,
 * corrupt); a message without a graph; an ONNX opset below 7, the oldest ONNX Runtime runs, or
 * below {@value #MIN_OPSET} (the first with QuantizeLinear and DequantizeLinear) with a node that
 * {@link OpsetUpgrade} cannot convert to opset 13; external data that is missing or escapes the
 * model's folder.
 */
public final class OnnxModel {
  /** The first ONNX opset with QuantizeLinear/DequantizeLinear. */
  public static final int MIN_OPSET = 10;

  /** The default ONNX domain: {@code ""}, also spelled {@code "ai.onnx"}. */
  public static final String ONNX_DOMAIN = "";

  private static final int TEXT_SNIFF_BYTES = 4096;

  private final String name;
  private final ModelProto proto;

  private OnnxModel(String name, ModelProto proto) {
    this.name = name;
    this.proto = proto;
  }

  /** Loads a model from the local file system. */
  public static OnnxModel load(Path path) {
    return load(new LocalModelFiles(Check.notNull(path, "model path")));
  }

  /** Loads a model from serialized bytes; {@code name} is used in messages. */
  public static OnnxModel fromBytes(String name, byte[] bytes) {
    return load(new InMemoryModelFiles(name, bytes));
  }

  /** Loads, checks and inlines the external data of the model {@code files} gives access to. */
  public static OnnxModel load(ModelFiles files) {
    Check.notNull(files, "model files");
    String name = files.modelName();
    long size;
    byte[] bytes;
    try {
      size = files.modelSize();
      if (size == 0) {
        throw new QcalException("model " + name + " is empty (0 bytes)");
      }
      if (size >= ExternalDataResolver.MAX_MESSAGE_BYTES) {
        throw new QcalException("model " + name + " is " + size + " bytes, over protobuf's 2 GB"
            + " limit: a model this large must keep its weights in external data files"
            + " (onnx.save_model(..., save_as_external_data=True))");
      }
      bytes = files.readModel();
    } catch (NoSuchFileException | FileNotFoundException e) {
      throw new QcalException("model " + name + " does not exist", e);
    } catch (IOException e) {
      throw new QcalException("cannot read model " + name + ": " + e, e);
    }
    ModelProto proto = parse(name, bytes);
    return new OnnxModel(name, check(name, ExternalDataResolver.inline(proto, files, size)));
  }

  /** Wraps a model built in memory (tests, derived models); checks it as {@link #load} does. */
  public static OnnxModel of(String name, ModelProto proto) {
    Check.notNull(name, "model name");
    return new OnnxModel(name, check(name, Check.notNull(proto, "model proto of " + name)));
  }

  /** A model derived from this one (same name in messages), e.g. augmented or quantized. */
  public OnnxModel derive(ModelProto derived) {
    return of(name, derived);
  }

  private static ModelProto parse(String name, byte[] bytes) {
    ModelProto proto;
    try {
      proto = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      if (looksLikeText(bytes)) {
        throw textFile(name, bytes);
      }
      throw new QcalException("model " + name + " is not a valid ONNX protobuf (truncated or"
          + " corrupt, " + bytes.length + " bytes): " + e.getMessage(), e);
    }
    // Arbitrary bytes sometimes parse as a message made only of unknown fields.
    if (!proto.hasGraph()) {
      if (looksLikeText(bytes)) {
        throw textFile(name, bytes);
      }
      throw new QcalException("model " + name + " is not an ONNX model: the protobuf has no graph"
          + " (truncated or not a ModelProto, " + bytes.length + " bytes)");
    }
    return proto;
  }

  private static ModelProto check(String name, ModelProto proto) {
    if (!proto.hasGraph()) {
      throw new QcalException("model " + name + " is not an ONNX model: it has no graph");
    }
    long opset = opsetVersion(proto, ONNX_DOMAIN);
    if (opset < OpsetUpgrade.OLDEST_OPSET) {
      throw new QcalException("model " + name + " uses ONNX opset "
          + (opset < 0 ? "(none imported)" : opset) + "; qcal needs opset >= "
          + OpsetUpgrade.OLDEST_OPSET + ", the oldest ONNX Runtime runs; convert it with"
          + " onnx.version_converter");
    }
    if (opset < MIN_OPSET) {
      // The QDQ export raises such a model to 13 (OpsetUpgrade): what it cannot convert is
      // refused here, early.
      OpsetUpgrade.Result up = OpsetUpgrade.upgrade(proto, opset, name);
      if (!up.ok()) {
        throw new QcalException("model " + name + " uses ONNX opset " + opset + ", below the "
            + MIN_OPSET + " QuantizeLinear/DequantizeLinear need, and qcal cannot raise it to "
            + OpsetUpgrade.PER_AXIS_OPSET + ": " + up.refusal());
      }
    }
    Set<String> initializers = new HashSet<>();
    proto.getGraph().getInitializerList().forEach(t -> initializers.add(t.getName()));
    if (proto.getGraph().getInputList().stream().allMatch(
        i -> initializers.contains(i.getName()))) {
      throw new QcalException("model " + name + " has no inputs: there is nothing to feed the"
          + " calibration data to");
    }
    if (proto.getGraph().getOutputCount() == 0) {
      throw new QcalException("model " + name + " has no outputs");
    }
    return proto;
  }

  /**
   * True when the start of the file is printable text: a binary ModelProto begins with field
   * tags and lengths (0x08 for ir_version, 0x12 ...), which are control characters.
   */
  static boolean looksLikeText(byte[] bytes) {
    int n = Math.min(bytes.length, TEXT_SNIFF_BYTES);
    for (int i = 0; i < n; i++) {
      int b = bytes[i] & 0xFF;
      boolean control = b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f';
      if (control || b == 0x7F) {
        return false;
      }
    }
    return n > 0;
  }

  private static QcalException textFile(String name, byte[] bytes) {
    String start = new String(bytes, 0, Math.min(bytes.length, 40), StandardCharsets.UTF_8)
        .replaceAll("\\s+", " ").trim();
    return new QcalException("model " + name + " is a text file, not a binary ONNX model"
        + " (it starts with \"" + start + "\")");
  }

  /** The version of {@code domain} the model imports, or -1 when it imports none. */
  static long opsetVersion(ModelProto proto, String domain) {
    long version = -1;
    for (OperatorSetIdProto id : proto.getOpsetImportList()) {
      if (sameDomain(id.getDomain(), domain)) {
        version = Math.max(version, id.getVersion());
      }
    }
    if (version < 0 && proto.getIrVersion() < 3 && sameDomain(domain, ONNX_DOMAIN)) {
      return 1; // IR version 1 and 2 models predate opset_import and mean opset 1
    }
    return version;
  }

  /** ONNX spells the default domain both {@code ""} and {@code "ai.onnx"}. */
  static boolean sameDomain(String a, String b) {
    return canonical(a).equals(canonical(b));
  }

  private static String canonical(String domain) {
    return domain.equals("ai.onnx") ? "" : domain;
  }

  /** The file the model came from, as users know it. */
  public String name() {
    return name;
  }

  public ModelProto proto() {
    return proto;
  }

  public GraphProto graph() {
    return proto.getGraph();
  }

  /** The version of {@code domain} this model imports, or -1 when it imports none. */
  public long opsetVersion(String domain) {
    return opsetVersion(proto, domain);
  }

  /** The version of the default ONNX domain. */
  public long onnxOpset() {
    return opsetVersion(proto, ONNX_DOMAIN);
  }

  /** The serialized model, for ONNX Runtime or a file. */
  public byte[] toByteArray() {
    return proto.toByteArray();
  }

  @Override
  public String toString() {
    return "OnnxModel{" + name + ", opset " + onnxOpset() + ", " + graph().getNodeCount()
        + " nodes}";
  }
}
