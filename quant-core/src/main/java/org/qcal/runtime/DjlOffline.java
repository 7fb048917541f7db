package org.qcal.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts DJL into offline mode before any DJL class initializes: no model-zoo or native-library
 * downloads and no usage tracking. Every entry point of this package calls {@link #ensure()}
 * first; other code that touches DJL directly must call it too.
 *
 * <p>Why each property (DJL 0.36):
 *
 * <ul>
 *   <li>{@code ai.djl.offline=true}: {@code Utils.isOfflineMode()}; refuses every download
 *       (model zoo, repository, engine natives) and also switches off usage tracking.
 *   <li>{@code OPT_OUT_TRACKING=true}: {@code Ec2Utils.callHome}, run from {@code Engine}'s static
 *       initializer, otherwise queries EC2 instance metadata and sends a telemetry request when it
 *       finds itself on EC2. Offline mode already skips it; set as well in case an environment
 *       variable {@code DJL_OFFLINE=false} overrides the property.
 *   <li>{@code ai.djl.default_engine=OnnxRuntime}: the default engine is the only one we ship, so
 *       no other engine (PyTorch, MXNet) that might fetch native libraries is initialized should
 *       its jar ever land on an executor's classpath.
 *   <li>{@code ai.djl.onnx.disable_alternative=true}: the ORT engine would otherwise look up an
 *       "alternative" engine for NDArray math; we do no NDArray math.
 * </ul>
 *
 * <p>ONNX Runtime itself never downloads: its native library ships inside the
 * {@code com.microsoft.onnxruntime} jar and is extracted to {@code java.io.tmpdir} on first use
 * (unless {@code onnxruntime.native.path} points elsewhere). DJL's engine jar has no natives.
 *
 * <p>Environment variables beat system properties in DJL ({@code DJL_OFFLINE}, {@code
 * OPT_OUT_TRACKING}); a contrary value there is logged as a warning, since a JVM cannot change its
 * own environment.
 */
public final class DjlOffline {
  private static final Logger LOG = LoggerFactory.getLogger(DjlOffline.class);

  /** System properties set when absent, in this order. */
  static final String[][] PROPERTIES = {
    {"ai.djl.offline", "true"},
    {"OPT_OUT_TRACKING", "true"},
    {"ai.djl.default_engine", OrtEnv.ENGINE_NAME},
    {"ai.djl.onnx.disable_alternative", "true"},
  };

  private static volatile boolean done;

  private DjlOffline() {}

  /** Sets the offline properties once per JVM; cheap to call on every entry. */
  public static void ensure() {
    if (done) {
      return;
    }
    synchronized (DjlOffline.class) {
      if (done) {
        return;
      }
      for (String[] kv : PROPERTIES) {
        String current = System.getProperty(kv[0]);
        if (current == null) {
          System.setProperty(kv[0], kv[1]);
        } else if (!current.equalsIgnoreCase(kv[1])) {
          LOG.warn("System property {}={} kept; qcal expects {}", kv[0], current, kv[1]);
        }
      }
      warnIfEnvironmentDisagrees("DJL_OFFLINE", "true");
      warnIfEnvironmentDisagrees("OPT_OUT_TRACKING", "true");
      done = true;
    }
  }

  private static void warnIfEnvironmentDisagrees(String name, String expected) {
    String value = System.getenv(name);
    if (value != null && !value.equalsIgnoreCase(expected)) {
      LOG.warn("Environment variable {}={} overrides qcal's offline setting for DJL", name, value);
    }
  }
}
