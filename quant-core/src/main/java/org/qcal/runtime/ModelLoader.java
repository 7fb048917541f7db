package org.qcal.runtime;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.onnxruntime.engine.OrtNDManager;
import ai.djl.onnxruntime.engine.OrtSymbolBlock;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession.SessionOptions.ExecutionMode;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.OrtSession;
import org.qcal.QcalException;

/**
 * Creates an ORT session from model bytes and wraps it as a DJL model. Only {@link SessionCache}
 * calls it, so each model is loaded once per JVM.
 *
 * <p>Why not DJL's {@code Model.load(InputStream, options)}: it does the same thing (it reads the
 * stream into a byte array and calls {@code OrtEnvironment.createSession(byte[], options)}; no
 * temporary file either way) but keeps the {@code OrtSession} private, and we need the session's
 * input and output metadata, which DJL does not expose (its {@code describeInput} has names only).
 * So we create the session ourselves and hand it to DJL's public {@link OrtSymbolBlock}
 * constructor; inference then runs entirely through DJL ({@code Predictor -> OrtSymbolBlock ->
 * OrtSession.run}).
 */
final class ModelLoader {
  private ModelLoader() {}

  static LoadedModel load(ModelSource source, RuntimeOptions options) {
    if (source.bytes().length == 0) {
      throw new QcalException("cannot load " + source + ": the model is empty (0 bytes)");
    }
    var env = OrtEnv.get();
    SessionOptions sessionOptions = sessionOptions(source, options);
    OrtSession session = null;
    Model model = null;
    boolean sessionOwnedByModel = false;
    if (!OrtShutdown.enter()) {
      sessionOptions.close();
      throw new IllegalStateException("cannot load " + source + ": the JVM is shutting down");
    }
    try {
      session = env.createSession(source.bytes(), sessionOptions);
      ModelSignature signature = ModelSignature.of(source.toString(), session);
      // Device.cpu() explicitly: the default device would make DJL probe for CUDA.
      model = Model.newInstance(source.name(), Device.cpu(), OrtEnv.ENGINE_NAME);
      // The block attaches itself to the model's manager: closing the model closes the session.
      model.setBlock(new OrtSymbolBlock(session, (OrtNDManager) model.getNDManager()));
      sessionOwnedByModel = true;
      return new LoadedModel(source, options, model, sessionOptions, signature);
    } catch (OrtException e) {
      closeQuietly(sessionOwnedByModel ? null : session, model, sessionOptions);
      throw new QcalException("cannot load " + source + ": ONNX Runtime says: "
          + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(sessionOwnedByModel ? null : session, model, sessionOptions);
      if (e instanceof QcalException) {
        throw e;
      }
      throw new QcalException("cannot load " + source + ": " + e, e);
    } finally {
      OrtShutdown.leave();
    }
  }

  private static SessionOptions sessionOptions(ModelSource source, RuntimeOptions options) {
    SessionOptions so = new SessionOptions();
    try {
      so.setIntraOpNumThreads(options.intraOpThreads());
      so.setInterOpNumThreads(1);
      so.setExecutionMode(ExecutionMode.SEQUENTIAL);
      so.setOptimizationLevel(options.optLevel().toOrt());
      return so;
    } catch (OrtException e) {
      so.close();
      throw new QcalException("cannot configure ONNX Runtime for " + source + " with " + options
          + ": " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(OrtSession session, Model model, SessionOptions so) {
    try {
      if (session != null) {
        session.close();
      }
      if (model != null) {
        model.close();
      }
    } catch (OrtException | RuntimeException ignored) {
      // Already failing; the load error is the one worth reporting.
    } finally {
      so.close();
    }
  }
}
