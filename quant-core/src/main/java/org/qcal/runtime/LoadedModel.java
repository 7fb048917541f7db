package org.qcal.runtime;

import ai.djl.Model;
import ai.onnxruntime.OrtSession.SessionOptions;

/**
 * One ORT session wrapped as a DJL {@link Model}: what {@link SessionCache} shares between the
 * tasks of a JVM. Thread safe for inference (ORT sessions are; each task takes its own DJL
 * {@code Predictor}). Holds native memory: the session and its options, freed by {@link #close()},
 * which only the cache calls.
 */
final class LoadedModel implements AutoCloseable {
  private final String label;
  private final String digest;
  private final RuntimeOptions options;
  private final Model model;
  private final SessionOptions sessionOptions;
  private final ModelSignature signature;
  private SessionCache.Slot slot;

  LoadedModel(ModelSource source, RuntimeOptions options, Model model,
      SessionOptions sessionOptions, ModelSignature signature) {
    // Keep the name and digest, not the source: holding the bytes would double a large model's
    // heap footprint for the JVM's lifetime (ORT has its own copy).
    this.label = source.toString();
    this.digest = source.digest();
    this.options = options;
    this.model = model;
    this.sessionOptions = sessionOptions;
    this.signature = signature;
  }

  String label() {
    return label;
  }

  String digest() {
    return digest;
  }

  RuntimeOptions options() {
    return options;
  }

  Model model() {
    return model;
  }

  ModelSignature signature() {
    return signature;
  }

  /** Set once by the cache right after loading, before any other thread sees this model. */
  void attach(SessionCache.Slot owner) {
    this.slot = owner;
  }

  SessionCache.Slot slot() {
    return slot;
  }

  /** Closes the DJL model (its manager closes the ORT session), then the session options. */
  @Override
  public void close() {
    OrtShutdown.free(() -> {
      try {
        model.close();
      } finally {
        sessionOptions.close();
      }
    });
  }
}
