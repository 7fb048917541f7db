package org.qcal.jobs.spark;

import java.io.Serializable;

/**
 * What a partial becomes in a session whose serializer is Java's (a notebook's default, a
 * cluster's own {@code spark.serializer}): its documented byte layout and which partial it is,
 * nothing else; read back into the partial. Kryo sessions use the layout directly
 * ({@link QcalKryoRegistrator}), so both serializers carry the same bytes.
 */
final class LayoutProxy implements Serializable {
  private static final long serialVersionUID = 1L;

  enum Kind { PASS, VALIDATION }

  private final Kind kind;
  private final byte[] layout;

  LayoutProxy(Kind kind, byte[] layout) {
    this.kind = kind;
    this.layout = layout;
  }

  private Object readResolve() {
    return kind == Kind.PASS ? PassPartial.fromByteArray(layout)
        : ValidationPartial.fromByteArray(layout);
  }
}
