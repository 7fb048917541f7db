package org.qcal.kernels;

import java.lang.System.Logger.Level;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Gets one vector kernel compiled in the background and says when it is ({@link WarmingKernels}).
 *
 * <p>The warm-up thread calls the vector kernel on a {@link WarmupWorkload} again and again, and
 * the scalar kernel on the same data every {@value #SCALAR_EVERY} calls for comparison. The kernel
 * is warm when {@value #CALLS_IN_A_ROW} vector calls in a row each cost at most {@value
 * #WARM_RATIO} times the fastest scalar call: compiled, the vector kernels are 1 to 13 times
 * faster than the scalar ones (docs/BENCHMARKS.md, "Kernels"), and before compilation 50 to 500
 * times slower, so the line sits far from both and a preempted call only delays the switch. A
 * kernel not warm after {@value #LIMIT_SECONDS} s stays scalar, with one warning.
 *
 * <p>One daemon thread warms the kernels one after the other (they are first used nearly
 * together, and the tasks need the cores more); it ends when idle.
 */
final class KernelWarmup {
  static final int SCALAR_EVERY = 16;
  static final int CALLS_IN_A_ROW = 8;
  static final int WARM_RATIO = 2;
  static final int LIMIT_SECONDS = 120;

  private static final ThreadPoolExecutor WARMER = warmer();

  private final WarmingKernels.Kernel kernel;
  private final TensorKernels vector;
  private final TensorKernels scalar;
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile boolean warm;

  KernelWarmup(WarmingKernels.Kernel kernel, TensorKernels vector, TensorKernels scalar) {
    this.kernel = kernel;
    this.vector = vector;
    this.scalar = scalar;
  }

  /** True once the vector kernel is compiled; the first call queues the warm-up. */
  boolean isWarm() {
    if (warm) {
      return true;
    }
    if (started.compareAndSet(false, true)) {
      WARMER.execute(this::warmUp);
    }
    return false;
  }

  private void warmUp() {
    WarmupWorkload work = new WarmupWorkload();
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
    long fastestScalar = Long.MAX_VALUE;
    int inARow = 0;
    long calls = 0;
    while (inARow < CALLS_IN_A_ROW) {
      if (calls % SCALAR_EVERY == 0) {
        fastestScalar = Math.min(fastestScalar, work.time(kernel, scalar));
      }
      long t = work.time(kernel, vector);
      calls++;
      inARow = t <= WARM_RATIO * fastestScalar ? inARow + 1 : 0;
      if (System.nanoTime() > deadline) {
        System.getLogger(Kernels.class.getName()).log(Level.WARNING, "qcal kernels: the vector "
            + kernel + " kernel was not compiled after " + LIMIT_SECONDS + " s of warm-up; its"
            + " scalar twin keeps serving (same results, slower)");
        return;
      }
    }
    warm = true;
    String done = String.format("qcal kernels: vector %s warm after %d calls, %.0f ms", kernel,
        calls, (System.nanoTime() - start) / 1e6);
    System.getLogger(Kernels.class.getName()).log(Level.DEBUG, done);
  }

  private static ThreadPoolExecutor warmer() {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 5, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "qcal-kernel-warmup");
          t.setDaemon(true);
          t.setPriority(Thread.MIN_PRIORITY);
          return t;
        });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
