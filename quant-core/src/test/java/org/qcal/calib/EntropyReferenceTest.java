package org.qcal.calib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * qcal's entropy search against tools/entropy_reference.py, an independent numpy implementation
 * of pytorch-quantization's {@code _compute_amax_entropy}, on real histograms: the |x| fold of
 * activations of the shipped models and the corpus, as calibrate merged them (fixtures in
 * src/test/resources/entropy/, written by benchmarks' HistogramDump and the tool's {@code
 * fixture} command; docs/BENCHMARKS.md, "Entropy audit").
 *
 * <ul>
 *   <li>With qcal's one departure inside the search switched on in the reference (P and Q
 *       smoothed as ONNX Runtime's smooth_distribution), the algorithms are the same: the
 *       candidate bin must be equal, at 128 levels and at the 256 qcal uses for a never-negative
 *       tensor calibrated to uint8 (pytorch-quantization's {@code unsigned=True}).
 *   <li>Against pytorch-quantization as published (no smoothing): equal, or the difference is
 *       one of the two the smoothing makes: qcal's pick is a candidate pytorch-quantization
 *       scores +inf (its last bin is empty but holds the outliers: P > 0 where Q = 0), or
 *       pytorch-quantization's pick leaves a single non-empty bin below it (KL exactly 0: a
 *       HardSigmoid output clipped to its minimum).
 * </ul>
 *
 * <p>Tagged {@code corpus}: it needs python3 with numpy, which CI installs (python3-numpy); it
 * is skipped elsewhere when they are missing, and fails under CI ({@code CI} set).
 */
@Tag("corpus")
class EntropyReferenceTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final Path FIXTURES = Path.of("src/test/resources/entropy");
  private static final Pattern FOLDED = Pattern.compile("\"folded\":\\s*\\[([^\\]]*)\\]");
  private static final Pattern MIN = Pattern.compile("\"min\":\\s*(-?[0-9.eE+-]+)");

  /** File name -> the reference's JSON line. */
  private static final Map<String, String> REFERENCE = new LinkedHashMap<>();

  @BeforeAll
  static void runReference() throws Exception {
    requireNumpy();
    List<String> command = new ArrayList<>(List.of("python3",
        ROOT.resolve("tools/entropy_reference.py").toString(), "candidates"));
    for (Path f : fixtures()) {
      command.add(f.toString());
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(10, TimeUnit.MINUTES), "entropy_reference.py did not finish");
    assertEquals(0, p.exitValue(), "entropy_reference.py failed:\n" + out);
    for (String line : out.strip().split("\n")) {
      REFERENCE.put(Path.of(text(line, "file")).getFileName().toString(), line);
    }
  }

  @Test
  void everyFixtureWasChecked() throws IOException {
    assertEquals(fixtures().size(), REFERENCE.size(), REFERENCE.keySet().toString());
    assertTrue(REFERENCE.size() >= 5, "fixtures: " + REFERENCE.keySet());
  }

  @Test
  void at128LevelsQcalPicksTheBinOfBothReferences() throws IOException {
    for (Path f : fixtures()) {
      String ref = REFERENCE.get(f.getFileName().toString());
      int qcal = EntropyCalibrator.search(folded(f), 128);
      assertEquals(number(ref, "smoothed_128"), qcal, f + ": the same algorithm");
      assertTrue(explained(ref, qcal, "128"), f + ": qcal " + qcal + ", pytorch-quantization "
          + number(ref, "pytorch_128") + ", " + ref);
    }
  }

  /**
   * Equal to pytorch-quantization as published, or the difference is one the smoothing makes:
   * qcal's pick is a candidate pytorch-quantization scores +inf, or pytorch-quantization's pick
   * clips everything into a single non-empty bin (P and Q one spike each: KL exactly 0).
   */
  private static boolean explained(String ref, int qcal, String levels) {
    return qcal == number(ref, "pytorch_" + levels)
        || text(ref, "pytorch_rules_out_smoothed_" + levels).equals("true")
        || text(ref, "pytorch_" + levels + "_one_bin").equals("true");
  }

  @Test
  void theFixturesHoldEachKindOfDifference() throws IOException {
    int equal = 0;
    int ruledOut = 0;
    int oneBin = 0;
    for (Path f : fixtures()) {
      String ref = REFERENCE.get(f.getFileName().toString());
      int qcal = EntropyCalibrator.search(folded(f), 128);
      if (qcal == number(ref, "pytorch_128")) {
        equal++;
      } else if (text(ref, "pytorch_rules_out_smoothed_128").equals("true")) {
        ruledOut++;
      } else if (text(ref, "pytorch_128_one_bin").equals("true")) {
        oneBin++;
      }
    }
    // README.md of the fixtures: 6 equal; vit-k-matmul and tinycnn-maxpool ruled out;
    // mobilenetv3-hardsigmoid clipped to its minimum by pytorch-quantization (bin 371 of 3240).
    assertEquals(List.of(6, 2, 1), List.of(equal, ruledOut, oneBin));
  }

  @Test
  void at256LevelsForUnsignedTargetsQcalIsTheSmoothedSearch() throws IOException {
    int checked = 0;
    for (Path f : fixtures()) {
      long[] bins = folded(f);
      if (min(f) < 0 || bins.length < 256) {
        continue;
      }
      String ref = REFERENCE.get(f.getFileName().toString());
      int qcal = EntropyCalibrator.search(bins, 256);
      assertEquals(number(ref, "smoothed_256"), qcal, f + ": the same algorithm");
      assertTrue(explained(ref, qcal, "256"), f + ": qcal " + qcal + ", pytorch-quantization "
          + number(ref, "pytorch_256") + ", " + ref);
      checked++;
    }
    assertTrue(checked >= 3, "never-negative fixtures checked: " + checked);
  }

  static List<Path> fixtures() throws IOException {
    try (Stream<Path> s = Files.list(FIXTURES)) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  static long[] folded(Path fixture) throws IOException {
    Matcher m = FOLDED.matcher(Files.readString(fixture));
    assertTrue(m.find(), fixture + " has no folded counts");
    String[] parts = m.group(1).split(",");
    long[] bins = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      bins[i] = Long.parseLong(parts[i].strip());
    }
    return bins;
  }

  private static double min(Path fixture) throws IOException {
    Matcher m = MIN.matcher(Files.readString(fixture));
    assertTrue(m.find(), fixture + " has no min");
    return Double.parseDouble(m.group(1));
  }

  /** The value of {@code key} in a flat JSON line, as written (quotes dropped). */
  private static String text(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":\\s*\"?([^,\"}]*)").matcher(json);
    assertTrue(m.find(), key + " missing in " + json);
    return m.group(1).strip();
  }

  private static int number(String json, String key) {
    return Integer.parseInt(text(json, key));
  }

  /** python3 with numpy, or the test is skipped (fails under CI). */
  private static void requireNumpy() throws Exception {
    String problem;
    try {
      Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true)
          .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      problem = p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : out.strip();
    } catch (IOException e) {
      problem = "no python3: " + e.getMessage();
    }
    if (problem != null) {
      if (System.getenv("CI") != null) {
        throw new IllegalStateException("python3 with numpy is needed under CI: " + problem);
      }
      Assumptions.abort("python3 with numpy is missing: " + problem);
    }
  }
}
