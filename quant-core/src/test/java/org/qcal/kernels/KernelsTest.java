package org.qcal.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.qcal.QcalException;

/**
 * The start-up choice of kernels and the argument checks. The choice is made once per JVM, so
 * the cases that depend on the JVM's flags or on {@code -Dqcal.kernels} run in a child JVM and
 * leave this one's properties alone.
 */
class KernelsTest {

  @Test
  void propertyScalarForcesTheScalarKernels() {
    Kernels.Choice choice = Kernels.select("scalar");
    assertInstanceOf(ScalarKernels.class, choice.kernels());
    assertTrue(choice.reason().contains("qcal.kernels=scalar"), choice.reason());
  }

  @Test
  void propertyVectorForcesTheVectorKernels() {
    assertInstanceOf(VectorKernels.class, Kernels.select("vector").kernels());
  }

  @Test
  void automaticChoiceFollowsThePreferredVectorSize() {
    Kernels.Choice choice = Kernels.select(null);
    if (VectorKernels.preferredBitSize() >= Kernels.MIN_VECTOR_BITS) {
      assertInstanceOf(WarmingKernels.class, choice.kernels());
      assertEquals(new VectorKernels().name(), choice.kernels().name());
      assertNull(choice.reason());
    } else {
      assertInstanceOf(ScalarKernels.class, choice.kernels());
      assertTrue(choice.reason().contains("bits"), choice.reason());
    }
  }

  @Test
  void unknownPropertyValueIsNamedInAWarning() {
    Kernels.Choice choice = Kernels.select("fast");
    assertEquals(Level.WARNING, choice.level());
    assertTrue(choice.reason().contains("got 'fast'"), choice.reason());
    assertEquals(Kernels.select(null).kernels().name(), choice.kernels().name());
  }

  @Test
  void getChoosesOnce() {
    assertSame(Kernels.get(), Kernels.get());
  }

  @Test
  void withoutTheVectorModuleTheScalarKernelsRunAndSayWhy() throws Exception {
    ChildRun run = runChild(List.of());
    assertEquals("scalar 2", run.stdout);
    assertTrue(run.stderr.contains("jdk.incubator.vector is not loaded"), run.stderr);
  }

  @Test
  void inAChildJvmThePropertyForcesScalar() throws Exception {
    ChildRun run = runChild(List.of("--add-modules=jdk.incubator.vector",
        "-D" + Kernels.PROPERTY + "=scalar"));
    assertEquals("scalar 2", run.stdout);
    assertTrue(run.stderr.contains("forced by -Dqcal.kernels=scalar"), run.stderr);
  }

  @Test
  void checkRangeNamesTheBadSlice() {
    float[] a = new float[4];
    assertFails(() -> Kernels.checkRange((float[]) null, 0, 0), "null");
    assertFails(() -> Kernels.checkRange(a, -1, 2), "off -1");
    assertFails(() -> Kernels.checkRange(a, 2, 3), "len 3");
    assertFails(() -> Kernels.checkRange(new byte[2], 0, -1), "len -1");
    assertFails(() -> Kernels.checkRange(new byte[2], 3, 0), "off 3");
    Kernels.checkRange(a, 4, 0);
    Kernels.checkRange(a, 0, 4);
  }

  @Test
  void checkQuantRangeRejectsRangesThatDoNotFit() {
    assertFails(() -> Kernels.checkQuantRange(10, 5, 7, 8), "got 10");
    assertFails(() -> Kernels.checkQuantRange(0, 256, 0, 8), "got 256");
    assertFails(() -> Kernels.checkQuantRange(-129, 0, 0, 8), "got -129");
    assertFails(() -> Kernels.checkQuantRange(-128, 255, 0, 8), "got 383");
    assertFails(() -> Kernels.checkQuantRange(0, 255, 300, 8), "got 300");
    assertFails(() -> Kernels.checkQuantRange(0, 255, 0, 12), "got 12");
    Kernels.checkQuantRange(-128, 127, 0, 8);
    Kernels.checkQuantRange(0, 255, 255, 8);
    Kernels.checkQuantRange(0, 65535, 32768, 16);
  }

  private static void assertFails(Executable check, String inMessage) {
    QcalException e = assertThrows(QcalException.class, check);
    assertTrue(e.getMessage().contains(inMessage),
        () -> "message '" + e.getMessage() + "' should contain '" + inMessage + "'");
  }

  private record ChildRun(String stdout, String stderr) {}

  /** Runs {@link KernelsChoiceMain} in a fresh JVM with the given options. */
  private static ChildRun runChild(List<String> jvmOptions) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(location(Kernels.class) + File.pathSeparator + location(KernelsChoiceMain.class)
        + File.pathSeparator + location(QcalException.class));
    command.add(KernelsChoiceMain.class.getName());
    Process process = new ProcessBuilder(command).start();
    byte[] out = process.getInputStream().readAllBytes();
    byte[] err = process.getErrorStream().readAllBytes();
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "child JVM did not finish");
    String stderr = new String(err, StandardCharsets.UTF_8);
    assertEquals(0, process.exitValue(), stderr);
    return new ChildRun(new String(out, StandardCharsets.UTF_8).trim(), stderr);
  }

  private static String location(Class<?> type) throws IOException, URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }
}
