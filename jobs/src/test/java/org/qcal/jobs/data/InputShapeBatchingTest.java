package org.qcal.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.qcal.ElementType;
import org.qcal.QcalException;

/**
 * Inputs with several dynamic dims ({@code [?,2,?,?]}): their sample shape comes from {@code
 * --input-shape x=2,2,3} or from a shape column, and a batch never mixes shapes. Row i holds
 * values 0, 1, ... and its dims in column s: [2,2,3] (12 values), [2,1,3] (6), [2,3,2] (12),
 * [2,2,3] (12).
 */
class InputShapeBatchingTest {
  private static final ModelInput X =
      new ModelInput("x", ElementType.FLOAT32, new long[] {-1, 2, -1, -1});
  private static final long[][] DIMS = {{2, 2, 3}, {2, 1, 3}, {2, 3, 2}, {2, 2, 3}};
  static SparkSession spark;
  static StructType schema;
  static List<Row> rows;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("InputShapeBatchingTest");
    schema = new StructType()
        .add("x", DataTypes.createArrayType(DataTypes.FloatType))
        .add("s", DataTypes.createArrayType(DataTypes.IntegerType))
        .add("f", DataTypes.createArrayType(DataTypes.FloatType));
    List<Row> given = new ArrayList<>();
    for (long[] dims : DIMS) {
      int n = (int) (dims[0] * dims[1] * dims[2]);
      List<Float> values = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        values.add((float) k);
      }
      given.add(RowFactory.create(values, List.of((int) dims[0], (int) dims[1], (int) dims[2]),
          Collections.nCopies(12, 1f)));
    }
    rows = spark.createDataFrame(given, schema).coalesce(1).collectAsList();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static List<long[]> batchShapes(BatchPlan plan) {
    List<long[]> shapes = new ArrayList<>();
    RowBatcher batches = plan.batches(rows.iterator());
    while (batches.hasNext()) {
      shapes.add(batches.next().shape(0));
    }
    assertNull(batches.error(), () -> batches.error().message());
    return shapes;
  }

  @Test
  void severalDynamicDimsWithoutAShapeAreRefusedNamingTheOption() {
    QcalException e = assertThrows(QcalException.class,
        () -> InputBinder.bind(List.of(X), schema, Map.of("x", "f"), "data"));
    assertEquals("input 'x' [?,2,?,?] has dynamic dims 2 and 3; pass its sample shape with"
        + " --input-shape x=2,A,B or a column of each row's dims with --input-shape x=@COLUMN",
        e.getMessage());
  }

  @Test
  void fixedInputShapeFeedsEveryRowWithThoseDims() {
    List<InputBinding> b = InputBinder.bind(List.of(X), schema, Map.of("x", "f"),
        Map.of("x", "2,2,3"), "data");
    List<long[]> shapes = batchShapes(new BatchPlan(b, schema, 4, null, "data"));
    assertEquals(1, shapes.size());
    assertArrayEquals(new long[] {4, 2, 2, 3}, shapes.get(0));
  }

  @Test
  void fixedInputShapeMustAgreeWithTheModelsStaticDims() {
    QcalException e = assertThrows(QcalException.class, () -> InputBinder.bind(List.of(X),
        schema, Map.of("x", "f"), Map.of("x", "3,2,2"), "data"));
    assertEquals("--input-shape x=3,2,2: dim 1 of input 'x' [?,2,?,?] is 2, got 3",
        e.getMessage());
  }

  @Test
  void shapeColumnGivesEachRowItsDimsAndBatchesNeverMixShapes() {
    List<InputBinding> b = InputBinder.bind(List.of(X), schema, Map.of("x", "x"),
        Map.of("x", "@s"), "data");
    List<long[]> shapes = batchShapes(new BatchPlan(b, schema, 4, null, "data"));
    // Every neighbour differs: four batches of one row, each with its own dims.
    assertEquals(4, shapes.size());
    for (int i = 0; i < 4; i++) {
      assertArrayEquals(new long[] {1, DIMS[i][0], DIMS[i][1], DIMS[i][2]}, shapes.get(i));
    }
  }

  @Test
  void rowWhoseShapeDisagreesWithItsValuesIsABadRow() {
    List<InputBinding> b = InputBinder.bind(List.of(X), schema, Map.of("x", "f"),
        Map.of("x", "@s"), "data");
    RowBatcher batches = new BatchPlan(b, schema, 4, null, "data").batches(rows.iterator());
    // Row 0 says [2,2,3] for 12 values of f: fine; row 1 says [2,1,3] but f has 12. A bad row
    // ends the partition's batches before any forward.
    assertFalse(batches.hasNext());
    assertTrue(batches.error().message().endsWith(
        "shape column 's' says 2,1,3 (6 values), but column 'f' has 12"),
        batches.error().message());
  }

  @Test
  void shapeColumnMustHoldIntegers() {
    QcalException e = assertThrows(QcalException.class, () -> InputBinder.bind(List.of(X),
        schema, Map.of("x", "x"), Map.of("x", "@f"), "data"));
    assertTrue(e.getMessage().startsWith("--input-shape x=@f: column 'f' of data is"
        + " array<float>; a shape column is array<int> or array<bigint>"), e.getMessage());
  }
}
