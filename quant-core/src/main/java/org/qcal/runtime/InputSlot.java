package org.qcal.runtime;

import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import org.qcal.ElementType;

/**
 * The staging area of one model input inside a {@link ModelRunner}: a direct buffer in native
 * byte order, reused from batch to batch and grown only when a batch needs more.
 *
 * <p>Why direct: ORT wraps a direct buffer as a tensor without copying, while for a heap array
 * it allocates a fresh direct buffer and copies into it on every batch. Reusing one buffer per
 * input and task leaves a single copy (rows into this buffer), or none when the caller writes
 * rows straight into {@link #floats}.
 */
final class InputSlot {
  final TensorSpec spec;
  private ByteBuffer storage;
  private long[] shape;
  private int count;
  private boolean ready;

  InputSlot(TensorSpec spec) {
    this.spec = spec;
  }

  /** A float view of {@code count} elements at position 0, marked as this batch's value. */
  FloatBuffer floats(long[] shape, int count) {
    return prepare(shape, count, 4).asFloatBuffer();
  }

  /** A long view of {@code count} elements at position 0, marked as this batch's value. */
  LongBuffer longs(long[] shape, int count) {
    return prepare(shape, count, 8).asLongBuffer();
  }

  private ByteBuffer prepare(long[] newShape, int newCount, int elementBytes) {
    long bytes = (long) newCount * elementBytes;
    if (storage == null || storage.capacity() < bytes) {
      storage = ByteBuffer.allocateDirect(Math.toIntExact(bytes)).order(ByteOrder.nativeOrder());
    }
    shape = newShape.clone();
    count = newCount;
    ready = true;
    // Our own view, so the caller's view of the same memory has independent position and limit.
    return storage.duplicate().order(ByteOrder.nativeOrder()).clear().limit((int) bytes)
        .slice().order(ByteOrder.nativeOrder());
  }

  boolean ready() {
    return ready;
  }

  long[] shape() {
    return shape;
  }

  /** This batch's elements as the typed buffer ORT expects (position 0, limit = count). */
  Buffer view() {
    ByteBuffer bytes = storage.duplicate().order(ByteOrder.nativeOrder());
    bytes.clear().limit(count * spec.type().byteSize());
    ByteBuffer slice = bytes.slice().order(ByteOrder.nativeOrder());
    return spec.type() == ElementType.INT64 ? slice.asLongBuffer() : slice.asFloatBuffer();
  }

  /** Called after every forward: each batch must set each input again. */
  void reset() {
    ready = false;
  }
}
