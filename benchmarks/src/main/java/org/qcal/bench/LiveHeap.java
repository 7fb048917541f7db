package org.qcal.bench;

import com.sun.management.GcInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.management.ObjectName;

/**
 * The peak of the live heap while a piece of work runs: a sampler thread forces a full collection
 * every second and reads the heap in use after it, two ways.
 *
 * <ul>
 *   <li>{@code peakUsed}: the heap in use read once {@code System.gc()} has returned, as the
 *       benchmarks of issue 4 read it. The work's threads run again by then and have been handed
 *       fresh allocation buffers, so a reading carries up to some MB of those besides live
 *       objects, and a longer run, with more readings, tends to catch a larger one.
 *   <li>{@code peakLive}: the heap in use at the end of that full collection, as the collector
 *       itself reports it (its {@code GcInfo}): the live objects only, at the same instant for
 *       every reading.
 * </ul>
 *
 * At each new {@code peakLive} it also takes the JVM's class histogram of live objects (what
 * {@code jcmd PID GC.class_histogram} prints), so a benchmark can show what the peak is made of.
 * In local mode Spark's driver and executors share this JVM.
 *
 * <p>The work may be repeated until the sampler has taken a number of readings: a peak is the
 * largest of the readings, and the few readings of a short run tend to miss the largest moments
 * (all batch buffers and copied outputs in flight at once) that the many readings of a long run
 * catch; with as many readings on both sides, the peaks compare.
 *
 * @param peakUsed the largest heap in use read after a forced full collection
 * @param peakLive the largest heap in use at the end of a forced full collection
 * @param histogram the top lines and the total of the class histogram taken at {@code peakLive}
 * @param runs how many times the work ran
 * @param readings how many readings the sampler took
 */
record LiveHeap(long peakUsed, long peakLive, String histogram, int runs, int readings) {
  /** Lines of the class histogram kept: its header and the largest classes. */
  private static final int HISTOGRAM_LINES = 14;

  /** A piece of work that may throw. */
  interface Work {
    void run() throws Exception;
  }

  /** Runs {@code work} once, or again until the sampler has taken {@code minReadings}. */
  static LiveHeap during(Work work, int minReadings) throws Exception {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long[] peaks = {0, 0};
    String[] atPeak = {""};
    AtomicBoolean done = new AtomicBoolean();
    AtomicInteger readings = new AtomicInteger();
    Thread sampler = new Thread(() -> {
      while (!done.get()) {
        long[] before = collections();
        System.gc();
        peaks[0] = Math.max(peaks[0], memory.getHeapMemoryUsage().getUsed());
        long live = afterCollection(before);
        if (live > peaks[1]) {
          peaks[1] = live;
          atPeak[0] = classHistogram();
        }
        readings.incrementAndGet();
        try {
          Thread.sleep(1000);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "live-heap-sampler");
    sampler.setDaemon(true);
    sampler.start();
    int runs = 0;
    try {
      do {
        work.run();
        runs++;
      } while (readings.get() < minReadings);
    } finally {
      done.set(true);
      sampler.join();
    }
    return new LiveHeap(peaks[0], peaks[1], atPeak[0], runs, readings.get());
  }

  private static long[] collections() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(GarbageCollectorMXBean::getCollectionCount).toArray();
  }

  /**
   * The heap in use at the end of the full collection that ran since {@code before} (the
   * collection counts then): of the collections since, the smallest heap after one, since a
   * young collection that followed it cannot have left less.
   */
  private static long afterCollection(long[] before) {
    Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
        .collect(Collectors.toSet());
    List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
    long live = Long.MAX_VALUE;
    for (int i = 0; i < collectors.size(); i++) {
      if (collectors.get(i).getCollectionCount() > before[i]) {
        GcInfo info =
            ((com.sun.management.GarbageCollectorMXBean) collectors.get(i)).getLastGcInfo();
        live = Math.min(live, info.getMemoryUsageAfterGc().entrySet().stream()
            .filter(e -> heapPools.contains(e.getKey()))
            .mapToLong(e -> e.getValue().getUsed()).sum());
      }
    }
    return live == Long.MAX_VALUE ? 0 : live;
  }

  /** The top of the live-object class histogram, through the DiagnosticCommand MBean. */
  private static String classHistogram() {
    try {
      String all = (String) ManagementFactory.getPlatformMBeanServer().invoke(
          new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
          new Object[] {new String[0]}, new String[] {String[].class.getName()});
      List<String> lines = all.lines().toList();
      List<String> top = new ArrayList<>(lines.subList(0, Math.min(HISTOGRAM_LINES, lines.size())));
      top.add(lines.get(lines.size() - 1)); // the total
      return String.join("\n", top);
    } catch (Exception e) {
      return "no class histogram: " + e;
    }
  }
}
