package org.qcal.jobs.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.jobs.validate.Gate;
import org.qcal.jobs.validate.ValidationReport;

/**
 * {@code tune.json}, schema {@value #SCHEMA}: the verdict a scheduler acts on (passed or not,
 * the same as the exit code), the chosen candidate, and the fallback's steps. Each result
 * carries the gate metric and the primary output's SQNR against FP32 ({@code outputSqnrDb}, as
 * validation.json writes numbers): tune breaks a lead within the metric's noise by that SQNR,
 * so both are reported.
 */
public final class TuneJson {
  static final String SCHEMA = "qcal.tune/1";
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private TuneJson() {}

  public static byte[] write(CandidateResult chosen, boolean passed, List<String> floated,
      List<ValidationReport> steps, Gate gate) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schema", SCHEMA);
    root.put("status", passed ? "passed" : "failed");
    root.put("metric", gate.metric().id());
    root.put("maxDrop", gate.maxDrop());
    ObjectNode c = root.putObject("chosen");
    c.put("name", chosen.name());
    c.put("sha256", chosen.sha256());
    c.put("value", chosen.value());
    c.put("drop", chosen.drop());
    ValidationJson.number(c, "outputSqnrDb", chosen.primaryOutput().sqnrDb());
    ArrayNode kept = root.putArray("floatTensors");
    floated.forEach(kept::add);
    ArrayNode fallback = root.putArray("fallbackSteps");
    for (int i = 0; i < steps.size(); i++) {
      CandidateResult r = steps.get(i).candidates().get(0);
      ObjectNode step = fallback.addObject();
      step.put("step", i + 1);
      step.put("candidate", r.name());
      step.put("floatTensor", floated.get(i));
      step.put("value", r.value());
      step.put("drop", r.drop());
      ValidationJson.number(step, "outputSqnrDb", r.primaryOutput().sqnrDb());
      step.put("passed", r.passed());
    }
    try {
      return (MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write tune.json", e);
    }
  }
}
