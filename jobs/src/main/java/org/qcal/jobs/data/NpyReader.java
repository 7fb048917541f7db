package org.qcal.jobs.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.input.PortableDataStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;
import org.qcal.QcalException;
import scala.Tuple2;

/**
 * Executor side of the {@code .npy} source: one file in, its samples out as rows
 * {@code (origin, index, tensor)}, read lazily one sample at a time so that a file holding a
 * large batch never has to fit in memory.
 *
 * <p>Which files are one sample and which a batch is decided by rank, against the model's
 * sample shape (dynamic dims match anything): a file whose shape matches the sample shape is
 * one sample; one of shape {@code [n, ...sample]} is n samples; any other shape is an error.
 * Without a sample shape every file is one sample.
 *
 * <p>Float files (float32, float64) give array&lt;float&gt; rows, integer files (int32,
 * int64) array&lt;bigint&gt;; the dataset's column type is taken from the first file and a file
 * of the other kind is an error, since one column cannot hold both.
 */
final class NpyReader implements FlatMapFunction<Tuple2<String, PortableDataStream>, Row> {
  private static final long serialVersionUID = 1L;
  private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  private final long[] sampleShape;
  private final boolean integer;
  private final String firstFile;

  /**
   * @param sampleShape the model's sample shape, or null for one sample per file
   * @param integer whether the column holds integers (decided by {@code firstFile})
   */
  NpyReader(long[] sampleShape, boolean integer, String firstFile) {
    this.sampleShape = sampleShape == null ? null : sampleShape.clone();
    this.integer = integer;
    this.firstFile = firstFile;
  }

  @Override
  public Iterator<Row> call(Tuple2<String, PortableDataStream> file) {
    String name = file._1();
    DataInputStream in = file._2().open();
    TaskContext task = TaskContext.get();
    if (task != null) {
      // Closes the stream when a task stops early (a limit, a failure) as well.
      task.addTaskCompletionListener((TaskCompletionListener) context -> closeQuietly(in));
    }
    NpyHeader header = NpyHeader.read(in, name);
    if (header.dtype.integer != integer) {
      throw new QcalException("file '" + name + "' holds " + kind(header.dtype.integer)
          + " (" + header.dtype + ") but '" + firstFile + "' holds " + kind(integer)
          + "; all .npy files of a dataset must be one or the other");
    }
    long[] split = split(header.shape, sampleShape, name);
    return new Samples(in, name, header.dtype, split[0], (int) split[1]);
  }

  /**
   * {@code {samples, elements per sample}} of a file of shape {@code fileShape}, by the rule
   * in the class comment.
   */
  static long[] split(long[] fileShape, long[] sampleShape, String file) {
    long[] split;
    if (sampleShape == null || matches(fileShape, 0, sampleShape)) {
      split = new long[] {1, product(fileShape, 0)};
    } else if (matches(fileShape, 1, sampleShape)) {
      split = new long[] {fileShape[0], product(fileShape, 1)};
    } else {
      long[] batch = new long[sampleShape.length + 1];
      System.arraycopy(sampleShape, 0, batch, 1, sampleShape.length);
      throw new QcalException("file '" + file + "' has shape " + pyShape(fileShape)
          + "; the input needs " + ModelInput.formatShape(sampleShape) + " per sample, or "
          + ModelInput.formatShape(batch).replaceFirst("\\?", "n") + " for n samples");
    }
    if (split[1] * 8 > MAX_ARRAY) {
      throw new QcalException("file '" + file + "' has " + split[1]
          + " elements per sample, too many for one Java array");
    }
    return split;
  }

  private static boolean matches(long[] fileShape, int from, long[] sampleShape) {
    if (fileShape.length - from != sampleShape.length) {
      return false;
    }
    for (int i = 0; i < sampleShape.length; i++) {
      if (sampleShape[i] != ModelInput.DYNAMIC && sampleShape[i] != fileShape[from + i]) {
        return false;
      }
    }
    return true;
  }

  private static long product(long[] shape, int from) {
    long n = 1;
    for (int i = from; i < shape.length; i++) {
      n *= shape[i];
    }
    return n;
  }

  /** NumPy's spelling of a shape, as the user saw it: {@code (2, 3)}, {@code (5,)}. */
  static String pyShape(long[] shape) {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      sb.append(i > 0 ? ", " : "").append(shape[i]);
    }
    return sb.append(shape.length == 1 ? ",)" : ")").toString();
  }

  private static String kind(boolean integer) {
    return integer ? "integers" : "floats";
  }

  private static void closeQuietly(DataInputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Nothing left to read; a failed close loses nothing.
    }
  }

  /** The samples of one open file, decoded one at a time. */
  private static final class Samples implements Iterator<Row> {
    private final DataInputStream in;
    private final String file;
    private final NpyHeader.DType dtype;
    private final long samples;
    private final int perSample;
    private final byte[] bytes;
    private long index;

    Samples(DataInputStream in, String file, NpyHeader.DType dtype, long samples, int perSample) {
      this.in = in;
      this.file = file;
      this.dtype = dtype;
      this.samples = samples;
      this.perSample = perSample;
      this.bytes = new byte[perSample * dtype.size];
    }

    @Override
    public boolean hasNext() {
      if (index < samples) {
        return true;
      }
      closeQuietly(in);
      return false;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException(file);
      }
      try {
        in.readFully(bytes);
      } catch (EOFException e) {
        throw new QcalException("file '" + file + "' ends inside sample " + index + " of "
            + samples + " (" + perSample + " " + dtype + " values each)", e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read file '" + file + "'", e);
      }
      ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      Object values = switch (dtype) {
        case FLOAT32 -> {
          float[] v = new float[perSample];
          buf.asFloatBuffer().get(v);
          yield v;
        }
        case FLOAT64 -> {
          float[] v = new float[perSample];
          for (int i = 0; i < perSample; i++) {
            v[i] = (float) buf.getDouble(i * 8);
          }
          yield v;
        }
        case INT32 -> {
          long[] v = new long[perSample];
          for (int i = 0; i < perSample; i++) {
            v[i] = buf.getInt(i * 4);
          }
          yield v;
        }
        case INT64 -> {
          long[] v = new long[perSample];
          buf.asLongBuffer().get(v);
          yield v;
        }
      };
      return RowFactory.create(file, index++, values);
    }
  }
}
