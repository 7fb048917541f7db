package org.qcal.jobs.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.QcalException;

class InputBinderTest {
  private static final String SRC = "data/x.parquet";
  private static final ModelInput INPUT =
      new ModelInput("input", ElementType.FLOAT32, new long[] {-1, 784});

  private static StructType schema() {
    return new StructType()
        .add("label", DataTypes.IntegerType)
        .add("name", DataTypes.StringType);
  }

  private static StructType floats(StructType s, String name) {
    return s.add(name, DataTypes.createArrayType(DataTypes.FloatType));
  }

  @Test
  void singleInputTakesTheOnlyTensorColumn() {
    List<InputBinding> b = InputBinder.bind(List.of(INPUT), floats(schema(), "pixels"),
        Map.of(), SRC);
    assertEquals(1, b.size());
    assertEquals("pixels", b.get(0).column());
    assertEquals(TensorColumn.FLOAT_ARRAY, b.get(0).columnType());
  }

  @Test
  void everyTensorKindCountsAsATensorColumn() {
    assertEquals(TensorColumn.VECTOR, InputBinder.bind(List.of(INPUT),
        schema().add("v", SQLDataTypes.VectorType()), null, SRC).get(0).columnType());
    assertEquals(TensorColumn.BINARY_FLOAT32, InputBinder.bind(List.of(INPUT),
        schema().add("b", DataTypes.BinaryType), null, SRC).get(0).columnType());
    assertEquals(TensorColumn.DOUBLE_ARRAY, InputBinder.bind(List.of(INPUT),
        schema().add("d", DataTypes.createArrayType(DataTypes.DoubleType)), null, SRC)
        .get(0).columnType());
    assertEquals(TensorColumn.INT_ARRAY, InputBinder.bind(List.of(INPUT),
        schema().add("i", DataTypes.createArrayType(DataTypes.IntegerType)), null, SRC)
        .get(0).columnType());
    assertEquals(TensorColumn.LONG_ARRAY, InputBinder.bind(List.of(INPUT),
        schema().add("l", DataTypes.createArrayType(DataTypes.LongType)), null, SRC)
        .get(0).columnType());
  }

  @Test
  void explicitPairWins() {
    StructType s = floats(floats(schema(), "a"), "b");
    assertEquals("b", InputBinder.bind(List.of(INPUT), s, Map.of("input", "b"), SRC).get(0)
        .column());
  }

  @Test
  void columnNamedLikeTheInputIsTakenWithoutAPair() {
    StructType s = floats(floats(schema(), "a"), "input");
    assertEquals("input", InputBinder.bind(List.of(INPUT), s, Map.of(), SRC).get(0).column());
  }

  @Test
  void twoTensorColumnsAreAmbiguous() {
    StructType s = floats(floats(schema(), "a"), "b");
    QcalException e = assertThrows(QcalException.class,
        () -> InputBinder.bind(List.of(INPUT), s, Map.of(), SRC));
    assertEquals("data/x.parquet has 2 tensor columns (a, b) for input 'input' [?,784]: choose "
        + "one with --input input=COLUMN", e.getMessage());
  }

  @Test
  void noTensorColumnIsAnError() {
    QcalException e = assertThrows(QcalException.class,
        () -> InputBinder.bind(List.of(INPUT), schema(), Map.of(), SRC));
    assertEquals("no tensor column in data/x.parquet (columns: label int, name string); input "
        + "'input' [?,784] needs " + TensorColumn.ACCEPTED, e.getMessage());
  }

  @Test
  void missingColumnNamesItAndTheDataset() {
    QcalException e = assertThrows(QcalException.class, () -> InputBinder.bind(List.of(INPUT),
        floats(schema(), "a"), Map.of("input", "pixels"), SRC));
    assertEquals("column 'pixels' not found in data/x.parquet (columns: label int, name string, "
        + "a array<float>); needed by input 'input' [?,784]", e.getMessage());
  }

  @Test
  void nonNumericColumnIsAnError() {
    QcalException e = assertThrows(QcalException.class, () -> InputBinder.bind(List.of(INPUT),
        schema(), Map.of("input", "name"), SRC));
    assertEquals("column 'name' of data/x.parquet is string, not a tensor; input 'input' "
        + "[?,784] needs " + TensorColumn.ACCEPTED, e.getMessage());
    StructType strings = schema().add("s", DataTypes.createArrayType(DataTypes.StringType));
    QcalException e2 = assertThrows(QcalException.class, () -> InputBinder.bind(List.of(INPUT),
        strings, Map.of("input", "s"), SRC));
    assertEquals("column 's' of data/x.parquet is array<string>, not a tensor; input 'input' "
        + "[?,784] needs " + TensorColumn.ACCEPTED, e2.getMessage());
  }

  @Test
  void int64InputRefusesFloatColumns() {
    ModelInput ids = new ModelInput("ids", ElementType.INT64, new long[] {-1, -1});
    QcalException e = assertThrows(QcalException.class,
        () -> InputBinder.bind(List.of(ids), floats(schema(), "a"), Map.of(), SRC));
    assertEquals("column 'a' of data/x.parquet is array<float>; int64 input 'ids' [?,?] needs "
        + "array<int> or array<bigint>", e.getMessage());
    StructType ints = schema().add("t", DataTypes.createArrayType(DataTypes.IntegerType));
    assertEquals("t", InputBinder.bind(List.of(ids), ints, Map.of(), SRC).get(0).column());
  }

  @Test
  void pairForAnUnknownInputIsAnError() {
    QcalException e = assertThrows(QcalException.class, () -> InputBinder.bind(List.of(INPUT),
        floats(schema(), "a"), Map.of("image", "a"), SRC));
    assertEquals("input image=a: the model has no input 'image' (inputs: input)",
        e.getMessage());
  }

  @Test
  void multiInputModelsNeedAColumnPerInput() {
    ModelInput mask = new ModelInput("mask", ElementType.INT64, new long[] {-1, 8});
    ModelInput ids = new ModelInput("ids", ElementType.INT64, new long[] {-1, 8});
    StructType s = schema()
        .add("tokens", DataTypes.createArrayType(DataTypes.LongType))
        .add("mask", DataTypes.createArrayType(DataTypes.IntegerType));
    Map<String, String> pairs = new LinkedHashMap<>();
    pairs.put("ids", "tokens");
    List<InputBinding> b = InputBinder.bind(List.of(ids, mask), s, pairs, SRC);
    assertEquals("tokens", b.get(0).column());
    assertEquals("mask", b.get(1).column()); // same name as the input
    QcalException e = assertThrows(QcalException.class,
        () -> InputBinder.bind(List.of(ids, mask), s, Map.of(), SRC));
    assertEquals("input 'ids' [?,8] has no column in data/x.parquet: pass --input ids=COLUMN "
        + "(tensor columns: tokens, mask)", e.getMessage());
  }
}
