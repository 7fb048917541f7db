package org.qcal.jobs.api;

import org.qcal.jobs.validate.CandidateResult;

/**
 * One step of tune's float fallback: the base candidate with the {@code step} most sensitive
 * tensors in float, the last of them {@code floatTensor}, and its validation.
 *
 * @param step 1 for the first
 * @param floatTensor the tensor this step added to those in float
 * @param result its validation against FP32
 */
public record FallbackStep(int step, String floatTensor, CandidateResult result) {}
