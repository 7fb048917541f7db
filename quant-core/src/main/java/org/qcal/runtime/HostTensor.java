package org.qcal.runtime;

import java.util.Arrays;
import org.qcal.ElementType;
import org.qcal.QcalException;

/**
 * One model output copied to the Java heap: no native memory, safe to keep after the runner
 * closes. float32 outputs are {@code float[]}, int64 outputs {@code long[]}, any other type its
 * raw bytes in native byte order.
 */
public final class HostTensor {
  /** Name, type and the concrete shape of this batch's output. */
  private final TensorSpec spec;
  private final Object data;

  HostTensor(String name, ElementType type, long[] shape, Object data) {
    this.spec = new TensorSpec(name, type, shape);
    this.data = data;
  }

  public String name() {
    return spec.name();
  }

  public ElementType type() {
    return spec.type();
  }

  /** The concrete shape of this batch's output (a copy). */
  public long[] shape() {
    return spec.shape();
  }

  /** Number of elements. */
  public int size() {
    long n = 1;
    for (long d : spec.shape()) {
      n *= d;
    }
    return (int) n;
  }

  /** The values of a float32 output, row-major; the array itself, not a copy. */
  public float[] floats() {
    if (!(data instanceof float[] f)) {
      throw wrongType(ElementType.FLOAT32);
    }
    return f;
  }

  /** The values of an int64 output, row-major; the array itself, not a copy. */
  public long[] longs() {
    if (!(data instanceof long[] l)) {
      throw wrongType(ElementType.INT64);
    }
    return l;
  }

  /** The raw bytes (native order) of an output that is neither float32 nor int64. */
  public byte[] bytes() {
    if (!(data instanceof byte[] b)) {
      throw new QcalException("output '" + name() + "' is " + describe() + "; read it with "
          + (type() == ElementType.FLOAT32 ? "floats()" : "longs()"));
    }
    return b;
  }

  private QcalException wrongType(ElementType wanted) {
    return new QcalException("output '" + name() + "' is " + describe() + ", not "
        + wanted);
  }

  private String describe() {
    return type() + " " + Arrays.toString(spec.shape());
  }

  @Override
  public String toString() {
    return name() + " " + describe();
  }
}
