package org.qcal.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.onnxruntime.engine.OrtNDArray;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import ai.onnxruntime.OnnxTensor;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import org.qcal.ElementType;
import org.qcal.QcalException;

/**
 * DJL translator between a runner's staged inputs and heap copies of the outputs: a
 * NoopTranslator that knows about names and copying.
 *
 * <p>Memory: DJL gives every {@code predict} call a fresh sub-{@link NDManager} and closes it when
 * the call returns. The input tensors are created in it (wrapping the runner's direct buffers,
 * no copy), and DJL attaches the output tensors to the inputs' manager, so everything native of a
 * batch is freed when {@code predict} returns; only the heap copies made here survive.
 *
 * <p>Copy cost per output: one bulk copy from ORT's memory into a new heap array ({@code
 * OnnxTensor.getFloatBuffer()} allocates the array and copies into it). DJL's generic {@code
 * NDArray.toFloatArray()} would copy twice (native to a heap {@code ByteBuffer}, then to the
 * array), so ORT arrays are read through {@link OrtNDArray#getTensor()}.
 */
final class RunnerTranslator implements Translator<List<InputSlot>, ModelOutputs> {
  private final String model;

  RunnerTranslator(String model) {
    this.model = model;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, List<InputSlot> inputs) {
    NDManager manager = ctx.getNDManager();
    NDList list = new NDList(inputs.size());
    for (InputSlot slot : inputs) {
      DataType type = slot.spec.type() == ElementType.INT64 ? DataType.INT64 : DataType.FLOAT32;
      NDArray array = manager.create(slot.view(), new Shape(slot.shape()), type);
      // Named inputs: DJL's ORT block feeds them by name instead of by position.
      array.setName(slot.spec.name());
      list.add(array);
    }
    return list;
  }

  @Override
  public ModelOutputs processOutput(TranslatorContext ctx, NDList outputs) {
    long start = System.nanoTime();
    List<HostTensor> tensors = new ArrayList<>(outputs.size());
    for (NDArray array : outputs) {
      tensors.add(copyOut(array));
    }
    return new ModelOutputs(model, tensors, System.nanoTime() - start);
  }

  /** No batchifier: the staged inputs already are the batch (DJL's default would stack them). */
  @Override
  public Batchifier getBatchifier() {
    return null;
  }

  private HostTensor copyOut(NDArray array) {
    String name = array.getName();
    long[] shape = array.getShape().getShape();
    if (array instanceof OrtNDArray ort) {
      OnnxTensor tensor = ort.getTensor();
      ElementType type = ElementType.of(tensor.getInfo().onnxType);
      if (type == ElementType.FLOAT32) {
        return new HostTensor(name, type, shape, floats(tensor.getFloatBuffer()));
      }
      if (type == ElementType.INT64) {
        return new HostTensor(name, type, shape, longs(tensor.getLongBuffer()));
      }
      if (type.byteSize() < 1) {
        throw new QcalException(model + ": output '" + name + "' has element type "
            + tensor.getInfo().onnxType + ", which qcal cannot copy out");
      }
      return new HostTensor(name, type, shape, bytes(tensor.getByteBuffer()));
    }
    // Not reached with DJL's ORT engine; kept so another engine's arrays still work.
    DataType dt = array.getDataType();
    if (dt == DataType.FLOAT32) {
      return new HostTensor(name, ElementType.FLOAT32, shape, array.toFloatArray());
    }
    if (dt == DataType.INT64) {
      return new HostTensor(name, ElementType.INT64, shape, array.toLongArray());
    }
    return new HostTensor(name, ElementType.UNDEFINED, shape, bytes(array.toByteBuffer()));
  }

  // ORT's getXxxBuffer() returns a freshly allocated heap buffer: take its array, no second copy.
  private static float[] floats(FloatBuffer b) {
    if (b.hasArray() && b.arrayOffset() == 0 && b.array().length == b.remaining()) {
      return b.array();
    }
    float[] a = new float[b.remaining()];
    b.get(a);
    return a;
  }

  private static long[] longs(LongBuffer b) {
    if (b.hasArray() && b.arrayOffset() == 0 && b.array().length == b.remaining()) {
      return b.array();
    }
    long[] a = new long[b.remaining()];
    b.get(a);
    return a;
  }

  private static byte[] bytes(ByteBuffer b) {
    if (b.hasArray() && b.arrayOffset() == 0 && b.array().length == b.remaining()) {
      return b.array();
    }
    byte[] a = new byte[b.remaining()];
    b.get(a);
    return a;
  }
}
