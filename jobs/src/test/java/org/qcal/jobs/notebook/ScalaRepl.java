package org.qcal.jobs.notebook;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import scala.Option;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.tools.nsc.Settings;
import scala.tools.nsc.interpreter.IMain;
import scala.tools.nsc.interpreter.Results;
import scala.tools.nsc.interpreter.shell.ReplReporterImpl;

/**
 * An embedded Scala 2.13 REPL set up as Zeppelin's Scala 2.13 Spark interpreter sets up its own
 * ({@code SparkScala213Interpreter.createSparkILoop}): class-based ({@code -Yrepl-class-based},
 * so that every line's wrapper is a serializable class a closure can carry to an executor), its
 * classes written to an output folder ({@code -Yrepl-outdir}) that the driver serves to executors
 * when Spark's {@code spark.repl.class.outputDir} names it, and this JVM's class path. A
 * paragraph's text is interpreted as one request, as Zeppelin does; what it prints (Scala's
 * {@code Console.out}, Java's {@code System.out} and the REPL's own echo and errors) is
 * captured per paragraph.
 */
final class ScalaRepl implements AutoCloseable {
  private final IMain intp;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
  private final PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
  private final PrintWriter echo =
      new PrintWriter(new OutputStreamWriter(capture, StandardCharsets.UTF_8), true);

  /** What one paragraph did: the REPL's verdict and everything it printed. */
  record Run(String result, ParagraphOutput output) {
    boolean success() {
      return result.equals("Success");
    }
  }

  ScalaRepl(Path classDir) {
    Settings settings = new Settings();
    List<String> args = List.of("-Yrepl-class-based", "-Yrepl-outdir", classDir.toString(),
        "-classpath", classPath());
    Tuple2<Object, scala.collection.immutable.List<String>> parsed =
        settings.processArguments(CollectionConverters.asScala(args).toList(), true);
    if (!(Boolean) parsed._1() || !parsed._2().isEmpty()) {
      throw new IllegalStateException("Scala REPL settings refused: " + args);
    }
    intp = new IMain(settings, new ReplReporterImpl(settings, echo));
    if (!intp.initializeCompiler()) {
      throw new IllegalStateException("the Scala compiler did not start: " + drain());
    }
  }

  /**
   * The class path the REPL compiles against: this JVM's. Surefire starts tests with a
   * manifest-only jar on {@code java.class.path} but puts the real one in {@code
   * surefire.test.class.path}.
   */
  private static String classPath() {
    String surefire = System.getProperty("surefire.test.class.path");
    return surefire != null && !surefire.isBlank() ? surefire
        : System.getProperty("java.class.path", "") + File.pathSeparator;
  }

  /** The loader of the REPL's classes: the thread context loader Zeppelin gives Spark. */
  ClassLoader classLoader() {
    return intp.classLoader();
  }

  /**
   * Binds {@code value} as {@code @transient val name: type}, as Zeppelin binds {@code spark},
   * {@code sc}, {@code sqlContext} and {@code z} (transient: a closure that captures a wrapper
   * never drags the session along).
   */
  void bind(String name, String type, Object value) {
    Results.Result r = intp.bind(name, type, value,
        CollectionConverters.asScala(List.of("@transient")).toList());
    String out = drain();
    if (!r.toString().equals("Success")) {
      throw new IllegalStateException("cannot bind " + name + ": " + out);
    }
  }

  /** Runs {@code code} and fails unless it succeeds (the interpreter's own set-up lines). */
  void quietly(String code) {
    Run run = interpret(code);
    if (!run.success()) {
      throw new IllegalStateException("REPL set-up line failed: " + code + "\n" + run.output()
          .text());
    }
  }

  /**
   * Interprets one paragraph with Zeppelin's handling: {@code Console.out} and {@code
   * System.out} point at the paragraph's output while it runs; an incomplete paragraph (one
   * ending in a comment) is run again with {@code print("")} appended. A compile error or an
   * exception thrown by the code is {@code Error}, with the REPL's message or stack trace in the
   * output.
   */
  synchronized Run interpret(String code) {
    drain();
    PrintStream systemOut = System.out;
    System.setOut(capture);
    Results.Result result;
    try {
      result = scala.Console.withOut(capture, () -> intp.interpret(code));
      if (result.toString().equals("Incomplete")) {
        result = scala.Console.withOut(capture, () -> intp.interpret(code + "\nprint(\"\")"));
      }
    } finally {
      System.setOut(systemOut);
    }
    return new Run(result.toString(), ParagraphOutput.of(drain()));
  }

  /** The value of a term the paragraphs defined, or null. */
  Object valueOf(String name) {
    Option<Object> value = intp.valueOfTerm(name);
    return value.isDefined() ? value.get() : null;
  }

  private String drain() {
    echo.flush();
    capture.flush();
    String text = captured.toString(StandardCharsets.UTF_8);
    captured.reset();
    return text;
  }

  @Override
  public void close() {
    intp.close();
  }
}
