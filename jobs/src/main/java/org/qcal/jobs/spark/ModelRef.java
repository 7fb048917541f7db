package org.qcal.jobs.spark;

import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;
import org.qcal.runtime.ModelSource;

/** A model the executors run: bytes by broadcast, its digest keys the session cache. */
public record ModelRef(Broadcast<byte[]> bytes, String name, String digest) implements Serializable {
  ModelSource source() {
    return ModelSource.of(name, digest, bytes.value());
  }
}
