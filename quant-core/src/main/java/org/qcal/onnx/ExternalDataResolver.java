package org.qcal.onnx;

import com.google.protobuf.UnsafeByteOperations;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import org.qcal.ElementType;
import org.qcal.QcalException;
import org.qcal.onnx.proto.Onnx.ModelProto;
import org.qcal.onnx.proto.Onnx.StringStringEntryProto;
import org.qcal.onnx.proto.Onnx.TensorProto;

/**
 * Reads tensors stored outside the model file ({@code data_location: EXTERNAL}) through the same
 * {@link ModelFiles} as the model and puts their bytes into {@code raw_data}, so the rest of qcal
 * (weight quantization, the augmented model broadcast to executors) sees one self-contained
 * model.
 *
 * <p>onnx.proto's keys: {@code location} (required, relative to the model's folder), {@code
 * offset} and {@code length} (optional decimal integers), {@code checksum} (ignored). Without
 * {@code length} the tensor's own size is read, as ONNX Runtime does for fixed-width types.
 *
 * <p>The inlined model must still be one protobuf message, so its total stays under 2 GB.
 */
final class ExternalDataResolver {
  /** protobuf-java parses and serializes at most this many bytes in one message. */
  static final long MAX_MESSAGE_BYTES = Integer.MAX_VALUE;

  private final ModelFiles files;
  private long inlinedBytes;
  private int tensors;

  private ExternalDataResolver(ModelFiles files) {
    this.files = files;
  }

  /** The model with every external tensor inlined; the same instance if there are none. */
  static ModelProto inline(ModelProto model, ModelFiles files, long modelFileSize) {
    ExternalDataResolver resolver = new ExternalDataResolver(files);
    ModelProto result = ModelTensors.rewrite(model, resolver::inlineIfExternal);
    if (resolver.tensors > 0 && modelFileSize + resolver.inlinedBytes >= MAX_MESSAGE_BYTES) {
      throw new QcalException("model " + files.modelName() + " has " + resolver.inlinedBytes
          + " bytes of external data in " + resolver.tensors + " tensors; qcal holds a model as"
          + " one protobuf message, which must stay under 2 GB");
    }
    return result;
  }

  private TensorProto inlineIfExternal(TensorProto t) {
    if (t.getDataLocation() != TensorProto.DataLocation.EXTERNAL) {
      return t;
    }
    String name = t.getName();
    String location = null;
    String offsetText = null;
    String lengthText = null;
    for (StringStringEntryProto e : t.getExternalDataList()) {
      switch (e.getKey()) {
        case "location": location = e.getValue(); break;
        case "offset": offsetText = e.getValue(); break;
        case "length": lengthText = e.getValue(); break;
        default: break;
      }
    }
    String path = ExternalDataLocation.normalize(location, name, files.modelName());
    String where = "external data of tensor '" + name + "' in model " + files.modelName()
        + " (location '" + location + "')";
    long offset = parse(offsetText, 0, "offset", where);
    long expected = expectedBytes(t);
    long length = parse(lengthText, expected, "length", where);
    if (length < 0) {
      length = fileSize(path, where) - offset;
    }
    if (expected >= 0 && length != expected) {
      throw new QcalException(where + ": length " + length + " bytes does not match "
          + ElementType.nameOf(t.getDataType()) + " dims " + t.getDimsList() + " = " + expected
          + " bytes");
    }
    if (length > MAX_MESSAGE_BYTES - 64) {
      throw new QcalException(where + ": " + length + " bytes is more than one tensor can hold"
          + " in memory here (2 GB)");
    }
    long size = fileSize(path, where);
    if (offset + length > size) {
      throw new QcalException(where + ": bytes [" + offset + ", " + (offset + length)
          + ") lie beyond the end of " + files.describe(path) + " (" + size + " bytes)");
    }
    byte[] data;
    try {
      data = files.read(path, offset, (int) length);
    } catch (IOException e) {
      throw new QcalException(where + ": cannot read " + files.describe(path) + ": " + e, e);
    }
    inlinedBytes += length;
    tensors++;
    return t.toBuilder()
        .clearExternalData()
        .clearDataLocation()
        .setRawData(UnsafeByteOperations.unsafeWrap(data))
        .build();
  }

  private long fileSize(String path, String where) {
    try {
      return files.size(path);
    } catch (NoSuchFileException | FileNotFoundException e) {
      throw new QcalException(where + ": file " + files.describe(path) + " does not exist", e);
    } catch (IOException e) {
      throw new QcalException(where + ": cannot read " + files.describe(path) + ": " + e, e);
    }
  }

  /** Bytes the tensor's type and dims call for, or -1 when they do not fix it. */
  private static long expectedBytes(TensorProto t) {
    int width = ElementType.of(t.getDataType()).byteSize();
    if (width < 0) {
      return -1;
    }
    long count = 1;
    for (long d : t.getDimsList()) {
      if (d < 0) {
        return -1;
      }
      count = Math.multiplyExact(count, d);
    }
    return Math.multiplyExact(count, (long) width);
  }

  private static long parse(String text, long absent, String key, String where) {
    if (text == null) {
      return absent;
    }
    try {
      long v = Long.parseLong(text.trim());
      if (v < 0) {
        throw new NumberFormatException("negative");
      }
      return v;
    } catch (NumberFormatException e) {
      throw new QcalException(where + ": " + key + " must be a non-negative integer, got '"
          + text + "'");
    }
  }
}
