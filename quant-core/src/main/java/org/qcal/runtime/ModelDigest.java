package org.qcal.runtime;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.qcal.Check;

/**
 * SHA-256 of a model's bytes as 64 lower-case hex digits: the key of the session cache and the
 * model identity written to calibration.json. Computed once on the driver and shipped with the
 * bytes, so executors never hash a large model again.
 */
public final class ModelDigest {
  private ModelDigest() {}

  /** SHA-256 of {@code bytes} as lower-case hex. */
  public static String sha256Hex(byte[] bytes) {
    Check.notNull(bytes, "model bytes");
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every Java platform has SHA-256", e);
    }
  }

  /** First 12 hex digits: enough to tell models apart in log lines and error messages. */
  public static String shortForm(String digest) {
    return digest.length() <= 12 ? digest : digest.substring(0, 12);
  }
}
