package org.qcal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.util.Ec2Utils;
import ai.djl.util.Utils;
import ai.onnxruntime.OrtEnvironment;
import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URL;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class DjlOfflineTest {

  @Test
  void ensureTurnsOnOfflineModeAndOptsOutOfTracking() {
    DjlOffline.ensure();
    assertTrue(Utils.isOfflineMode());
    assertEquals("true", Utils.getEnvOrSystemProperty("OPT_OUT_TRACKING"));
    assertEquals(OrtEnv.ENGINE_NAME, Engine.getDefaultEngineName());
  }

  @Test
  void djlEngineIsOnnxRuntimeWithTheJarsNativeLibrary() {
    assertEquals(OrtEnv.ENGINE_NAME, OrtEnv.engine().getEngineName());
    assertEquals(OrtEnv.ENGINE_NAME, Engine.getInstance().getEngineName());
    // No external native library: ORT extracts the one inside the onnxruntime jar, so the
    // native version is the jar's version.
    assertNull(System.getProperty("onnxruntime.native.path"));
    assertEquals(OrtEnvironment.class.getPackage().getImplementationVersion(),
        OrtEnv.nativeVersion());
  }

  @Test
  void telemetryCallHomeOpensNoConnection() throws Exception {
    DjlOffline.ensure();
    List<URI> attempts = recordConnections(() -> Ec2Utils.callHome(OrtEnv.ENGINE_NAME));
    assertEquals(List.of(), attempts);
  }

  @Test
  void loadingAndRunningAModelOpensNoConnection() throws Exception {
    ModelSource model = TestModels.fresh("add_relu.onnx");
    List<URI> attempts = recordConnections(() -> {
      try (ModelRunner runner = ModelRunner.open(model, RuntimeOptions.DEFAULTS)) {
        runner.setFloats("a", new float[3], 1, 3).setFloats("b", new float[3], 1, 3).run();
      }
      OptimizedModelWriter.optimize(model, GraphOptLevel.EXTENDED);
    });
    assertEquals(List.of(), attempts);
    SessionCache.evict(model.digest());
  }

  @Test
  void connectionRecorderSeesAnHttpAttempt() throws Exception {
    // Proves the probe above would notice: any HttpURLConnection asks the ProxySelector first.
    List<URI> attempts = recordConnections(() -> {
      try {
        new URL("http://127.0.0.1:9/telemetry.txt").openConnection().connect();
      } catch (IOException expected) {
        // Nothing listens there (and the network may be down); the attempt is what counts.
      }
    });
    assertFalse(attempts.isEmpty());
  }

  /** Runs {@code action} with a ProxySelector that records every URI a connection asks about. */
  private static List<URI> recordConnections(Action action) throws Exception {
    List<URI> attempts = new CopyOnWriteArrayList<>();
    ProxySelector previous = ProxySelector.getDefault();
    ProxySelector.setDefault(new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        attempts.add(uri);
        return List.of(Proxy.NO_PROXY);
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
    });
    try {
      action.run();
    } finally {
      ProxySelector.setDefault(previous);
    }
    return attempts;
  }

  @FunctionalInterface
  private interface Action {
    void run() throws Exception;
  }
}
