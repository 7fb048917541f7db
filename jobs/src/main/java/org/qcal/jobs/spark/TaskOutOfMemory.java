package org.qcal.jobs.spark;

/**
 * A task ran out of Java heap. Thrown instead of the {@link OutOfMemoryError} itself so that Spark
 * fails the task (and the job, after its retries) rather than ending the executor JVM with exit
 * code 52; the driver turns it into one line saying what to change ({@link Failures#outOfMemory}).
 * Not a {@link org.qcal.QcalException}: the input is not wrong, the sizing is (exit 1).
 */
public final class TaskOutOfMemory extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The text the driver recognises in a failed job's message (exceptions may arrive as text). */
  public static final String MARKER = "qcal task out of memory";

  public TaskOutOfMemory(String what, OutOfMemoryError cause) {
    super(MARKER + ": " + what + ": " + cause.getMessage());
  }
}
