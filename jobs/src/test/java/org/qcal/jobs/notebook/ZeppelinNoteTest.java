package org.qcal.jobs.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.SparkConf;
import org.apache.spark.executor.ExecutorClassLoader;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.calib.CalibrationMethod;
import org.qcal.jobs.api.CalibrationResult;
import org.qcal.jobs.api.TensorCalibration;
import org.qcal.jobs.notebook.ParagraphOutput.Message;
import org.qcal.jobs.notebook.ZeppelinNote.Paragraph;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.jobs.validate.ValidationReport;

/**
 * Runs {@code notebooks/qcal-quantization-tour.zpln} as Zeppelin's Spark interpreter would, and
 * checks what it produced.
 *
 * <p>The note is read with Jackson; its paragraphs run in order: {@code %spark} (and unprefixed)
 * ones in one embedded Scala 2.13 REPL ({@link ScalaRepl}), {@code %sh} ones with bash, {@code
 * %md} ones not at all; any other interpreter fails the test. The REPL is set up as Zeppelin's
 * {@code SparkScala213Interpreter} sets up its own: class-based, its classes written to a folder
 * that the session's {@code spark.repl.class.outputDir} names (the driver then serves that folder
 * to executors, whose {@code ExecutorClassLoader} loads the note's classes from it), the REPL's
 * class loader as the context loader of the thread that runs the paragraphs, and {@code spark},
 * {@code sc}, {@code sqlContext} and {@code z} bound as {@code @transient} vals followed by
 * Zeppelin's default imports. A paragraph that does not compile or throws fails the test, naming
 * it, with its output.
 *
 * <p>One difference on purpose: Zeppelin in local mode creates the session while the REPL's
 * loader is the context loader, so its in-process executor sees the REPL's classes directly. Here
 * the session is created first, so the executor's loader cannot see them, as on a cluster: a
 * task gets the note's classes only from the driver's class server, which the test checks.
 *
 * <p>Not covered (see the README): a Zeppelin server, dynamic forms and Zeppelin's Spark version
 * check.
 */
@Tag("notebook")
class ZeppelinNoteTest {
  static final Path NOTE =
      Path.of("../notebooks/qcal-quantization-tour.zpln").toAbsolutePath().normalize();
  static final Path QCAL_HOME = Path.of("..").toAbsolutePath().normalize();

  /** Zeppelin's Spark interpreter runs these prefixes as Scala; "" is the default group. */
  private static final List<String> SCALA = List.of("", "spark", "spark.spark");

  /** What the Spark interpreter runs after binding spark, sc, sqlContext (and later z). */
  private static final List<String> DEFAULT_IMPORTS = List.of(
      "import org.apache.spark.SparkContext._",
      "import spark.implicits._",
      "import sqlContext.implicits._",
      "import spark.sql",
      "import org.apache.spark.sql.functions._");

  @TempDir
  Path work;

  /** The title of the paragraph that failed, if one did. */
  private String failed;

  @Test
  void theTourRunsParagraphByParagraphAsZeppelinRunsIt() throws Exception {
    ZeppelinNote note = ZeppelinNote.read(NOTE);
    assertEquals(note.paragraphs().size(),
        note.paragraphs().stream().map(Paragraph::title).distinct().count(),
        "paragraph titles are unique: the checks find paragraphs by title");
    Path classDir = Files.createDirectories(work.resolve("repl-classes"));
    Path out = work.resolve("qcal-tour");
    Map<String, ParagraphOutput> outputs = new LinkedHashMap<>();
    ClassLoader previous = Thread.currentThread().getContextClassLoader();
    long setup = System.nanoTime();
    try (ScalaRepl repl = new ScalaRepl(classDir)) {
      System.out.printf(Locale.ROOT, "REPL started: %.1f s%n", seconds(setup));
      SparkSession spark = startSpark(classDir);
      System.out.printf(Locale.ROOT, "Spark started: %.1f s%n", seconds(setup));
      Thread.currentThread().setContextClassLoader(repl.classLoader());
      try {
        TestZeppelinContext z = new TestZeppelinContext();
        z.put("qcalHome", QCAL_HOME.toString());
        z.put("qcalOut", out.toString());
        bindAsZeppelin(repl, spark, z);
        System.out.printf(Locale.ROOT, "spark, sc, sqlContext, z bound: %.1f s%n",
            seconds(setup));
        try {
          for (Paragraph p : note.paragraphs()) {
            run(p, note.defaultInterpreterGroup(), repl, out, outputs);
          }
        } finally {
          writeExecutedNote(note, outputs);
        }
        checkResults(repl, outputs, out);
        checkTasksLoadReplClassesFromTheDriver(repl, spark);
      } finally {
        spark.stop();
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
      }
    } finally {
      Thread.currentThread().setContextClassLoader(previous);
    }
  }

  /**
   * Runs one paragraph as Zeppelin would and keeps its output under its title; fails on an
   * error, naming the paragraph, after keeping the output.
   */
  private void run(Paragraph p, String defaultGroup, ScalaRepl repl, Path out,
      Map<String, ParagraphOutput> outputs) throws IOException, InterruptedException {
    if (!p.enabled()) {
      return;
    }
    long start = System.nanoTime();
    String group = p.group(defaultGroup);
    if (group.equals("md")) {
      return;
    } else if (group.equals("spark") && SCALA.contains(p.interpreter())) {
      ScalaRepl.Run run = repl.interpret(p.script());
      outputs.put(p.title(), run.output());
      if (!run.success()) {
        failed = p.title();
        fail(p.describe() + " ended with " + run.result() + ":\n" + run.output().text());
      }
    } else if (group.equals("sh")) {
      outputs.put(p.title(), shell(p, out));
    } else {
      fail(p.describe() + ": %" + p.interpreter() + " is not run by this test");
    }
    System.out.printf(Locale.ROOT, "%s: %.1f s%n%s%n", p.describe(), seconds(start),
        outputs.get(p.title()).text());
  }

  /**
   * The note with each paragraph's results as Zeppelin stores them after a run, in {@code
   * target/notebook/}: import it into Zeppelin to read this run's output without running it.
   */
  private void writeExecutedNote(ZeppelinNote note, Map<String, ParagraphOutput> outputs)
      throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode root = (ObjectNode) mapper.readTree(NOTE.toFile());
    int i = 0;
    for (JsonNode node : root.get("paragraphs")) {
      String title = note.paragraphs().get(i++).title();
      ParagraphOutput output = outputs.get(title);
      if (output == null) {
        continue;
      }
      ObjectNode results = ((ObjectNode) node).putObject("results");
      results.put("code", title.equals(failed) ? "ERROR" : "SUCCESS");
      ArrayNode msg = results.putArray("msg");
      output.messages().forEach(m -> msg.addObject().put("type", m.type()).put("data", m.data()));
      ((ObjectNode) node).put("status", title.equals(failed) ? "ERROR" : "FINISHED");
    }
    Path target = Files.createDirectories(Path.of("target", "notebook"))
        .resolve(NOTE.getFileName());
    mapper.writerWithDefaultPrettyPrinter().writeValue(target.toFile(), root);
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /** A local session as Zeppelin's local mode makes one, serving the REPL's classes. */
  private static SparkSession startSpark(Path classDir) {
    SparkConf conf = new SparkConf()
        .setMaster("local[2]")
        .setAppName("ZeppelinNoteTest")
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.sql.shuffle.partitions", "4")
        .set("spark.repl.class.outputDir", classDir.toString());
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    assertEquals(classDir.toString(),
        spark.sparkContext().getConf().get("spark.repl.class.outputDir", ""),
        "another test's SparkSession is still running");
    return spark;
  }

  private static void bindAsZeppelin(ScalaRepl repl, SparkSession spark, TestZeppelinContext z) {
    repl.bind("spark", "org.apache.spark.sql.SparkSession", spark);
    repl.bind("sc", "org.apache.spark.SparkContext", spark.sparkContext());
    repl.bind("sqlContext", "org.apache.spark.sql.SQLContext", spark.sqlContext());
    DEFAULT_IMPORTS.forEach(repl::quietly);
    repl.bind("z", TestZeppelinContext.class.getName(), z);
  }

  /** Runs a {@code %sh} paragraph with bash, as Zeppelin's shell interpreter does. */
  private ParagraphOutput shell(Paragraph p, Path out) throws IOException, InterruptedException {
    Path log = Files.createTempFile(work, "sh-", ".out");
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", p.script()).directory(work.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("QCAL_OUT", out.toString());
    Process process = pb.start();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail(p.describe() + " did not end within 60 s");
    }
    String output = Files.readString(log);
    if (process.exitValue() != 0) {
      fail(p.describe() + " exited with " + process.exitValue() + ":\n" + output);
    }
    return ParagraphOutput.of(output);
  }

  /** The values and files the note produced, read from its REPL and its output folder. */
  private static void checkResults(ScalaRepl repl, Map<String, ParagraphOutput> outputs,
      Path out) throws Exception {
    CalibrationResult calibration = (CalibrationResult) repl.valueOf("calibration");
    assertNotNull(calibration, "the note defines `calibration`");
    int methods = CalibrationMethod.values().length;
    assertEquals(methods, calibration.exports().size(), "a candidate per method");

    // The ranges table: a row per tensor and method, with the parameters of that range.
    Table ranges = table(outputs, "Ranges per tensor and method");
    assertEquals(List.of("tensor", "method", "min", "max", "scale", "zero_point"),
        ranges.header());
    assertEquals(calibration.tensors().size() * methods, ranges.rows().size());
    Map<String, TreeSet<String>> methodsByTensor = new TreeMap<>();
    ranges.rows().forEach(r -> methodsByTensor.computeIfAbsent(r.get(0), k -> new TreeSet<>())
        .add(r.get(1)));
    TreeSet<String> allMethods = Arrays.stream(CalibrationMethod.values())
        .map(CalibrationMethod::id).collect(Collectors.toCollection(TreeSet::new));
    for (TensorCalibration t : calibration.tensors()) {
      assertEquals(allMethods, methodsByTensor.get(t.name()), t.name());
    }
    List<String> mse = ranges.rows().stream().filter(r -> r.get(1).equals("mse")).findFirst()
        .orElseThrow();
    TensorCalibration first = calibration.tensors().stream()
        .filter(t -> t.name().equals(mse.get(0))).findFirst().orElseThrow();
    assertEquals(first.params().get(CalibrationMethod.MSE).scale(), Float.parseFloat(mse.get(4)));

    // The histograms: three figures of qcal's report as HTML output, nothing else in it.
    List<Message> histograms = outputs.get("Histograms with each method's thresholds")
        .ofType("HTML");
    assertEquals(1, histograms.size());
    String html = histograms.get(0).data().strip();
    assertTrue(html.startsWith("<figure") && html.endsWith("</figure>"), html);
    assertEquals(3, count(html, "<svg "));
    assertEquals(3 * methods * 2, count(html, "<line "), "two thresholds per method");

    // Validation: a row per candidate; the chosen one within the budget.
    Table candidates = table(outputs, "Validate every candidate");
    assertEquals(methods, candidates.rows().size());
    ValidationReport validation = (ValidationReport) repl.valueOf("validation");
    CandidateResult chosen = (CandidateResult) repl.valueOf("chosen");
    double budget = (Double) repl.valueOf("budget");
    assertTrue(chosen.passed(), chosen.name());
    assertTrue(chosen.drop() <= budget, chosen.name() + " drops " + chosen.drop());
    assertEquals(validation.best().name(), chosen.name());
    assertEquals(chosen.name(), candidates.rows().get(0).get(1), "the table is best first");
    String bars = outputs.get("Where the chosen model loses precision").ofType("HTML").get(0)
        .data();
    assertEquals(chosen.tensors().size(), count(bars, "<rect "), "a bar per activation");

    // int8 against FP32 through Spark ML's evaluator: the transformer's predictions on the
    // held-out rows give the top-1 of the validation, for FP32 and for the chosen candidate.
    String fitted = outputs.get("Run the int8 model on the executors").text();
    assertTrue(fitted.contains("int8 model sha256 " + chosen.sha256()),
        "the estimator exports the validated candidate, byte for byte\n" + fitted);
    Table accuracy = table(outputs, "FP32 vs int8 accuracy");
    assertEquals(2, accuracy.rows().size());
    assertEquals(validation.referenceValue(), Double.parseDouble(accuracy.rows().get(0).get(1)),
        0.005, "two decimals");
    assertEquals(chosen.top1Percent(), Double.parseDouble(accuracy.rows().get(1).get(1)), 0.005);

    // The saved Spark ML model: metadata, the validated candidate byte for byte, its calibration.
    for (String file : List.of("metadata", "data/model.onnx", "data/calibration.json")) {
      assertTrue(Files.exists(out.resolve(file)), file);
    }
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
        .digest(Files.readAllBytes(out.resolve("data/model.onnx"))));
    assertEquals(chosen.sha256(), sha256, "data/model.onnx is the validated candidate");
    String saved = outputs.get("Save the model and its calibration").text();
    assertTrue(saved.contains("reloaded model sha256 " + sha256), saved);
    String listing = outputs.get("What was written").text();
    assertTrue(listing.contains("model.onnx") && listing.contains(sha256), listing);
  }

  /**
   * The note's closures reached the executor through the driver's class server: the session
   * serves the REPL's folder, and a task running a closure compiled in the REPL (after the note,
   * by the test) finds its wrapper class defined by Spark's {@code ExecutorClassLoader}, for an
   * RDD and for a Dataset (which runs with the session's own artifact class loader).
   */
  private static void checkTasksLoadReplClassesFromTheDriver(ScalaRepl repl,
      SparkSession spark) {
    assertFalse(spark.sparkContext().getConf().get("spark.repl.class.uri", "").isEmpty(),
        "the driver serves the REPL's classes");
    String loaderName = "_ => getClass.getClassLoader.getClass.getName";
    ScalaRepl.Run probe = repl.interpret(String.join("\n",
        "val probeRdd = sc.parallelize(1 to 4, 2).map(" + loaderName + ")"
            + ".distinct().collect().toList",
        "val probeDataset = spark.range(4).map(" + loaderName + ").distinct().collect().toList"));
    assertTrue(probe.success(), probe.output().text());
    List<String> executorLoader = List.of(ExecutorClassLoader.class.getName());
    assertEquals(executorLoader, scala.jdk.javaapi.CollectionConverters.asJava(
        (scala.collection.immutable.List<?>) repl.valueOf("probeRdd")));
    assertEquals(executorLoader, scala.jdk.javaapi.CollectionConverters.asJava(
        (scala.collection.immutable.List<?>) repl.valueOf("probeDataset")));
  }

  /** A {@code %table} result: header and rows of cells. */
  private record Table(List<String> header, List<List<String>> rows) {}

  private static Table table(Map<String, ParagraphOutput> outputs, String title) {
    ParagraphOutput output = outputs.get(title);
    assertNotNull(output, "no paragraph titled " + title);
    List<Message> tables = output.ofType("TABLE");
    assertEquals(1, tables.size(), title + ": one table\n" + output.text());
    List<String> lines = tables.get(0).data().lines().filter(l -> !l.isEmpty()).toList();
    List<List<String>> rows = new ArrayList<>();
    lines.subList(1, lines.size()).forEach(l -> rows.add(List.of(l.split("\t", -1))));
    return new Table(List.of(lines.get(0).split("\t", -1)), rows);
  }

  private static int count(String text, String needle) {
    return text.split(java.util.regex.Pattern.quote(needle), -1).length - 1;
  }
}
