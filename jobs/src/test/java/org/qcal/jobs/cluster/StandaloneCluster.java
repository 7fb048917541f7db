package org.qcal.jobs.cluster;

import static org.qcal.jobs.cluster.ChildJvms.destroyTree;
import static org.qcal.jobs.cluster.ChildJvms.read;
import static org.qcal.jobs.cluster.ChildJvms.sleep;
import static org.qcal.jobs.cluster.ChildJvms.tail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster on 127.0.0.1 for tests: one Master and {@code n} Workers (1 core,
 * 1 GiB each), every one a separate JVM started from the Spark home the build assembles, and
 * applications submitted through {@code org.apache.spark.deploy.SparkSubmit} (what {@code
 * spark-submit} runs) in client mode as child JVMs, with the repository's {@code
 * conf/spark-defaults.conf} as the properties file, as a user would.
 *
 * <p>Everything lives under one folder: {@code spark-home/} (links to the build's jars, plus a
 * {@code conf/log4j2.properties} that every JVM of the cluster reads from its classpath),
 * {@code logs/} (master, workers, each submission's stdout and stderr), {@code worker-<i>/}
 * (the workers' work dirs, where each executor of an application writes its stdout and stderr:
 * {@code worker-<i>/<app id>/<executor id>/stderr}) and {@code local/} (Spark's scratch space).
 * The logs stay after {@link #close()} for post-mortems; the copies of the application jar the
 * executors fetched do not.
 *
 * <p>Every JVM binds to 127.0.0.1 only: the daemons get {@code --host 127.0.0.1}, every child
 * the environment {@code SPARK_LOCAL_IP=127.0.0.1} (web UIs and block managers bind to it;
 * executors inherit it from their worker), the driver {@code spark.driver.host} and {@code
 * spark.driver.bindAddress}; the master's REST server and the application UI are off.
 *
 * <p>{@link #close()} stops every process tree it started (submissions, then workers with their
 * executors, then the master), and a shutdown hook does the same if the test JVM exits first.
 */
public final class StandaloneCluster implements AutoCloseable {
  private static final String LOOPBACK = "127.0.0.1";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  /** One executor per worker: the worker's whole memory and core. */
  static final String EXECUTOR_MEMORY = "1g";
  private static final String EXECUTOR_BACKEND =
      "org.apache.spark.executor.CoarseGrainedExecutorBackend";

  private final Path dir;
  private final Path sparkHome;
  private final Path logs;
  private final List<Path> workDirs = new ArrayList<>();
  private final List<Process> workers = new ArrayList<>();
  private final List<Submission> submissions = new CopyOnWriteArrayList<>();
  private final Thread shutdownHook = new Thread(this::stopAll, "standalone-cluster-stop");
  private Process master;
  private int masterPort;
  private int masterUiPort;
  private boolean closed;

  private StandaloneCluster(Path dir) {
    this.dir = dir;
    this.sparkHome = dir.resolve("spark-home");
    this.logs = dir.resolve("logs");
  }

  /** Starts a master and {@code workers} workers and waits until all workers are registered. */
  public static StandaloneCluster start(Path dir, int workers) throws IOException {
    ClusterBuild.requirePackaged();
    StandaloneCluster cluster = new StandaloneCluster(dir);
    Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
    try {
      cluster.prepareHome();
      cluster.startMaster();
      for (int i = 0; i < workers; i++) {
        cluster.startWorker(i);
      }
      cluster.awaitCondition("all " + workers + " workers registered with the master",
          START_TIMEOUT, () -> tail(cluster.logs.resolve("worker-0.log"), 20),
          () -> cluster.masterState().path("aliveworkers").asInt() == workers);
      return cluster;
    } catch (IOException | RuntimeException | Error e) {
      cluster.close();
      throw e;
    }
  }

  /** {@code spark://127.0.0.1:<port>}. */
  String masterUrl() {
    return "spark://" + LOOPBACK + ":" + masterPort;
  }

  Path dir() {
    return dir;
  }

  /** The Spark home every JVM of the cluster runs from ({@code jars/}, {@code conf/}). */
  public Path sparkHome() {
    return sparkHome;
  }

  /** The log folder: master, workers, submissions. */
  Path logs() {
    return logs;
  }

  /** The master's state from its UI's JSON endpoint (workers, applications). */
  JsonNode masterState() {
    try {
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      HttpResponse<String> response = http.send(
          HttpRequest.newBuilder(URI.create("http://" + LOOPBACK + ":" + masterUiPort + "/json/"))
              .timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      return new ObjectMapper().readTree(response.body());
    } catch (IOException e) {
      return new ObjectMapper().createObjectNode(); // not up yet
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * Submits the application jar ({@link ClusterBuild#JOBS_JAR}) with {@code appArgs} (e.g.
   * {@code calibrate --model ...}) and returns at once; {@code conf} adds or overrides Spark
   * settings ({@code --conf k=v}).
   */
  Submission start(Map<String, String> conf, String... appArgs) throws IOException {
    Map<String, String> all = new LinkedHashMap<>(defaultConf());
    all.putAll(conf);
    List<String> command = new ArrayList<>(List.of(ClusterBuild.java(), "-Xmx1g",
        ClusterBuild.VECTOR_MODULE));
    command.addAll(ClusterBuild.sparkJvmOpens());
    command.addAll(List.of("-cp", classpath(), "org.apache.spark.deploy.SparkSubmit",
        "--master", masterUrl(), "--deploy-mode", "client",
        "--class", "org.qcal.jobs.cli.Main",
        "--properties-file", ClusterBuild.CONF.resolve("spark-defaults.conf").toString()));
    all.forEach((k, v) -> command.addAll(List.of("--conf", k + "=" + v)));
    command.add(ClusterBuild.JOBS_JAR.toString());
    command.addAll(List.of(appArgs));
    String name = "submit-" + (submissions.size() + 1);
    Submission s = new Submission(name, launch(name, command), logs.resolve(name + ".out"),
        logs.resolve(name + ".err"));
    submissions.add(s);
    return s;
  }

  /** Submits and waits for the exit (see {@link #start}); fails after {@code timeout}. */
  public Submission run(Duration timeout, Map<String, String> conf, String... appArgs)
      throws IOException {
    Submission s = start(conf, appArgs);
    s.await(timeout);
    return s;
  }

  /** Submits with the default settings and waits up to 5 minutes. */
  Submission run(String... appArgs) throws IOException {
    return run(Duration.ofMinutes(5), Map.of(), appArgs);
  }

  /**
   * What every submission sets: loopback driver, no UI, one 1-core 1 GiB executor per worker,
   * the Java 17 opens and the Vector module for the executors (the properties file's executor
   * options carry only the latter), and no job before every executor has registered, so that
   * tasks spread over all executors.
   */
  Map<String, String> defaultConf() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.driver.host", LOOPBACK);
    conf.put("spark.driver.bindAddress", LOOPBACK);
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.ui.showConsoleProgress", "false");
    conf.put("spark.executor.memory", EXECUTOR_MEMORY);
    conf.put("spark.executor.cores", "1");
    conf.put("spark.executor.extraJavaOptions",
        ClusterBuild.VECTOR_MODULE + " " + String.join(" ", ClusterBuild.sparkJvmOpens()));
    conf.put("spark.scheduler.minRegisteredResourcesRatio", "1.0");
    conf.put("spark.scheduler.maxRegisteredResourcesWaitingTime", "120s");
    return conf;
  }

  /** The executors an application had, from the workers' work dirs, in worker order. */
  List<Executor> executors(String appId) {
    List<Executor> executors = new ArrayList<>();
    for (int w = 0; w < workDirs.size(); w++) {
      Path app = workDirs.get(w).resolve(appId);
      if (!Files.isDirectory(app)) {
        continue;
      }
      try (Stream<Path> list = Files.list(app)) {
        for (Path e : list.filter(Files::isDirectory).sorted().toList()) {
          executors.add(new Executor(w, e.getFileName().toString(), e));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return executors;
  }

  /** The executor's JVM while it runs: a child of its worker's JVM. */
  Optional<ProcessHandle> process(Executor executor, String appId) {
    return workers.get(executor.worker()).toHandle().descendants()
        .filter(p -> {
          List<String> args = p.info().arguments().map(List::of).orElse(List.of());
          return args.contains(EXECUTOR_BACKEND) && follows(args, "--app-id", appId)
              && follows(args, "--executor-id", executor.id());
        })
        .findFirst();
  }

  /** Every process of the cluster that is alive: daemons, executors, drivers. */
  List<ProcessHandle> processes() {
    List<ProcessHandle> all = new ArrayList<>();
    Stream.concat(Stream.of(master), Stream.concat(workers.stream(),
            submissions.stream().map(Submission::process)))
        .filter(p -> p != null && p.isAlive())
        .forEach(p -> {
          all.add(p.toHandle());
          p.toHandle().descendants().filter(ProcessHandle::isAlive).forEach(all::add);
        });
    return all;
  }

  /**
   * Waits until {@code condition} holds (polled every 200 ms); fails with the master's log tail
   * and {@code diagnostics} otherwise.
   */
  void awaitCondition(String what, Duration timeout, Supplier<String> diagnostics,
      BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      String failure = master != null && !master.isAlive() ? "the master died"
          : System.nanoTime() > deadline ? "timed out after " + timeout : null;
      if (failure != null) {
        throw new IllegalStateException(failure + " while waiting for " + what + "\n"
            + tail(logs.resolve("master.log"), 40) + "\n" + diagnostics.get());
      }
      sleep(200);
    }
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopAll();
    deleteFetchedJars();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is shutting down: the hook runs stopAll anyway
    }
  }

  /**
   * Every executor fetches the application jar (about 85 MB) into its work dir: delete those
   * copies, keep the logs.
   */
  private void deleteFetchedJars() {
    for (Path work : workDirs) {
      try (Stream<Path> files = Files.walk(work)) {
        for (Path jar : files.filter(f -> f.toString().endsWith(".jar")).toList()) {
          Files.deleteIfExists(jar);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private void stopAll() {
    for (Submission s : submissions) {
      destroyTree(s.process());
    }
    for (Process w : workers) {
      destroyTree(w); // a worker's own shutdown hook kills its executors first
    }
    destroyTree(master);
  }

  // --- start-up ---------------------------------------------------------------------------

  /**
   * The fixture's Spark home: {@code jars/} links to the build's qcal-home jars. A few jars Spark
   * needs are compile dependencies of qcal too (slf4j-api, commons-codec, commons-compress);
   * when the build's home lacks them (its copy takes provided-scope jars only) they are linked
   * from this JVM's classpath, where Maven put the same versions.
   */
  private void prepareHome() throws IOException {
    Path jars = Files.createDirectories(sparkHome.resolve("jars"));
    List<String> names = new ArrayList<>();
    try (Stream<Path> list = Files.list(ClusterBuild.QCAL_HOME.resolve("jars"))) {
      for (Path jar : list.sorted().toList()) {
        Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
        names.add(jar.getFileName().toString());
      }
    }
    for (String cls : List.of("org.slf4j.Logger", "org.apache.commons.codec.binary.Hex",
        "org.apache.commons.compress.compressors.CompressorStreamFactory")) {
      Path jar = jarOf(cls);
      String artifact = jar.getFileName().toString().replaceAll("-[0-9][^-]*\\.jar$", "-");
      if (names.stream().noneMatch(n -> n.startsWith(artifact))) {
        Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
      }
    }
    Path conf = Files.createDirectories(sparkHome.resolve("conf"));
    Files.writeString(conf.resolve("log4j2.properties"), LOG4J2);
    Files.createDirectories(logs);
    Files.createDirectories(dir.resolve("local"));
  }

  private void startMaster() throws IOException {
    for (int attempt = 1; ; attempt++) {
      masterPort = freePort();
      masterUiPort = freePort();
      master = launch("master", daemon("org.apache.spark.deploy.master.Master",
          List.of("-Dspark.master.rest.enabled=false"),
          "--host", LOOPBACK, "--port", String.valueOf(masterPort),
          "--webui-port", String.valueOf(masterUiPort)));
      long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
      while (master.isAlive() && System.nanoTime() < deadline
          && !"ALIVE".equals(masterState().path("status").asText())) {
        sleep(200);
      }
      if (master.isAlive() && "ALIVE".equals(masterState().path("status").asText())) {
        return;
      }
      destroyTree(master);
      if (attempt == 3) { // a free port taken by someone else in between, three times
        throw new IllegalStateException("the master did not start\n"
            + tail(logs.resolve("master.log"), 40));
      }
    }
  }

  private void startWorker(int index) throws IOException {
    Path work = Files.createDirectories(dir.resolve("worker-" + index));
    workDirs.add(work);
    workers.add(launch("worker-" + index, daemon("org.apache.spark.deploy.worker.Worker",
        List.of("-Dspark.worker.cleanup.enabled=false"),
        masterUrl(), "--host", LOOPBACK, "--port", "0", "--webui-port", "0",
        "--cores", "1", "--memory", EXECUTOR_MEMORY, "--work-dir", work.toString())));
  }

  private List<String> daemon(String mainClass, List<String> props, String... args) {
    List<String> command = new ArrayList<>(List.of(ClusterBuild.java(), "-Xmx256m",
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    command.addAll(ClusterBuild.sparkJvmOpens());
    command.addAll(props);
    command.addAll(List.of("-cp", classpath(), mainClass));
    command.addAll(List.of(args));
    return command;
  }

  private String classpath() {
    return sparkHome.resolve("conf") + java.io.File.pathSeparator + sparkHome.resolve("jars")
        + java.io.File.separator + "*";
  }

  /**
   * Starts a child JVM with its output in {@code logs/<name>.out|.err} (or one {@code .log}).
   * The environment is this JVM's without any Spark or Hadoop settings of the machine, plus the
   * Spark home, the loopback address and the Scala version (the worker's executor launcher wants
   * it when the home has no build folders).
   */
  private Process launch(String name, List<String> command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("SPARK_") || k.startsWith("HADOOP_")
        || k.startsWith("YARN_") || k.equals("PYSPARK_PYTHON"));
    env.put("SPARK_HOME", sparkHome.toString());
    env.put("SPARK_CONF_DIR", sparkHome.resolve("conf").toString());
    env.put("SPARK_LOCAL_IP", LOOPBACK);
    // Scratch space (shuffle files, fetched files) of drivers and executors: here, not in /tmp.
    env.put("SPARK_LOCAL_DIRS", dir.resolve("local").toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    if (name.startsWith("submit")) {
      builder.redirectOutput(logs.resolve(name + ".out").toFile());
      builder.redirectError(logs.resolve(name + ".err").toFile());
    } else {
      builder.redirectErrorStream(true);
      builder.redirectOutput(logs.resolve(name + ".log").toFile());
    }
    builder.directory(dir.toFile());
    return builder.start();
  }

  private static Path jarOf(String className) {
    try {
      return Path.of(Class.forName(className).getProtectionDomain().getCodeSource().getLocation()
          .toURI());
    } catch (ReflectiveOperationException | java.net.URISyntaxException e) {
      throw new IllegalStateException("cannot locate the jar of " + className, e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return socket.getLocalPort();
    }
  }

  private static boolean follows(List<String> args, String flag, String value) {
    int i = args.indexOf(flag);
    return i >= 0 && i + 1 < args.size() && args.get(i + 1).equals(value);
  }

  /** An executor of an application: its worker's index, its id and its work dir. */
  record Executor(int worker, String id, Path dir) {
    Path stderr() {
      return dir.resolve("stderr");
    }

    String log() {
      return read(stderr());
    }
  }

  /**
   * Quiet Spark, but the lines the tests read: qcal (model loads, pass times), the deploy
   * package (registrations, executor launches and exits), the executors' task lines and the
   * scheduler backend (the application id, lost executors).
   */
  private static final String LOG4J2 = """
      rootLogger.level = warn
      rootLogger.appenderRef.stderr.ref = console
      appender.console.type = Console
      appender.console.name = console
      appender.console.target = SYSTEM_ERR
      appender.console.layout.type = PatternLayout
      appender.console.layout.pattern = %d{HH:mm:ss.SSS} %p %c{1}: %m%n%ex
      logger.qcal.name = org.qcal
      logger.qcal.level = info
      logger.deploy.name = org.apache.spark.deploy
      logger.deploy.level = info
      logger.executor.name = org.apache.spark.executor.Executor
      logger.executor.level = info
      logger.backend.name = org.apache.spark.scheduler.cluster
      logger.backend.level = info
      logger.djl.name = ai.djl.onnxruntime.engine.OrtEngine
      logger.djl.level = error
      """;
}
