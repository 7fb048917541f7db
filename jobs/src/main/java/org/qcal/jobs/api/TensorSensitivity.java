package org.qcal.jobs.api;

/**
 * How much one quantized tensor costs tune's base candidate: the output SQNR of the base with
 * only that tensor's producer in float (every other tensor quantized as in the base), and its
 * gain over the base's own output SQNR, the sensitivity (docs/DESIGN.md, "Sensitivity-guided
 * float fallback").
 *
 * @param tensor the FP32 tensor kept in float
 * @param outputSqnrDb the primary output's SQNR against FP32 with it in float, dB
 * @param gainDb {@code outputSqnrDb} minus the base's output SQNR
 * @param value the gate metric with it in float
 * @param drop the gate metric's drop against FP32 with it in float (NaN for sqnr)
 */
public record TensorSensitivity(String tensor, double outputSqnrDb, double gainDb,
    double value, double drop) {}
