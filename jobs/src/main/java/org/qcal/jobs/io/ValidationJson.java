package org.qcal.jobs.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.qcal.jobs.data.PassData;
import org.qcal.jobs.validate.CandidateResult;
import org.qcal.jobs.validate.Gate;
import org.qcal.jobs.validate.ValidationMetric;
import org.qcal.jobs.validate.ValidationReport;
import org.qcal.metrics.ClassificationCounts;
import org.qcal.metrics.ErrorSums;
import org.qcal.metrics.OutputAgreement;

/**
 * {@code validation.json}, schema {@value #SCHEMA}:
 *
 * <pre>
 * schema, passed
 * model {path, sha256}; dataset {path, format, inputs {input: column}, label}; samples
 * gate {metric, maxDrop | minSqnrDb, passed, best}
 * reference {name "fp32", value, top1, top5, counts {labeled, top1, top5}}   (counts: classifying)
 * classOutput; outputs [names]; tensors [names]
 * candidates [ best first:
 *   {rank, name, source, sha256, passed, value, drop,
 *    metrics {top1, top5, agreement, top1Drop, top5Drop,
 *             counts {samples, labeled, top1, top5, compared, agreed}}    (when classifying)
 *    outputs [{name, sqnrDb, cosine, mse}], tensors [{name, sqnrDb, cosine, mse}] } ]
 * </pre>
 *
 * Accuracies, agreement and drops are in percent (points); SQNR in dB. A non-finite number is
 * written as the string {@code "Infinity"} or {@code "-Infinity"} (JSON has no infinities; a
 * lossless candidate has an infinite SQNR), an undefined one (NaN) as {@code null}. Nothing
 * depends on time, host or partitioning: equal inputs give equal bytes.
 */
public final class ValidationJson {
  /** Bumped on any incompatible change of the layout above. */
  public static final String SCHEMA = "qcal.validation/1";

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT);

  private ValidationJson() {}

  public static byte[] write(ValidationReport report) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schema", SCHEMA);
    root.put("passed", report.passed());
    ObjectNode model = root.putObject("model");
    model.put("path", report.modelPath());
    model.put("sha256", report.modelSha256());
    PassData data = report.data();
    ObjectNode dataset = root.putObject("dataset");
    dataset.put("path", data.path());
    dataset.put("format", data.format());
    ObjectNode inputs = dataset.putObject("inputs");
    new java.util.TreeMap<>(data.inputColumns()).forEach(inputs::put);
    dataset.put("label", data.labelColumn());
    root.put("samples", report.samples());
    root.set("gate", gate(report));
    root.set("reference", reference(report));
    root.put("classOutput", report.classOutput());
    ArrayNode outputs = root.putArray("outputs");
    report.outputs().forEach(outputs::add);
    ArrayNode tensors = root.putArray("tensors");
    report.tensors().forEach(tensors::add);
    ArrayNode candidates = root.putArray("candidates");
    for (CandidateResult c : report.candidates()) {
      candidates.add(candidate(c, report.reference()));
    }
    try {
      return (MAPPER.writeValueAsString(root) + "\n").getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write validation.json", e);
    }
  }

  private static ObjectNode gate(ValidationReport report) {
    Gate gate = report.gate();
    ObjectNode node = MAPPER.createObjectNode();
    node.put("metric", gate.metric().id());
    if (gate.metric() == ValidationMetric.SQNR) {
      node.put("minSqnrDb", gate.minSqnrDb());
    } else {
      node.put("maxDrop", gate.maxDrop());
    }
    node.put("passed", report.passed());
    CandidateResult best = report.best();
    node.put("best", best == null ? null : best.name());
    return node;
  }

  private static ObjectNode reference(ValidationReport report) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("name", "fp32");
    number(node, "value", report.referenceValue());
    ClassificationCounts c = report.reference();
    if (c != null) {
      number(node, "top1", ValidationReport.percent(c.top1Correct(), c.labeled()));
      number(node, "top5", ValidationReport.percent(c.top5Correct(), c.labeled()));
      ObjectNode counts = node.putObject("counts");
      counts.put("labeled", c.labeled());
      counts.put("top1", c.top1Correct());
      counts.put("top5", c.top5Correct());
    }
    return node;
  }

  private static ObjectNode candidate(CandidateResult c, ClassificationCounts reference) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("rank", c.rank());
    node.put("name", c.name());
    node.put("source", c.source());
    node.put("sha256", c.sha256());
    node.put("passed", c.passed());
    number(node, "value", c.value());
    number(node, "drop", c.drop());
    if (c.agreement() != null) {
      OutputAgreement a = c.agreement();
      ObjectNode agreement = node.putObject("outputAgreement");
      agreement.put("positions", a.positions());
      agreement.put("positionsEqual", a.positionsEqual());
      agreement.put("rows", a.rows());
      agreement.put("rowsEqual", a.rowsEqual());
      agreement.put("elements", a.elements());
      agreement.put("sameSide", a.sameSide());
      agreement.put("intersection", a.intersection());
      agreement.put("union", a.union());
    }
    if (c.counts() != null) {
      ObjectNode metrics = node.putObject("metrics");
      number(metrics, "top1", c.top1Percent());
      number(metrics, "top5", c.top5Percent());
      number(metrics, "agreement", c.agreementPercent());
      ClassificationCounts k = c.counts();
      number(metrics, "top1Drop", ValidationReport.drop(ValidationMetric.TOP1, k, reference));
      number(metrics, "top5Drop", ValidationReport.drop(ValidationMetric.TOP5, k, reference));
      ObjectNode counts = metrics.putObject("counts");
      counts.put("samples", k.samples());
      counts.put("labeled", k.labeled());
      counts.put("top1", k.top1Correct());
      counts.put("top5", k.top5Correct());
      counts.put("compared", k.compared());
      counts.put("agreed", k.agreed());
    }
    node.set("outputs", errors(c.outputs()));
    node.set("tensors", errors(c.tensors()));
    return node;
  }

  private static ArrayNode errors(Map<String, ErrorSums> sums) {
    ArrayNode list = MAPPER.createArrayNode();
    sums.forEach((name, e) -> {
      ObjectNode node = list.addObject();
      node.put("name", name);
      number(node, "sqnrDb", e.sqnrDb());
      number(node, "cosine", e.cosine());
      number(node, "mse", e.meanSquaredError());
    });
    return list;
  }

  /** A finite number as itself, an infinity as a string, NaN as null. */
  static void number(ObjectNode node, String field, double v) {
    if (Double.isNaN(v)) {
      node.putNull(field);
    } else if (Double.isInfinite(v)) {
      node.put(field, v > 0 ? "Infinity" : "-Infinity");
    } else {
      node.put(field, v);
    }
  }
}
