package org.qcal.onnx;

import java.util.ArrayDeque;
import java.util.Deque;
import org.qcal.QcalException;

/**
 * Checks the {@code location} of a tensor's external data and puts it in normal form.
 *
 * <p>onnx.proto: "location (required) - POSIX filesystem path relative to the directory where the
 * ONNX protobuf model was stored". A model is untrusted input, so a location that is absolute or
 * climbs out of that folder (the path-traversal hole the onnx package closed in 1.16) is refused.
 * The check is lexical, without touching the file system or following symbolic links, so it gives
 * the same answer for every {@link ModelFiles} implementation.
 */
final class ExternalDataLocation {
  private ExternalDataLocation() {}

  /**
   * The location as {@code a/b/c} with {@code .} and inner {@code ..} segments removed; refuses
   * empty, absolute and escaping locations with a message naming the model and the tensor.
   */
  static String normalize(String location, String tensor, String modelName) {
    if (location == null || location.isEmpty()) {
      throw refuse(tensor, location, modelName, "has no location");
    }
    if (location.indexOf('\0') >= 0) {
      throw refuse(tensor, location, modelName, "contains a NUL character");
    }
    if (location.startsWith("/") || location.startsWith("\\")
        || location.matches("^[A-Za-z]:.*") || location.contains("://")) {
      throw refuse(tensor, location, modelName,
          "is absolute; it must be relative to the model's folder");
    }
    // Backslashes count as separators too: a Windows-written model must not escape through them.
    Deque<String> kept = new ArrayDeque<>();
    for (String segment : location.split("[/\\\\]")) {
      if (segment.isEmpty() || segment.equals(".")) {
        continue;
      }
      if (segment.equals("..")) {
        if (kept.isEmpty()) {
          throw refuse(tensor, location, modelName, "escapes the model's folder");
        }
        kept.removeLast();
      } else {
        kept.addLast(segment);
      }
    }
    if (kept.isEmpty()) {
      throw refuse(tensor, location, modelName, "names the model's folder, not a file");
    }
    return String.join("/", kept);
  }

  private static QcalException refuse(String tensor, String location, String modelName,
      String why) {
    return new QcalException("model " + modelName + ": external data location '" + location
        + "' of tensor '" + tensor + "' " + why);
  }
}
