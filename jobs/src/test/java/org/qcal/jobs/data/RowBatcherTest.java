package org.qcal.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.qcal.ElementType;
import org.qcal.QcalException;

/**
 * Rows of a Parquet file the test writes, decoded and batched. Row i of the file holds, per
 * column (every expected value below follows from these formulas):
 * f = [i, i + 0.5, 100 + i] (row 3: [NaN, +Inf, -Inf]); d = [i + 0.25, 2i, 0.1];
 * i = [i, 2i, 3i]; l = [i * 2^40, 7, -3]; v = dense [i, i+1, i+2] for even i, sparse size 3
 * with v[1] = 10i for odd i; b = float32 LE [i, -1.5, i / 4]; label = 10i.
 */
class RowBatcherTest {
  @TempDir
  static Path tmp;
  static SparkSession spark;
  static String path;
  static Dataset<Row> data;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("RowBatcherTest");
    StructType schema = new StructType()
        .add("id", DataTypes.IntegerType)
        .add("f", DataTypes.createArrayType(DataTypes.FloatType))
        .add("d", DataTypes.createArrayType(DataTypes.DoubleType))
        .add("i", DataTypes.createArrayType(DataTypes.IntegerType))
        .add("l", DataTypes.createArrayType(DataTypes.LongType))
        .add("v", SQLDataTypes.VectorType())
        .add("b", DataTypes.BinaryType)
        .add("label", DataTypes.IntegerType);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      List<Float> f = i == 3
          ? List.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)
          : List.of((float) i, i + 0.5f, 100f + i);
      rows.add(RowFactory.create(i, f, List.of(i + 0.25, 2.0 * i, 0.1),
          List.of(i, 2 * i, 3 * i), List.of((long) i << 40, 7L, -3L),
          i % 2 == 0 ? Vectors.dense(i, i + 1, i + 2)
              : Vectors.sparse(3, new int[] {1}, new double[] {10.0 * i}),
          le(i, -1.5f, i / 4f), 10 * i));
    }
    path = tmp.resolve("tensors.parquet").toString();
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(path);
    data = new DatasetLoader(spark).load(path, null);
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static byte[] le(float... v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float x : v) {
      b.putFloat(x);
    }
    return b.array();
  }

  private static ModelInput floats(long... shape) {
    return new ModelInput("input", ElementType.FLOAT32, shape);
  }

  private static BatchPlan plan(Dataset<Row> df, ModelInput input, String column, int batch,
      String label, String source) {
    InputBinding b = InputBinder.bindTo(input, column, df.schema(), source);
    return new BatchPlan(List.of(b), df.schema(), batch, label, source);
  }

  /** Each batch's valid floats, batched on the driver from the collected rows. */
  private static List<float[]> floatBatches(String column, int batch) {
    BatchPlan p = plan(data, floats(-1, 3), column, batch, null, path);
    List<float[]> out = new ArrayList<>();
    p.batches(data.collectAsList().iterator())
        .forEachRemaining(b -> out.add(Arrays.copyOf(b.floats(0), b.length(0))));
    return out;
  }

  private static float[] concat(List<float[]> batches) {
    int n = batches.stream().mapToInt(a -> a.length).sum();
    float[] all = new float[n];
    int at = 0;
    for (float[] a : batches) {
      System.arraycopy(a, 0, all, at, a.length);
      at += a.length;
    }
    return all;
  }

  @Test
  void floatArraysDecodeExactlyWithNanAndInfinityPassingThrough() {
    List<float[]> batches = floatBatches("f", 2);
    assertEquals(List.of(6, 6, 3), batches.stream().map(a -> a.length).toList()); // 2,2,1 rows
    assertArrayEquals(new float[] {0, 0.5f, 100, 1, 1.5f, 101, 2, 2.5f, 102,
        Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 4, 4.5f, 104},
        concat(batches));
  }

  @Test
  void doubleArraysAreNarrowedToFloat() {
    assertArrayEquals(new float[] {0.25f, 0, 0.1f, 1.25f, 2, 0.1f, 2.25f, 4, 0.1f,
        3.25f, 6, 0.1f, 4.25f, 8, 0.1f}, concat(floatBatches("d", 2)));
  }

  @Test
  void intAndLongArraysFeedFloatInputs() {
    assertArrayEquals(new float[] {0, 0, 0, 1, 2, 3, 2, 4, 6, 3, 6, 9, 4, 8, 12},
        concat(floatBatches("i", 2)));
    float t40 = 1099511627776f; // 2^40, exact in float32
    assertArrayEquals(new float[] {0, 7, -3, t40, 7, -3, 2 * t40, 7, -3, 3 * t40, 7, -3,
        4 * t40, 7, -3}, concat(floatBatches("l", 2)));
  }

  @Test
  void integerArraysFeedInt64InputsExactly() {
    ModelInput ids = new ModelInput("ids", ElementType.INT64, new long[] {-1, 3});
    for (String column : List.of("i", "l")) {
      BatchPlan p = plan(data, ids, column, 4, null, path);
      List<long[]> out = new ArrayList<>();
      p.batches(data.collectAsList().iterator())
          .forEachRemaining(b -> out.add(Arrays.copyOf(b.longs(0), b.length(0))));
      assertEquals(2, out.size()); // 4 + 1 rows
      long[] first = out.get(0);
      long[] expected = column.equals("i")
          ? new long[] {0, 0, 0, 1, 2, 3, 2, 4, 6, 3, 6, 9}
          : new long[] {0, 7, -3, 1L << 40, 7, -3, 2L << 40, 7, -3, 3L << 40, 7, -3};
      assertArrayEquals(expected, first);
      assertArrayEquals(column.equals("i") ? new long[] {4, 8, 12} : new long[] {4L << 40, 7, -3},
          out.get(1));
    }
  }

  @Test
  void denseAndSparseVectorsDecode() {
    assertArrayEquals(new float[] {0, 1, 2, 0, 10, 0, 2, 3, 4, 0, 30, 0, 4, 5, 6},
        concat(floatBatches("v", 2)));
  }

  @Test
  void binaryIsLittleEndianFloat32() {
    assertArrayEquals(new float[] {0, -1.5f, 0, 1, -1.5f, 0.25f, 2, -1.5f, 0.5f, 3, -1.5f,
        0.75f, 4, -1.5f, 1}, concat(floatBatches("b", 2)));
  }

  @Test
  void batchSizeThatDoesNotDivideTheRowsLeavesAShortLastBatch() {
    BatchPlan p = plan(data, floats(-1, 3), "f", 3, null, path);
    List<Integer> rows = new ArrayList<>();
    List<long[]> shapes = new ArrayList<>();
    p.batches(data.collectAsList().iterator()).forEachRemaining(b -> {
      rows.add(b.rows());
      shapes.add(b.shape(0));
    });
    assertEquals(List.of(3, 2), rows);
    assertArrayEquals(new long[] {3, 3}, shapes.get(0));
    assertArrayEquals(new long[] {2, 3}, shapes.get(1));
    assertEquals(List.of(5), batchRows(7)); // a batch larger than the data
  }

  private static List<Integer> batchRows(int batch) {
    List<Integer> rows = new ArrayList<>();
    plan(data, floats(-1, 3), "f", batch, null, path).batches(data.collectAsList().iterator())
        .forEachRemaining(b -> rows.add(b.rows()));
    return rows;
  }

  @Test
  void staticBatchOfOneFeedsOneRowAtATime() {
    BatchPlan p = plan(data, floats(1, 3), "f", 64, null, path);
    assertEquals(1, p.batchSize());
    List<Integer> rows = new ArrayList<>();
    p.batches(data.collectAsList().iterator()).forEachRemaining(b -> rows.add(b.rows()));
    assertEquals(List.of(1, 1, 1, 1, 1), rows);
  }

  @Test
  void labelsTravelWithTheirRows() {
    BatchPlan p = plan(data, floats(-1, 3), "f", 2, "label", path);
    List<long[]> labels = new ArrayList<>();
    p.batches(data.collectAsList().iterator())
        .forEachRemaining(b -> labels.add(Arrays.copyOf(b.labels(), b.rows())));
    assertArrayEquals(new long[] {0, 10}, labels.get(0));
    assertArrayEquals(new long[] {20, 30}, labels.get(1));
    assertArrayEquals(new long[] {40}, labels.get(2));
  }

  @Test
  void buffersAreReusedAcrossBatches() {
    RowBatcher it = plan(data, floats(-1, 3), "f", 2, null, path)
        .batches(data.collectAsList().iterator());
    Batch first = it.next();
    float[] buffer = first.floats(0);
    assertEquals(6, buffer.length); // 2 rows x 3 values
    Batch second = it.next();
    assertSame(first, second);
    assertSame(buffer, second.floats(0));
  }

  @Test
  void emptyPartitionGivesNoBatch() {
    RowBatcher it = plan(data, floats(-1, 3), "f", 2, null, path)
        .batches(Collections.emptyIterator());
    assertFalse(it.hasNext());
  }

  @Test
  void dynamicSampleDimEndsABatchWhenTheLengthChanges() {
    StructType schema = new StructType().add("ids", DataTypes.createArrayType(DataTypes.LongType));
    List<Row> rows = List.of(RowFactory.create(List.of(1L, 2L)), RowFactory.create(List.of(3L, 4L)),
        RowFactory.create(List.of(5L, 6L, 7L)), RowFactory.create(List.of(8L, 9L, 10L)),
        RowFactory.create(List.of(11L, 12L)));
    Dataset<Row> df = spark.createDataFrame(rows, schema);
    ModelInput ids = new ModelInput("ids", ElementType.INT64, new long[] {-1, -1});
    BatchPlan p = plan(df, ids, "ids", 4, null, "mem");
    List<long[]> shapes = new ArrayList<>();
    List<long[]> values = new ArrayList<>();
    p.batches(df.collectAsList().iterator()).forEachRemaining(b -> {
      shapes.add(b.shape(0));
      values.add(Arrays.copyOf(b.longs(0), b.length(0)));
    });
    assertEquals(3, shapes.size());
    assertArrayEquals(new long[] {2, 2}, shapes.get(0));
    assertArrayEquals(new long[] {2, 3}, shapes.get(1));
    assertArrayEquals(new long[] {1, 2}, shapes.get(2));
    assertArrayEquals(new long[] {1, 2, 3, 4}, values.get(0));
    assertArrayEquals(new long[] {5, 6, 7, 8, 9, 10}, values.get(1));
    assertArrayEquals(new long[] {11, 12}, values.get(2));
  }

  // ---- bad inputs: one QcalException naming column, dataset, row, expected and actual ----

  private static Dataset<Row> pixels(Row... rows) {
    StructType schema = new StructType()
        .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, true))
        .add("bytes", DataTypes.BinaryType)
        .add("label", DataTypes.LongType)
        .add("name", DataTypes.StringType);
    return spark.createDataFrame(List.of(rows), schema);
  }

  private static Row px(List<Float> pixels, Long label) {
    return RowFactory.create(pixels, le(1, 2, 3), label, "n");
  }

  /** The bad row the batcher reports after handing out every good batch. */
  private static String failure(Dataset<Row> df, String column, String label) {
    return badRow(plan(df, floats(-1, 3), column, 2, label, "data/x.parquet"), df).message();
  }

  private static BadRow badRow(BatchPlan p, Dataset<Row> df) {
    RowBatcher batches = p.batches(df.collectAsList().iterator());
    batches.forEachRemaining(b -> { });
    return batches.error();
  }

  @Test
  void wrongElementCountNamesColumnDatasetRowAndCounts() {
    Dataset<Row> df = pixels(px(List.of(1f, 2f, 3f), 0L), px(List.of(1f, 2f, 3f), 0L),
        px(List.of(1f, 2f), 0L));
    assertEquals("data data/x.parquet row 2: column 'pixels' has 2 values, input 'input' [?,3] "
        + "needs 3", failure(df, "pixels", null));
  }

  @Test
  void aBadRowOnAnExecutorIsReturnedNotThrownAndNamesTheFileAndRow() throws Exception {
    String bad = tmp.resolve("short.parquet").toString();
    pixels(px(List.of(1f, 2f, 3f), 0L), px(List.of(1f, 2f, 3f, 4f), 0L)).coalesce(1).write()
        .parquet(bad);
    Dataset<Row> df = new DatasetLoader(spark).positions().load(bad, null);
    BatchPlan p = plan(df, floats(-1, 3), "pixels", 8, null, bad);
    FlatMapFunction<java.util.Iterator<Row>, String> errors = rows -> {
      RowBatcher batches = p.batches(rows);
      batches.forEachRemaining(b -> { });
      return List.of(batches.error() == null ? "" : batches.error().message()).iterator();
    };
    List<String> messages = df.javaRDD().mapPartitions(errors).collect();
    String file = Path.of(bad).toFile().listFiles((d, n) -> n.endsWith(".parquet"))[0].getName();
    assertEquals(List.of("data file " + file + " row 1: column 'pixels' has 4 values, input "
        + "'input' [?,3] needs 3"), messages.stream().filter(m -> !m.isEmpty()).toList());
  }

  @Test
  void aBadRowEndsTheBatchesBeforeTheBatchHoldingItIsHandedOut() {
    Dataset<Row> df = pixels(px(List.of(1f, 2f, 3f), 0L), px(List.of(1f, 2f, 3f), 0L),
        px(List.of(1f, 2f, 3f), 0L), px(List.of(1f, 2f, 3f, 4f), 0L), px(List.of(5f, 6f, 7f), 0L));
    RowBatcher batches = plan(df, floats(-1, 3), "pixels", 2, null, "data/x.parquet")
        .batches(df.collectAsList().iterator());
    List<Integer> sizes = new ArrayList<>();
    batches.forEachRemaining(b -> sizes.add(b.rows()));
    assertEquals(List.of(2), sizes, "only the batch of rows 0 and 1: rows 2 and 3 never leave");
    assertEquals(3, batches.error().row());
  }

  @Test
  void theEarliestBadRowOfThePartitionByFileRowIsKeptNotTheFirstMet() {
    String twoBad = tmp.resolve("two-bad.parquet").toString();
    pixels(px(List.of(1f, 2f, 3f), 0L), px(null, 0L), px(List.of(1f, 2f), 0L)).coalesce(1)
        .write().parquet(twoBad);
    Dataset<Row> df = new DatasetLoader(spark).positions().load(twoBad, null);
    List<Row> rows = new ArrayList<>(df.collectAsList());
    Collections.reverse(rows); // file row 2 (too short) is met before file row 1 (null)
    RowBatcher batches = plan(df, floats(-1, 3), "pixels", 2, null, twoBad)
        .batches(rows.iterator());
    assertFalse(batches.hasNext());
    assertEquals(1, batches.error().row());
    assertTrue(batches.error().message().endsWith(" row 1: column 'pixels' is null; input "
        + "'input' [?,3] needs 3 values"), batches.error().message());
  }

  @Test
  void binaryOfWrongLengthSaysSo() {
    Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create((Object) new byte[5])),
        new StructType().add("raw", DataTypes.BinaryType));
    assertEquals("data data/x.parquet row 0: column 'raw' has 5 bytes, not a multiple of 4 (raw "
        + "float32); input 'input' [?,3] needs 3 values", failure(df, "raw", null));
  }

  @Test
  void binaryWithTooFewFloatsCountsValues() {
    Dataset<Row> df = pixels(px(List.of(1f, 2f, 3f), 0L));
    assertEquals(List.of(1), rowsOf(df, "bytes", 3)); // 12 bytes = 3 float32: fits [?,3]
    BatchPlan p = plan(df, floats(-1, 4), "bytes", 2, null, "data/x.parquet");
    assertEquals("data data/x.parquet row 0: column 'bytes' has 3 values, input 'input' [?,4] "
        + "needs 4", badRow(p, df).message());
  }

  private static List<Integer> rowsOf(Dataset<Row> df, String column, long dim) {
    List<Integer> rows = new ArrayList<>();
    plan(df, floats(-1, dim), column, 2, null, "data/x.parquet")
        .batches(df.collectAsList().iterator()).forEachRemaining(b -> rows.add(b.rows()));
    return rows;
  }

  @Test
  void nullCellAndNullElementAreBadRows() {
    Dataset<Row> nullCell = pixels(px(List.of(1f, 2f, 3f), 0L), px(null, 0L));
    assertEquals("data data/x.parquet row 1: column 'pixels' is null; input 'input' [?,3] needs 3 "
        + "values", failure(nullCell, "pixels", null));
    Dataset<Row> nullElement = pixels(px(Arrays.asList(1f, null, 3f), 0L));
    assertEquals("data data/x.parquet row 0: column 'pixels' has a null at element 1; input "
        + "'input' [?,3] needs numbers", failure(nullElement, "pixels", null));
  }

  @Test
  void labelsOutsideTheClassRangeAreBadRowsOnceTheRangeIsKnown() {
    Dataset<Row> df = pixels(px(List.of(1f, 2f, 3f), 3L), px(List.of(1f, 2f, 3f), 10L));
    BatchPlan p = plan(df, floats(-1, 3), "pixels", 2, "label", "data/x.parquet");
    assertEquals(null, badRow(p, df), "no range known: labels pass");
    RowBatcher batches = p.batches(df.collectAsList().iterator());
    batches.labelsBelow(10, "logits");
    batches.forEachRemaining(b -> { });
    assertEquals("data data/x.parquet row 1: label column 'label' has value 10, outside the class"
        + " range [0, 10) of output 'logits'", batches.error().message());
  }

  @Test
  void labelColumnMustExistBeIntegerAndNonNull() {
    Dataset<Row> df = pixels(px(List.of(1f, 2f, 3f), 0L), px(List.of(1f, 2f, 3f), null));
    assertEquals("data data/x.parquet row 1: label column 'label' is null",
        failure(df, "pixels", "label"));
    QcalException missing = assertThrows(QcalException.class,
        () -> plan(df, floats(-1, 3), "pixels", 2, "y", "data/x.parquet"));
    assertEquals("label column 'y' not found in data/x.parquet (columns: pixels array<float>, "
        + "bytes binary, label bigint, name string)", missing.getMessage());
    QcalException text = assertThrows(QcalException.class,
        () -> plan(df, floats(-1, 3), "pixels", 2, "name", "data/x.parquet"));
    assertEquals("label column 'name' of data/x.parquet is string; a label must be int or "
        + "bigint", text.getMessage());
  }

  @Test
  void planRejectsBatchSizeBelowOne() {
    assertEquals("batch size must be >= 1, got 0", assertThrows(QcalException.class,
        () -> plan(data, floats(-1, 3), "f", 0, null, path)).getMessage());
  }

  @Test
  void planRechecksTheSchemaItIsGiven() {
    InputBinding b = InputBinder.bind(List.of(floats(-1, 3)), data.schema(),
        Map.of("input", "f"), path).get(0);
    StructType other = new StructType().add("g", DataTypes.createArrayType(DataTypes.FloatType));
    QcalException e = assertThrows(QcalException.class,
        () -> new BatchPlan(List.of(b), other, 2, null, path));
    assertEquals("column 'f' not found in " + path + " (columns: g array<float>); needed by "
        + "input 'input' [?,3]", e.getMessage());
  }
}
