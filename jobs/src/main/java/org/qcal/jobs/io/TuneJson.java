package org.qcal.jobs.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.qcal.jobs.api.FallbackStep;
import org.qcal.jobs.api.TensorSensitivity;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.jobs.validate.Gate;

/**
 * {@code tune.json}, schema {@value #SCHEMA}: the verdict a scheduler acts on (passed or not,
 * the same as the exit code), the chosen candidate, the float fallback's sensitivity order and
 * its steps. Each result carries the gate metric and the primary output's SQNR against FP32
 * ({@code outputSqnrDb}, as validation.json writes numbers) and the top-1 agreement with FP32
 * ({@code agreement}, null without class scores): tune breaks a lead within the metric's noise
 * by that SQNR, so both are reported.
 */
public final class TuneJson {
  static final String SCHEMA = "qcal.tune/2";
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TuneJson() {}

  /**
   * The file's bytes.
   *
   * @param targetDrop the drop the fallback aimed at (the budget when smaller)
   * @param sensitivity the measured sensitivities, most sensitive first (empty without fallback)
   * @param steps the fallback's steps, in order
   */
  public static byte[] write(CandidateResult chosen, boolean passed, List<String> floated,
      Gate gate, double targetDrop, List<TensorSensitivity> sensitivity,
      List<FallbackStep> steps) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schema", SCHEMA);
    root.put("status", passed ? "passed" : "failed");
    root.put("metric", gate.metric().id());
    root.put("maxDrop", gate.maxDrop());
    root.put("targetDrop", targetDrop);
    ObjectNode c = root.putObject("chosen");
    c.put("name", chosen.name());
    c.put("sha256", chosen.sha256());
    result(c, chosen);
    ArrayNode kept = root.putArray("floatTensors");
    floated.forEach(kept::add);
    ArrayNode order = root.putArray("sensitivity");
    for (TensorSensitivity s : sensitivity) {
      ObjectNode t = order.addObject();
      t.put("tensor", s.tensor());
      ValidationJson.number(t, "gainDb", s.gainDb());
      ValidationJson.number(t, "outputSqnrDb", s.outputSqnrDb());
      t.put("value", s.value());
      t.put("drop", s.drop());
    }
    ArrayNode fallback = root.putArray("fallbackSteps");
    for (FallbackStep s : steps) {
      ObjectNode step = fallback.addObject();
      step.put("step", s.step());
      step.put("candidate", s.result().name());
      step.put("floatTensor", s.floatTensor());
      result(step, s.result());
      step.put("passed", s.result().passed());
    }
    try {
      return (MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write tune.json", e);
    }
  }

  private static void result(ObjectNode node, CandidateResult r) {
    node.put("value", r.value());
    node.put("drop", r.drop());
    // Top-1 agreement with FP32 (null when the output is not class scores): a fallback step is
    // in no validation.json, so this is where its agreement is read.
    ValidationJson.number(node, "agreement", r.agreementPercent());
    ValidationJson.number(node, "outputSqnrDb", r.primaryOutput().sqnrDb());
  }
}
