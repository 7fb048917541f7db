package org.qcal.runtime;

import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.qcal.QcalException;

/**
 * The outputs of one forward, in the model's output order, copied to the Java heap. Plain Java
 * objects: nothing to close.
 */
public final class ModelOutputs implements Iterable<HostTensor> {
  private final String model;
  private final Map<String, HostTensor> byName;
  private final long copyNanos;

  ModelOutputs(String model, List<HostTensor> tensors, long copyNanos) {
    this.model = model;
    this.copyNanos = copyNanos;
    Map<String, HostTensor> map = new LinkedHashMap<>();
    for (HostTensor t : tensors) {
      map.put(t.name(), t);
    }
    this.byName = Collections.unmodifiableMap(map);
  }

  /** Time spent copying the outputs out of ONNX Runtime's memory (part of the forward's time). */
  public long copyNanos() {
    return copyNanos;
  }

  public List<String> names() {
    return List.copyOf(byName.keySet());
  }

  public int size() {
    return byName.size();
  }

  /** The output called {@code name}; fails naming the model's outputs if there is none. */
  public HostTensor get(String name) {
    HostTensor t = byName.get(name);
    if (t == null) {
      throw new QcalException(model + " produced no output '" + name + "'; its outputs are "
          + byName.keySet());
    }
    return t;
  }

  /** Shortcut for {@code get(name).floats()}. */
  public float[] floats(String name) {
    return get(name).floats();
  }

  /** Shortcut for {@code get(name).longs()}. */
  public long[] longs(String name) {
    return get(name).longs();
  }

  /** Shortcut for {@code get(name).shape()}. */
  public long[] shape(String name) {
    return get(name).shape();
  }

  @Override
  public Iterator<HostTensor> iterator() {
    return byName.values().iterator();
  }

  @Override
  public String toString() {
    return byName.values().toString();
  }
}
