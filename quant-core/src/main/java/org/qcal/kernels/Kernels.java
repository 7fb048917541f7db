package org.qcal.kernels;

import java.lang.System.Logger.Level;
import org.qcal.Check;

/**
 * Picks the {@link TensorKernels} once per JVM, and holds the argument checks that public callers
 * run before handing arrays to them (the kernels themselves trust their arguments). Every check
 * throws {@link org.qcal.QcalException} with the expected and the actual value.
 *
 * <p>{@link VectorKernels} is chosen when the {@code jdk.incubator.vector} module is loaded
 * ({@code --add-modules=jdk.incubator.vector}) and the machine's preferred float and int vectors
 * have at least 256 bits, each kernel served by its scalar twin until the JIT has compiled it
 * ({@link WarmingKernels}); otherwise {@link ScalarKernels}, with one log line saying why. The
 * system property {@code qcal.kernels=scalar|vector} forces a choice (tests, benchmarks, or a JIT
 * that misbehaves; {@code vector} without the warm-up). Both give bit-identical results (the
 * divergence estimate: within its stated error, and its caller's result is exact either way), so
 * the choice only changes speed.
 */
public final class Kernels {
  /** The system property that forces an implementation: {@code scalar} or {@code vector}. */
  public static final String PROPERTY = "qcal.kernels";

  /** Most bins of a histogram, both sides together: the vector binning is exact below it. */
  public static final int MAX_BINS = 1 << 22;

  static final String VECTOR_MODULE = "jdk.incubator.vector";
  static final int MIN_VECTOR_BITS = 256;
  private static final String VECTOR_CLASS = "org.qcal.kernels.VectorKernels";
  private static final TensorKernels SCALAR = new ScalarKernels();

  private Kernels() {}

  /** The implementation chosen at start-up. */
  public static TensorKernels get() {
    return Selected.KERNELS;
  }

  /** Loaded on first use of {@link #get()}, so the choice is made, and logged, once. */
  private static final class Selected {
    static final TensorKernels KERNELS = select(System.getProperty(PROPERTY)).logged();
  }

  /** An implementation and, when it deserves a log line, why it was chosen. */
  record Choice(TensorKernels kernels, Level level, String reason) {
    TensorKernels logged() {
      if (reason != null) {
        System.getLogger(Kernels.class.getName()).log(level,
            "qcal kernels: " + kernels.name() + " (" + reason + ")");
      }
      return kernels;
    }
  }

  /** The choice for a value of {@link #PROPERTY} ({@code null} when unset). */
  static Choice select(String forced) {
    if ("scalar".equals(forced)) {
      return new Choice(SCALAR, Level.INFO, "forced by -D" + PROPERTY + "=scalar");
    }
    if ("vector".equals(forced)) {
      return vectorOrWhyNot(true);
    }
    Choice auto = vectorOrWhyNot(false);
    if (forced == null || forced.isEmpty()) {
      return auto;
    }
    String bad = "-D" + PROPERTY + " must be scalar or vector, got '" + forced + "'";
    return new Choice(auto.kernels(), Level.WARNING,
        auto.reason() == null ? bad + "; chose automatically" : bad + "; " + auto.reason());
  }

  private static Choice vectorOrWhyNot(boolean forced) {
    Level level = forced ? Level.WARNING : Level.INFO;
    if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
      return new Choice(SCALAR, level, "module " + VECTOR_MODULE
          + " is not loaded; run java with --add-modules=" + VECTOR_MODULE);
    }
    try {
      // Reflection keeps this class loadable when the module is missing.
      Class<?> type = Class.forName(VECTOR_CLASS);
      int bits = (int) type.getMethod("preferredBitSize").invoke(null);
      if (bits < MIN_VECTOR_BITS && !forced) {
        return new Choice(SCALAR, level, "preferred vectors have " + bits + " bits, need "
            + MIN_VECTOR_BITS);
      }
      TensorKernels vector = (TensorKernels) type.getConstructor().newInstance();
      return new Choice(forced ? vector : new WarmingKernels(vector, SCALAR), Level.DEBUG, null);
    } catch (ReflectiveOperationException | LinkageError e) {
      return new Choice(SCALAR, level, "vector kernels failed to load: " + e);
    }
  }

  /** Fails unless {@code a} is non-null and {@code [off, off + len)} lies inside it. */
  public static void checkRange(float[] a, int off, int len) {
    Check.slice(Check.notNull(a, "array").length, off, len, "array");
  }

  /** As {@link #checkRange(float[], int, int)} for quantized values. */
  public static void checkRange(byte[] a, int off, int len) {
    Check.slice(Check.notNull(a, "array").length, off, len, "array");
  }

  /**
   * Fails unless {@code qmin <= zeroPoint <= qmax} and the range fits integers of {@code
   * storageBits} bits, signed or unsigned (e.g. -128..127 or 0..255 for 8).
   */
  public static void checkQuantRange(int qmin, int qmax, int zeroPoint, int storageBits) {
    Check.that(storageBits == 8 || storageBits == 16, "storage bits", "8 or 16", storageBits);
    Check.that(qmin <= qmax, "qmin", "<= qmax " + qmax, qmin);
    int lowest = -(1 << (storageBits - 1));
    int highest = (1 << storageBits) - 1;
    Check.that(qmin >= lowest, "qmin", ">= " + lowest + " for " + storageBits + "-bit storage",
        qmin);
    Check.that(qmax <= highest, "qmax", "<= " + highest + " for " + storageBits
        + "-bit storage", qmax);
    Check.that(qmax - qmin <= highest, "qmax - qmin", "<= " + highest + " for " + storageBits
        + "-bit storage", qmax - qmin);
    Check.that(zeroPoint >= qmin && zeroPoint <= qmax, "zero point",
        "in [" + qmin + ", " + qmax + "]", zeroPoint);
  }
}
