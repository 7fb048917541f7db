package org.qcal.kernels;

/** Prints the name of {@link Kernels#get()}: run in a child JVM by {@link KernelsTest}. */
public final class KernelsChoiceMain {
  private KernelsChoiceMain() {}

  public static void main(String[] args) {
    TensorKernels kernels = Kernels.get();
    byte[] q = new byte[1];
    kernels.quantize(new float[] {2.5f}, 0, 1, 1f, 0, -128, 127, q, 0);
    System.out.println(kernels.name() + " " + q[0]);
  }
}
