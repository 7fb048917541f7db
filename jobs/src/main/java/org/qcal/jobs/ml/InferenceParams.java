package org.qcal.jobs.ml;

import java.util.Map;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;
import org.qcal.jobs.api.BadArgument;
import org.qcal.jobs.api.Defaults;

/**
 * The Spark ML params of running an ONNX model over a Dataset, shared by {@link
 * QuantizationCalibrator} (which hands them to the model it fits) and {@link
 * QuantizedOnnxModel}:
 *
 * <ul>
 *   <li>{@code feedDict}: ONNX input name to the column that feeds it (default empty: a column
 *       named like the input, or for a one-input model the Dataset's only tensor column);
 *   <li>{@code fetchDict}: ONNX output name to the column it becomes, in this order (default
 *       empty: every output, under its own name);
 *   <li>{@code batchSize}: rows per forward (default {@link Defaults#BATCH_SIZE});
 *   <li>{@code argmaxCol}, {@code softmaxCol}: a {@code double} column (Spark ML's prediction
 *       type, for its evaluators) with the index of each
 *       row's largest score, an {@code array<float>} column with the softmax of its scores
 *       (default "": none);
 *   <li>{@code scoresOutput}: the output whose scores those are (default "": the model's first).
 * </ul>
 *
 * <p>Each instance owns its params ({@link #inferenceFields()}); the accessors here are what
 * Spark ML finds by reflection, so these params are listed, copied, saved and loaded with the
 * stage's others.
 *
 * @param <S> the stage, so that setters chain with its type
 */
public interface InferenceParams<S extends InferenceParams<S>> extends Params {
  /** This instance's params. */
  Fields inferenceFields();

  default StringMapParam feedDict() {
    return inferenceFields().feedDict;
  }

  default StringMapParam fetchDict() {
    return inferenceFields().fetchDict;
  }

  default IntParam batchSize() {
    return inferenceFields().batchSize;
  }

  default Param<String> argmaxCol() {
    return inferenceFields().argmaxCol;
  }

  default Param<String> softmaxCol() {
    return inferenceFields().softmaxCol;
  }

  default Param<String> scoresOutput() {
    return inferenceFields().scoresOutput;
  }

  default Map<String, String> getFeedDict() {
    return getOrDefault(feedDict());
  }

  default Map<String, String> getFetchDict() {
    return getOrDefault(fetchDict());
  }

  default int getBatchSize() {
    return (Integer) getOrDefault(batchSize());
  }

  default String getArgmaxCol() {
    return getOrDefault(argmaxCol());
  }

  default String getSoftmaxCol() {
    return getOrDefault(softmaxCol());
  }

  default String getScoresOutput() {
    return getOrDefault(scoresOutput());
  }

  /** ONNX input name to the column that feeds it. */
  default S setFeedDict(Map<String, String> inputToColumn) {
    return setParam(feedDict(), feedDict().copyOf(inputToColumn));
  }

  /** As {@link #setFeedDict(Map)}, for Scala: {@code setFeedDict(Map("input" -> "pixels"))}. */
  default S setFeedDict(scala.collection.Map<String, String> inputToColumn) {
    return setFeedDict(javaMap(inputToColumn));
  }

  /** ONNX output name to the {@code array<float>} column it becomes, in this order. */
  default S setFetchDict(Map<String, String> outputToColumn) {
    return setParam(fetchDict(), fetchDict().copyOf(outputToColumn));
  }

  /** As {@link #setFetchDict(Map)}, for Scala. */
  default S setFetchDict(scala.collection.Map<String, String> outputToColumn) {
    return setFetchDict(javaMap(outputToColumn));
  }

  default S setBatchSize(int rows) {
    return setParam(batchSize(), BadArgument.atLeast("batchSize", rows, 1));
  }

  /** An {@code int} column with the index of each row's largest score ("" for none). */
  default S setArgmaxCol(String column) {
    return setParam(argmaxCol(), column);
  }

  /** An {@code array<float>} column with the softmax of each row's scores ("" for none). */
  default S setSoftmaxCol(String column) {
    return setParam(softmaxCol(), column);
  }

  /** The output the argmax and softmax are taken of ("" for the model's first output). */
  default S setScoresOutput(String output) {
    return setParam(scoresOutput(), output);
  }

  @SuppressWarnings("unchecked")
  private <T> S setParam(Param<T> param, T value) {
    set(param, value);
    return (S) this;
  }

  /** The params of one instance, owned by its uid, with their defaults set on it. */
  final class Fields {
    final StringMapParam feedDict;
    final StringMapParam fetchDict;
    final IntParam batchSize;
    final Param<String> argmaxCol;
    final Param<String> softmaxCol;
    final Param<String> scoresOutput;

    /** Call from the owner's constructor, once its uid is set. */
    public Fields(Params owner) {
      feedDict = new StringMapParam(owner, "feedDict", "ONNX input name to the column that"
          + " feeds it; empty: a column named like the input, or the only tensor column");
      fetchDict = new StringMapParam(owner, "fetchDict", "ONNX output name to the column it"
          + " becomes, in order; empty: every output under its own name");
      batchSize = new IntParam(owner, "batchSize", "rows per forward",
          ParamValidators.gtEq(1));
      argmaxCol = new Param<>(owner, "argmaxCol", "double column (Spark ML's prediction type)"
          + " with the index of each row's largest score; empty: none");
      softmaxCol = new Param<>(owner, "softmaxCol", "array<float> column with the softmax of"
          + " each row's scores; empty: none");
      scoresOutput = new Param<>(owner, "scoresOutput", "the output whose scores argmaxCol and"
          + " softmaxCol take; empty: the model's first output");
      owner.setDefault(feedDict, Map.of());
      owner.setDefault(fetchDict, Map.of());
      owner.setDefault(batchSize, Defaults.BATCH_SIZE);
      owner.setDefault(argmaxCol, "");
      owner.setDefault(softmaxCol, "");
      owner.setDefault(scoresOutput, "");
    }
  }

  /** A Scala map as a Java one, in its order; the same code for Scala 2.12 and 2.13. */
  private static Map<String, String> javaMap(scala.collection.Map<String, String> map) {
    Map<String, String> copy = new java.util.LinkedHashMap<>();
    scala.collection.Iterator<scala.Tuple2<String, String>> it = map.iterator();
    while (it.hasNext()) {
      scala.Tuple2<String, String> e = it.next();
      copy.put(e._1(), e._2());
    }
    return copy;
  }
}
