package org.qcal.jobs.ml;

import java.util.Base64;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * A Spark ML param holding bytes (an ONNX model), JSON-encoded as base64 for Spark's generic
 * param tools. qcal's own writers store its value as a file beside the metadata instead, so a
 * large model never goes into a JSON line.
 */
public final class BytesParam extends Param<byte[]> {
  private static final long serialVersionUID = 1L;

  public BytesParam(Params parent, String name, String doc) {
    super(parent.uid(), name, doc);
  }

  @Override
  public String jsonEncode(byte[] value) {
    return "\"" + Base64.getEncoder().encodeToString(value) + "\"";
  }

  @Override
  public byte[] jsonDecode(String json) {
    String text = json.trim();
    if (text.length() < 2 || text.charAt(0) != '"' || text.charAt(text.length() - 1) != '"') {
      throw new IllegalArgumentException(name() + ": not a base64 JSON string");
    }
    return Base64.getDecoder().decode(text.substring(1, text.length() - 1));
  }
}
