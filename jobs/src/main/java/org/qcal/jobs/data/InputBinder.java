package org.qcal.jobs.data;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.qcal.QcalException;
import org.qcal.jobs.api.BadArgument;

/**
 * Decides which data column feeds each model input. In order of precedence:
 *
 * <ol>
 *   <li>an explicit {@code NAME=COLUMN} pair ({@code --input});
 *   <li>a column named exactly like the input;
 *   <li>for a single-input model only: the one tensor column of the data
 *       ({@link TensorColumn#ACCEPTED}). None, or more than one, is an error, never a guess.
 * </ol>
 *
 * Every message names the dataset, the column and the input, and says what was expected.
 */
public final class InputBinder {
  private InputBinder() {}

  /**
   * Binds every model input to a column of {@code schema}.
   *
   * @param inputs the model's inputs, in model order (the result keeps that order)
   * @param schema the dataset's schema
   * @param explicit input name to column name; may be empty or null
   * @param source the dataset path, for messages
   */
  public static List<InputBinding> bind(
      List<ModelInput> inputs, StructType schema, Map<String, String> explicit, String source) {
    return bind(inputs, schema, explicit, Map.of(), source);
  }

  /**
   * As {@link #bind(List, StructType, Map, String)}, with the sample shapes of {@code
   * --input-shape} (input name to {@link InputShape#parse spec}); a shape column must be an
   * array of ints.
   */
  public static List<InputBinding> bind(List<ModelInput> inputs, StructType schema,
      Map<String, String> explicit, Map<String, String> shapeSpecs, String source) {
    if (inputs == null || inputs.isEmpty()) {
      throw new QcalException("the model has no inputs to feed from " + source);
    }
    Map<String, String> pairs = explicit == null ? Map.of() : explicit;
    Set<String> names = inputs.stream().map(ModelInput::name)
        .collect(Collectors.toCollection(LinkedHashSet::new));
    for (String name : pairs.keySet()) {
      if (!names.contains(name)) {
        throw new BadArgument("input", name + "=" + pairs.get(name)
            + ": the model has no input '" + name + "' (inputs: " + String.join(", ", names)
            + ")");
      }
    }
    Map<String, InputShape> shapes = InputShape.parseAll(shapeSpecs);
    for (String name : shapes.keySet()) {
      if (!names.contains(name)) {
        throw new QcalException(InputShape.OPTION + " " + name + "=" + shapeSpecs.get(name)
            + ": the model has no input '" + name + "' (inputs: " + String.join(", ", names)
            + ")");
      }
    }
    List<InputBinding> bindings = new ArrayList<>();
    for (ModelInput input : inputs) {
      String column = pairs.get(input.name());
      if (column == null) {
        column = defaultColumn(input, inputs.size(), schema, source);
      }
      bindings.add(bindTo(input, column, shapes.get(input.name()), schema, source));
    }
    return bindings;
  }

  /** Binds {@code input} to a named column, checking that it exists and can feed the input. */
  public static InputBinding bindTo(
      ModelInput input, String column, StructType schema, String source) {
    return bindTo(input, column, null, schema, source);
  }

  /** As above, with the input's {@code --input-shape} (or null). */
  public static InputBinding bindTo(ModelInput input, String column, InputShape shape,
      StructType schema, String source) {
    if (shape != null && shape.fromColumn()) {
      requireShapeColumn(input, shape.column(), schema, source);
    }
    StructField field = field(schema, column);
    if (field == null) {
      throw new QcalException("column '" + column + "' not found in " + source + " (columns: "
          + describeColumns(schema) + "); needed by input " + input.describe());
    }
    TensorColumn type = TensorColumn.of(field.dataType());
    if (type == null) {
      throw new QcalException("column '" + column + "' of " + source + " is "
          + field.dataType().simpleString() + ", not a tensor; input " + input.describe()
          + " needs " + TensorColumn.ACCEPTED);
    }
    if (!type.canFeed(input.elementType())) {
      throw new QcalException("column '" + column + "' of " + source + " is " + type.typeName()
          + "; int64 input " + input.describe() + " needs array<int> or array<bigint>");
    }
    return new InputBinding(input, column, type, shape);
  }

  private static void requireShapeColumn(ModelInput input, String column, StructType schema,
      String source) {
    StructField field = field(schema, column);
    TensorColumn type = field == null ? null : TensorColumn.of(field.dataType());
    if (type == null || !type.isInteger() || type == TensorColumn.VECTOR) {
      throw new QcalException(InputShape.OPTION + " " + input.name() + "=@" + column
          + ": column '" + column + "' of " + source + (field == null ? " not found (columns: "
          + describeColumns(schema) + ")" : " is " + field.dataType().simpleString())
          + "; a shape column is array<int> or array<bigint>, each row's dims without the"
          + " batch");
    }
  }

  /** The tensor columns of a schema, in schema order. */
  public static List<String> tensorColumns(StructType schema) {
    List<String> columns = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (TensorColumn.of(f.dataType()) != null) {
        columns.add(f.name());
      }
    }
    return columns;
  }

  private static String defaultColumn(
      ModelInput input, int inputCount, StructType schema, String source) {
    if (field(schema, input.name()) != null) {
      return input.name();
    }
    List<String> candidates = tensorColumns(schema);
    if (inputCount > 1) {
      throw new QcalException("input " + input.describe() + " has no column in " + source
          + ": pass --input " + input.name() + "=COLUMN (tensor columns: "
          + listOrNone(candidates) + ")");
    }
    if (candidates.isEmpty()) {
      throw new QcalException("no tensor column in " + source + " (columns: "
          + describeColumns(schema) + "); input " + input.describe() + " needs "
          + TensorColumn.ACCEPTED);
    }
    if (candidates.size() > 1) {
      throw new QcalException(source + " has " + candidates.size() + " tensor columns ("
          + String.join(", ", candidates) + ") for input " + input.describe()
          + ": choose one with --input " + input.name() + "=COLUMN");
    }
    return candidates.get(0);
  }

  static StructField field(StructType schema, String name) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    return null;
  }

  /** The user's columns with their types; qcal's own position columns are not the user's. */
  static String describeColumns(StructType schema) {
    List<String> parts = new ArrayList<>();
    for (StructField f : schema.fields()) {
      if (!f.name().startsWith(BatchPlan.POSITION_PREFIX)) {
        parts.add(f.name() + " " + f.dataType().simpleString());
      }
    }
    return parts.isEmpty() ? "none" : String.join(", ", parts);
  }

  private static String listOrNone(List<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", names);
  }
}
