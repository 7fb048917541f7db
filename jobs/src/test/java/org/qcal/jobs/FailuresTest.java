package org.qcal.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.qcal.QcalException;
import org.qcal.jobs.cli.Failures;
import org.qcal.jobs.spark.TaskOutOfMemory;

/** Which failures are bad input (exit 2), I/O (exit 1, no "report it") or qcal's own bugs. */
class FailuresTest {
  @Test
  void findsTheLibraryExceptionDeepInTheCauseChain() {
    QcalException bad = new QcalException("row 3: bad");
    assertEquals(bad, Failures.badInput(new RuntimeException("job aborted",
        new IllegalStateException("task failed", bad))));
  }

  @Test
  void aFileSparksReaderCannotReadIsBadInputNamingTheFile() {
    // The message shape of Spark 4's FAILED_READ_FILE error condition.
    RuntimeException spark = new RuntimeException("Job aborted due to stage failure",
        new RuntimeException("[FAILED_READ_FILE.NO_HINT] Encountered error while reading file"
            + " file:///d/part-2.csv.  SQLSTATE: KD001",
            new RuntimeException("file:/d/part-2.csv is not a Parquet file. Expected magic"
                + " number at tail, but found [50, 10, 49, 10]")));
    QcalException bad = Failures.badInput(spark);
    assertEquals("data file file:///d/part-2.csv cannot be read: RuntimeException: "
        + "file:/d/part-2.csv is not a Parquet file. Expected magic number at tail, but found"
        + " [50, 10, 49, 10]", bad.getMessage());
  }

  @Test
  void spark35sUnreadableFileErrorsAreBadInputNamingTheFile() {
    // Spark 3.5's legacy error for a file its scan fails on: no [CONDITION] prefix.
    QcalException wrapped = Failures.badInput(new RuntimeException("Job aborted",
        new RuntimeException("Encountered error while reading file file:///d/part-2.parquet."
            + " Details:", new RuntimeException("can not read value at 0 in block -1"))));
    assertEquals("data file file:///d/part-2.parquet cannot be read: RuntimeException: can not"
        + " read value at 0 in block -1", wrapped.getMessage());
    // Spark 3.5 reads a Parquet footer outside that wrapper: Parquet's own message reaches the
    // driver inside the job failure's text.
    QcalException footer = Failures.badInput(new RuntimeException("Job aborted due to stage"
        + " failure: Task 1 in stage 3.0 failed 1 times, most recent failure: Lost task 1.0"
        + " (TID 4) (10.0.0.1 executor driver): java.lang.RuntimeException: file:/d/part-2.parquet"
        + " is not a Parquet file. Expected magic number at tail, but found [1, 2, 3, 4]",
        new RuntimeException("file:/d/part-2.parquet is not a Parquet file. Expected magic"
            + " number at tail, but found [1, 2, 3, 4]")));
    assertEquals("data file file:/d/part-2.parquet cannot be read: RuntimeException: "
        + "file:/d/part-2.parquet is not a Parquet file. Expected magic number at tail, but found"
        + " [1, 2, 3, 4]", footer.getMessage());
  }

  @Test
  void anythingElseIsNotBadInput() {
    assertNull(Failures.badInput(new IllegalStateException("bug")));
  }

  @Test
  void ioFailuresAreToldApartFromBugs() {
    assertTrue(Failures.isIo(new UncheckedIOException("cannot write", new IOException("quota"))));
    assertFalse(Failures.isIo(new NullPointerException()));
  }

  @Test
  void driverOutOfMemorySaysWhatToChange() {
    String line = Failures.outOfMemory(new RuntimeException(new OutOfMemoryError("Java heap")));
    assertTrue(line.startsWith("failed: out of memory in the driver (Java heap); lower"
        + " --batch-size or --tap-memory-mb"), line);
  }

  @Test
  void executorOutOfMemoryIsRecognisedFromSparksFailureText() {
    // Spark may hand the task's exception back as text only.
    String line = Failures.outOfMemory(new RuntimeException("Job aborted due to stage failure:"
        + " org.qcal.jobs.spark.TaskOutOfMemory: " + TaskOutOfMemory.MARKER + ": a forward"));
    assertTrue(line.startsWith("failed: out of memory in an executor task; lower --batch-size"),
        line);
    assertNull(Failures.badInput(new TaskOutOfMemory("x", new OutOfMemoryError())),
        "never bad input (exit 2)");
    assertNull(Failures.outOfMemory(new IllegalStateException("bug")));
  }
}
