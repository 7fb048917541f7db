package org.qcal.jobs.report;

import java.util.Map;

/**
 * One validated candidate as the report shows it.
 *
 * @param name e.g. {@code entropy-asym}
 * @param metric the gate metric's name (top1, top5, agreement, sqnr)
 * @param value the candidate's metric value (percent for accuracies, dB for sqnr)
 * @param drop how much worse than FP32 on that metric (points or dB; negative when better)
 * @param agreement top-1 agreement with FP32, percent
 * @param outputSqnrDb SQNR of the model outputs against FP32, dB
 * @param sizeBytes the quantized model's size
 * @param passed within the budget
 * @param chosen the candidate the run picked
 * @param tensorSqnrDb per quantized activation, SQNR against FP32 in dB (may be empty)
 */
public record CandidateRow(String name, String metric, double value, double drop,
    double agreement, double outputSqnrDb, long sizeBytes, boolean passed, boolean chosen,
    Map<String, Double> tensorSqnrDb) {}
