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
import java.util.concurrent.TimeUnit;

/**
 * The model corpus of tools/corpus/make_corpus.py, in {@code target/corpus} of the repository
 * root, and the opset corpus of tools/corpus/opset_models.py, in {@code target/opset-corpus}:
 * generated on first use when Debian's python3-torch and python3-onnx are installed.
 */
final class Corpus {
  static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  static final Path DIR = ROOT.resolve("target/corpus");
  static final Path OPSET_DIR = ROOT.resolve("target/opset-corpus");
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  /** One model of the manifest and torch's outputs on its first held-out rows. */
  record Model(String name, Path file, Map<String, Tensor> inputs, Map<String, Tensor> outputs) {}

  /** A flat tensor of a reference file; integer inputs keep their values in {@code longs}. */
  record Tensor(long[] shape, float[] floats, long[] longs) {}

  private Corpus() {}

  /** Whether the corpus is there or can be made here. */
  static boolean available() {
    return available(DIR);
  }

  /** Whether the corpus of {@code dir} is there or can be made here. */
  static boolean available(Path dir) {
    return Files.isRegularFile(dir.resolve("manifest.json")) || canGenerate();
  }

  private static boolean canGenerate() {
    if (!Files.isExecutable(PYTHON)) {
      return false;
    }
    return run(List.of(PYTHON.toString(), "-c", "import torch, onnx"), 120) == 0;
  }

  /** The corpus's models, generating it first when its manifest is missing. */
  static List<Model> models() {
    JsonObject manifest = manifest("make_corpus.py", DIR, 900);
    List<Model> models = new ArrayList<>();
    for (JsonElement e : manifest.getAsJsonArray("models")) {
      JsonObject m = e.getAsJsonObject();
      JsonObject ref = parse(DIR.resolve(m.get("reference").getAsString()));
      models.add(new Model(m.get("name").getAsString(), DIR.resolve(m.get("file").getAsString()),
          tensors(ref.getAsJsonObject("inputs")), tensors(ref.getAsJsonObject("outputs"))));
    }
    return models;
  }

  /**
   * The manifest of the corpus in {@code dir}, made first by {@code tools/corpus/SCRIPT DIR} when
   * it is missing (at most {@code seconds}).
   */
  static JsonObject manifest(String script, Path dir, int seconds) {
    if (!Files.isRegularFile(dir.resolve("manifest.json"))) {
      int exit = run(List.of(PYTHON.toString(), ROOT.resolve("tools/corpus").resolve(script)
          .toString(), dir.toString()), seconds);
      if (exit != 0) {
        throw new IllegalStateException(script + " exited " + exit);
      }
    }
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

  private static int run(List<String> command, int seconds) {
    try {
      Process p = new ProcessBuilder(command).directory(ROOT.toFile()).inheritIO().start();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }
}
