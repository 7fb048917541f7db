package org.qcal.onnx;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model corpus of tools/corpus/make_corpus.py, in {@link CorpusFolder#DIR}: its models and
 * torch's outputs on their first held-out rows.
 */
final class Corpus {
  static final Path DIR = CorpusFolder.DIR;

  /** One model of the manifest and torch's outputs on its first held-out rows. */
  record Model(String name, Path file, Map<String, Tensor> inputs, Map<String, Tensor> outputs) {}

  /** A flat tensor of a reference file; integer inputs keep their values in {@code longs}. */
  record Tensor(long[] shape, float[] floats, long[] longs) {}

  private Corpus() {}

  /** The corpus's models, the corpus made first when missing ({@link CorpusFolder#ensure}). */
  static List<Model> models() {
    CorpusFolder.ensure();
    JsonObject manifest = parse(DIR.resolve("manifest.json"));
    List<Model> models = new ArrayList<>();
    for (JsonElement e : manifest.getAsJsonArray("models")) {
      JsonObject m = e.getAsJsonObject();
      JsonObject ref = parse(DIR.resolve(m.get("reference").getAsString()));
      models.add(new Model(m.get("name").getAsString(), DIR.resolve(m.get("file").getAsString()),
          tensors(ref.getAsJsonObject("inputs")), tensors(ref.getAsJsonObject("outputs"))));
    }
    return models;
  }

  /** The manifest.json of a corpus folder. */
  static JsonObject manifest(Path dir) {
    return parse(dir.resolve("manifest.json"));
  }

  private static Map<String, Tensor> tensors(JsonObject o) {
    Map<String, Tensor> map = new LinkedHashMap<>();
    for (String name : o.keySet()) {
      JsonObject t = o.getAsJsonObject(name);
      JsonArray shape = t.getAsJsonArray("shape");
      long[] dims = new long[shape.size()];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = shape.get(i).getAsLong();
      }
      JsonArray data = t.getAsJsonArray("data");
      float[] floats = new float[data.size()];
      long[] longs = new long[data.size()];
      boolean integer = data.size() > 0 && data.get(0).getAsJsonPrimitive().getAsString()
          .matches("-?\\d+");
      for (int i = 0; i < floats.length; i++) {
        floats[i] = data.get(i).getAsFloat();
        longs[i] = integer ? data.get(i).getAsLong() : 0;
      }
      map.put(name, new Tensor(dims, floats, integer ? longs : null));
    }
    return map;
  }

  private static JsonObject parse(Path file) {
    try {
      return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8))
          .getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
