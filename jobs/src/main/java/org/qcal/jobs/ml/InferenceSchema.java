package org.qcal.jobs.ml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.qcal.ElementType;
import org.qcal.QcalException;
import org.qcal.jobs.api.BadArgument;
import org.qcal.jobs.api.DataSource;
import org.qcal.jobs.data.InputBinder;
import org.qcal.jobs.data.InputBinding;
import org.qcal.jobs.data.ModelInputs;
import org.qcal.runtime.ModelSignature;
import org.qcal.runtime.TensorSpec;

/**
 * How a model runs over a Dataset of a given schema, checked at schema time ({@code
 * transformSchema}): each ONNX input bound to a column that exists and holds numbers of the
 * input's element type (and, where the column's ML attributes state its vectors' size and the
 * model's sample shape is static, of the right length: array lengths are not in a schema and
 * are checked per row), each fetched output an existing float32 or int64 output, no new column
 * already in the schema; and the schema the transform gives. Every failure names the column,
 * input or output, and what is wrong.
 *
 * @param bindings the columns feeding the model's inputs, in model order
 * @param outputs the model outputs appended to each row, in order
 * @param scores the output argmax and softmax take, or null when neither is asked for
 * @param argmax whether an argmax column is appended
 * @param softmax whether a softmax column is appended
 * @param schema the input schema with the new columns
 */
record InferenceSchema(List<InputBinding> bindings, List<String> outputs, String scores,
    boolean argmax, boolean softmax, StructType schema) {

  /** What messages call the rows a stage runs over. */
  static final String SOURCE = DataSource.ROWS;

  static InferenceSchema of(ModelSignature signature, StructType schema,
      InferenceParams<?> params) {
    List<InputBinding> bindings;
    try {
      bindings = InputBinder.bind(ModelInputs.of(signature), schema, params.getFeedDict(),
          SOURCE);
    } catch (BadArgument e) {
      throw new BadArgument("feedDict", e.problem()); // the binder names --input's pair
    }
    for (InputBinding b : bindings) {
      checkStatedSize(b, schema.apply(b.column()));
    }
    StructType out = schema;
    Map<String, String> fetch = params.getFetchDict();
    if (fetch.isEmpty()) {
      fetch = new LinkedHashMap<>();
      for (TensorSpec o : signature.outputs()) {
        fetch.put(o.name(), o.name());
      }
    }
    List<String> outputs = new ArrayList<>();
    for (Map.Entry<String, String> e : fetch.entrySet()) {
      TensorSpec o = output(signature, e.getKey(), "fetchDict");
      DataType element = o.type() == ElementType.FLOAT32 ? DataTypes.FloatType
          : o.type() == ElementType.INT64 ? DataTypes.LongType : null;
      if (element == null) {
        throw new BadArgument("fetchDict", "output '" + o.name() + "' is " + o.type()
            + "; a column can take a float32 or int64 output");
      }
      out = add(out, e.getValue(), DataTypes.createArrayType(element, false), "fetchDict");
      outputs.add(o.name());
    }
    boolean argmax = !params.getArgmaxCol().isEmpty();
    boolean softmax = !params.getSoftmaxCol().isEmpty();
    String scores = null;
    if (argmax || softmax) {
      TensorSpec s = params.getScoresOutput().isEmpty() ? signature.outputs().get(0)
          : output(signature, params.getScoresOutput(), "scoresOutput");
      if (s.type() != ElementType.FLOAT32) {
        throw new BadArgument("scoresOutput", "output '" + s.name() + "' is " + s.type()
            + "; argmax and softmax take float32 scores");
      }
      scores = s.name();
      if (argmax) {
        out = add(out, params.getArgmaxCol(), DataTypes.DoubleType, "argmaxCol");
      }
      if (softmax) {
        out = add(out, params.getSoftmaxCol(),
            DataTypes.createArrayType(DataTypes.FloatType, false), "softmaxCol");
      }
    }
    return new InferenceSchema(bindings, outputs, scores, argmax, softmax, out);
  }

  private static TensorSpec output(ModelSignature signature, String name, String param) {
    try {
      return signature.output(name);
    } catch (QcalException e) {
      throw new BadArgument(param, "names output '" + name + "', which the model does not"
          + " have (outputs: " + String.join(", ", signature.outputs().stream()
              .map(TensorSpec::name).toList()) + ")");
    }
  }

  private static StructType add(StructType schema, String column, DataType type, String param) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(column)) {
        throw new BadArgument(param, "column '" + column + "' is already in the Dataset"
            + " (or named twice); choose another name");
      }
    }
    return schema.add(column, type, false);
  }

  /**
   * A vector column whose ML attributes state its size (VectorAssembler's output does) must hold
   * as many values as the input's static sample shape.
   */
  private static void checkStatedSize(InputBinding b, StructField field) {
    if (!field.dataType().equals(SQLDataTypes.VectorType()) || b.hasDynamicSampleDim()) {
      return;
    }
    int size = AttributeGroup.fromStructField(field).size();
    if (size >= 0 && !b.accepts(size)) {
      throw new QcalException("column '" + b.column() + "' of " + SOURCE + " holds vectors of "
          + size + " values (its ML attributes say), input " + b.input().describe() + " needs "
          + b.needs());
    }
  }
}
