package org.qcal.runtime;

import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;
import org.qcal.QcalException;

/**
 * The JVM's one ONNX Runtime environment, always obtained through DJL's engine.
 *
 * <p>Why this matters: DJL's {@code OrtEngine} creates the environment with a thread-pool option
 * and ORT refuses that when an environment already exists ("Tried to specify the thread pool when
 * creating an OrtEnvironment, but one already exists"), which leaves DJL's engine unusable for
 * the rest of the JVM. So any qcal code that uses the ORT Java API directly (for example {@link
 * OptimizedModelWriter}, or tests that run a model in raw ORT) must get the environment here,
 * never from {@code OrtEnvironment.getEnvironment()} first.
 */
public final class OrtEnv {
  /** DJL's name of the ONNX Runtime engine. */
  public static final String ENGINE_NAME = "OnnxRuntime";

  private OrtEnv() {}

  /** Initializes DJL's ORT engine (offline) if needed and returns its environment. */
  public static OrtEnvironment get() {
    engine();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    OrtShutdown.install(); // the environment and its closing hook exist from here on
    return env;
  }

  /** DJL's ORT engine, initialized offline. */
  static Engine engine() {
    DjlOffline.ensure();
    try {
      return Engine.getEngine(ENGINE_NAME);
    } catch (RuntimeException | LinkageError e) {
      throw new QcalException("cannot start DJL's " + ENGINE_NAME + " engine: " + e, e);
    }
  }

  /** Version of the ORT native library actually loaded (the one in the onnxruntime jar). */
  public static String nativeVersion() {
    return get().getVersion();
  }
}
