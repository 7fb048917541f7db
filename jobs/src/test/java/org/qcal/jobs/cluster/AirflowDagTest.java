package org.qcal.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.jobs.cli.Main;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * conf/airflow/qcal_tune_dag.py: it compiles with python3, and the command line it gives
 * spark-submit is one qcal accepts. Airflow is not installed here: the DAG file runs with two
 * stub modules standing in for {@code airflow} and the Spark provider, which record what the
 * DAG passes to SparkSubmitOperator.
 */
class AirflowDagTest {
  private static final Path DAG = ClusterBuild.CONF.resolve("airflow/qcal_tune_dag.py");

  /**
   * Runs the DAG file with stubs for airflow.DAG and SparkSubmitOperator, and prints its
   * QCAL_ARGS and the keyword arguments of every operator it created, as JSON.
   */
  private static final String STUB_RUN = """
      import json, runpy, sys, types
      class DAG:
          def __init__(self, *args, **kwargs):
              self.kwargs = kwargs
          def __enter__(self):
              return self
          def __exit__(self, *exc):
              return False
      class SparkSubmitOperator:
          created = []
          def __init__(self, **kwargs):
              self.kwargs = kwargs
              SparkSubmitOperator.created.append(self)
      names = ["airflow", "airflow.providers", "airflow.providers.apache",
               "airflow.providers.apache.spark", "airflow.providers.apache.spark.operators",
               "airflow.providers.apache.spark.operators.spark_submit"]
      for name in names:
          sys.modules[name] = types.ModuleType(name)
      sys.modules["airflow"].DAG = DAG
      sys.modules[names[-1]].SparkSubmitOperator = SparkSubmitOperator
      module = runpy.run_path(sys.argv[1])
      print(json.dumps({"QCAL_ARGS": module["QCAL_ARGS"],
                        "operators": [o.kwargs for o in SparkSubmitOperator.created]},
                       default=str))
      """;

  @TempDir static Path tmp;
  private static JsonNode dag;

  @BeforeAll
  static void runTheDagFile() throws Exception {
    assumeTrue(python3Available(), "python3 is not on the PATH: the DAG cannot be checked");
    dag = new ObjectMapper().readTree(python("-c", STUB_RUN, DAG.toString()));
  }

  @Test
  void dagCompilesWithPython3() throws Exception {
    python("-m", "py_compile", DAG.toString()); // bytecode goes to PYTHONPYCACHEPREFIX (tmp)
  }

  @Test
  void dagSubmitsQcalsMainWithQcalArgsAndQcalsSparkSettings() {
    assertEquals(1, dag.get("operators").size(), dag.toString());
    JsonNode op = dag.get("operators").get(0);
    assertEquals("org.qcal.jobs.cli.Main", op.get("java_class").asText());
    assertTrue(op.get("application").asText()
        .matches(".*/qcal-jobs-spark\\d+\\.\\d+_2\\.1[23]\\.jar"), op.toString());
    assertEquals(dag.get("QCAL_ARGS"), op.get("application_args"));
    assertEquals("client", op.get("deploy_mode").asText(), "exit codes need a client-mode driver");
    JsonNode conf = op.get("conf");
    assertEquals("org.qcal.jobs.spark.QcalKryoRegistrator", conf.get("spark.kryo.registrator").asText());
    assertEquals("org.apache.spark.serializer.KryoSerializer",
        conf.get("spark.serializer").asText());
    for (String side : List.of("driver", "executor")) {
      assertTrue(conf.get("spark." + side + ".extraJavaOptions").asText()
          .contains(ClusterBuild.VECTOR_MODULE), conf.toString());
    }
  }

  /** QCAL_ARGS through qcal's own picocli parser: the tune command, every argument matched. */
  @Test
  void qcalArgsAreAcceptedByQcalsArgumentParser() {
    List<String> args = new ArrayList<>();
    dag.get("QCAL_ARGS").forEach(a -> args.add(a.asText()));
    ParseResult parsed = new CommandLine(new Main()).parseArgs(args.toArray(String[]::new));
    assertNotNull(parsed.subcommand(), "a command in " + args);
    ParseResult tune = parsed.subcommand();
    assertEquals("tune", tune.commandSpec().name());
    assertEquals(List.of(), tune.unmatched());
    assertEquals(dag.get("QCAL_ARGS").get(2).asText(), tune.matchedOptionValue("--model", ""));
    assertEquals(1.0, tune.matchedOptionValue("--max-drop", Double.NaN));
    assertTrue(tune.hasMatchedOption("--overwrite"), "reruns replace their folder");
  }

  // --- python3 --------------------------------------------------------------------------------

  private static boolean python3Available() {
    try {
      Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs python3 with {@code args}; returns its stdout; fails with both outputs on error. */
  private static String python(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("python3"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("PYTHONPYCACHEPREFIX", tmp.resolve("pycache").toString());
    builder.environment().put("PYTHONDONTWRITEBYTECODE", "1");
    Path err = tmp.resolve("python.err");
    builder.redirectError(err.toFile());
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 " + args[0] + " timed out");
    assertEquals(0, p.exitValue(), "python3 " + String.join(" ", args).lines().findFirst()
        .orElse("") + "\nstdout:\n" + out + "\nstderr:\n" + java.nio.file.Files.readString(err));
    return out;
  }
}
