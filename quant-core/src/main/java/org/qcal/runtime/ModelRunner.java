package org.qcal.runtime;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qcal.Check;
import org.qcal.ElementType;
import org.qcal.QcalException;

/**
 * Runs one model on batches, for one task: DJL's rule "a Predictor is not thread safe, one per
 * task" applies, and this class wraps exactly one DJL {@link Predictor} on the JVM's shared
 * session from {@link SessionCache}. Not thread safe. Holds native memory until {@link #close()}:
 * the Spark job closes it from a task-completion listener.
 *
 * <pre>{@code
 * ModelRunner runner = ModelRunner.open(model, RuntimeOptions.withThreads(taskCpus));
 * TaskContext.get().addTaskCompletionListener(ctx -> runner.close());
 * for (each batch of n rows) {
 *   FloatBuffer in = runner.floatInput("input", runner.signature().input("input").shapeForBatch(n));
 *   ... put n rows into in ...
 *   ModelOutputs out = runner.run();
 *   for (HostTensor t : out) stats.get(t.name()).update(t.floats(), 0, t.size());
 * }
 * }</pre>
 *
 * <p>Per batch: every input is set again (a copy into a reused direct buffer, or the caller
 * writes into it directly), one forward through DJL, then one copy per output into a new heap
 * array. No native allocation by qcal per batch besides ORT's own output tensors, which are freed
 * before {@link #run()} returns. DJL itself adds a fixed cost per forward (a sub-NDManager per
 * call, a UUID per array: measured 10 to 70 us on a loaded 2-core box), about 2% of a batch-64
 * forward of the test CNN (3 ms): use batches of tens of rows or more, never single rows.
 */
public final class ModelRunner implements AutoCloseable {
  private final LoadedModel model;
  private final Predictor<List<InputSlot>, ModelOutputs> predictor;
  private final Map<String, InputSlot> slots = new LinkedHashMap<>();
  private final List<InputSlot> feed;
  private boolean closed;

  private ModelRunner(LoadedModel model) {
    this.model = model;
    for (TensorSpec spec : model.signature().inputs()) {
      slots.put(spec.name(), new InputSlot(spec));
    }
    this.feed = List.copyOf(slots.values());
    this.predictor = model.model().newPredictor(new RunnerTranslator(model.label()));
  }

  /** A runner on the JVM's shared session of {@code source}, loading it on first use. */
  public static ModelRunner open(ModelSource source, RuntimeOptions options) {
    Check.notNull(source, "model");
    Check.notNull(options, "runtime options");
    LoadedModel model = SessionCache.acquire(source, options);
    try {
      return new ModelRunner(model);
    } catch (RuntimeException e) {
      SessionCache.release(model);
      throw e;
    }
  }

  /** The model's inputs and outputs. */
  public ModelSignature signature() {
    return model.signature();
  }

  /** Sets a float32 input for the next {@link #run()}: {@code data} holds exactly the shape. */
  public ModelRunner setFloats(String input, float[] data, long... shape) {
    Check.notNull(data, "data of input '" + input + "'");
    InputSlot slot = slot(input, ElementType.FLOAT32, shape);
    slot.floats(shape, count(input, shape, data.length)).put(data);
    return this;
  }

  /**
   * Sets a float32 input from the elements of {@code data} starting at {@code offset}, as many as
   * the shape holds (e.g. a batch cut out of a larger array). Not an overload of {@link
   * #setFloats}: with varargs shapes, an offset would silently read as a dimension.
   */
  public ModelRunner setFloatSlice(String input, float[] data, int offset, long[] shape) {
    Check.notNull(data, "data of input '" + input + "'");
    InputSlot slot = slot(input, ElementType.FLOAT32, shape);
    int n = elements(input, shape);
    Check.slice(data.length, offset, n, "data of input '" + input + "'");
    slot.floats(shape, n).put(data, offset, n);
    return this;
  }

  /** Sets an int64 input (e.g. token ids) for the next {@link #run()}. */
  public ModelRunner setLongs(String input, long[] data, long... shape) {
    Check.notNull(data, "data of input '" + input + "'");
    InputSlot slot = slot(input, ElementType.INT64, shape);
    slot.longs(shape, count(input, shape, data.length)).put(data);
    return this;
  }

  /**
   * The staging buffer of a float32 input for the next {@link #run()}, positioned at 0 with room
   * for exactly the shape's elements: write the batch straight into it (no intermediate array).
   * Valid until the next call for this input; the caller must fill all of it.
   */
  public FloatBuffer floatInput(String input, long... shape) {
    InputSlot slot = slot(input, ElementType.FLOAT32, shape);
    return slot.floats(shape, elements(input, shape));
  }

  /** As {@link #floatInput}, for an int64 input. */
  public LongBuffer longInput(String input, long... shape) {
    InputSlot slot = slot(input, ElementType.INT64, shape);
    return slot.longs(shape, elements(input, shape));
  }

  /** One forward on the inputs set since the last run; every input must have been set. */
  public ModelOutputs run() {
    checkOpen();
    List<String> missing = new ArrayList<>();
    for (InputSlot slot : feed) {
      if (!slot.ready()) {
        missing.add(slot.spec.name());
      }
    }
    try {
      if (!missing.isEmpty()) {
        throw new QcalException(model.label() + ": input(s) " + missing
            + " not set for this batch; the model's inputs are " + model.signature().inputs());
      }
      return forward();
    } catch (TranslateException | RuntimeException e) {
      if (e instanceof QcalException q) {
        throw q;
      }
      throw new QcalException(model.label() + ": forward failed on inputs " + fedShapes()
          + ": " + rootMessage(e), e);
    } finally {
      for (InputSlot slot : feed) {
        slot.reset();
      }
    }
  }

  /** The forward, inside {@link OrtShutdown}'s gate so that JVM exit waits for it to end. */
  private ModelOutputs forward() throws TranslateException {
    if (!OrtShutdown.enter()) {
      throw new IllegalStateException(model.label() + ": the JVM is shutting down");
    }
    try {
      return predictor.predict(feed);
    } finally {
      OrtShutdown.leave();
    }
  }

  /** Frees this runner's predictor and its hold on the shared session. Safe to call twice. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      OrtShutdown.free(predictor::close);
    } finally {
      SessionCache.release(model);
    }
  }

  private InputSlot slot(String input, ElementType type, long[] shape) {
    checkOpen();
    TensorSpec spec = model.signature().input(input);
    if (spec.type() != type) {
      throw new QcalException(model.label() + ": input '" + input + "' is "
          + spec.type() + ", got " + type + " data");
    }
    Check.notNull(shape, "shape of input '" + input + "'");
    if (!spec.accepts(shape)) {
      throw new QcalException(model.label() + ": input '" + input + "' must have shape "
          + Arrays.toString(spec.shape()) + " (-1 = any), got " + Arrays.toString(shape));
    }
    return slots.get(input);
  }

  /** The element count of {@code shape}, which must equal the {@code actual} values given. */
  private int count(String input, long[] shape, int actual) {
    int expected = elements(input, shape);
    if (expected != actual) {
      throw new QcalException(model.label() + ": input '" + input + "' of shape "
          + Arrays.toString(shape) + " needs " + expected + " values, got " + actual);
    }
    return expected;
  }

  private int elements(String input, long[] shape) {
    long n = product(shape);
    if (n < 1 || n > Integer.MAX_VALUE / 8) {
      throw new QcalException(model.label() + ": input '" + input + "' of shape "
          + Arrays.toString(shape) + " has " + n + " elements; a batch must have 1 to "
          + Integer.MAX_VALUE / 8);
    }
    return (int) n;
  }

  private static long product(long[] shape) {
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        return -1;
      }
      if (d != 0 && n > Long.MAX_VALUE / d) {
        return Long.MAX_VALUE;
      }
      n *= d;
    }
    return n;
  }

  private String fedShapes() {
    StringBuilder sb = new StringBuilder("{");
    for (InputSlot slot : feed) {
      if (sb.length() > 1) {
        sb.append(", ");
      }
      sb.append(slot.spec.name()).append(Arrays.toString(slot.shape()));
    }
    return sb.append('}').toString();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("runner of " + model.label() + " is closed");
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
