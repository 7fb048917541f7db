package org.qcal.jobs.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.function.FlatMapFunction;
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

class DatasetLoaderTest {
  @TempDir
  static Path tmp;
  static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.start("DatasetLoaderTest");
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static DatasetLoader loader() {
    return new DatasetLoader(spark);
  }

  /** Rows (id, x) with x = [id + 0.5, -id] for id 0..2, written by Spark in {@code format}. */
  private static String writeTable(String format) {
    StructType schema = new StructType().add("id", DataTypes.IntegerType)
        .add("x", DataTypes.createArrayType(DataTypes.FloatType));
    List<Row> rows = new ArrayList<>();
    for (int id = 0; id < 3; id++) {
      rows.add(RowFactory.create(id, List.of(id + 0.5f, (float) -id)));
    }
    String out = tmp.resolve("table-" + format).toString();
    spark.createDataFrame(rows, schema).write().format(format).save(out);
    return out;
  }

  /** Column {@code x} by {@code id}, as floats. */
  private static Map<Integer, List<Float>> byId(Dataset<Row> df) {
    Map<Integer, List<Float>> out = new HashMap<>();
    for (Row r : df.collectAsList()) {
      List<Float> xs = new ArrayList<>();
      for (Object o : r.getList(r.fieldIndex("x"))) {
        xs.add(((Number) o).floatValue());
      }
      out.put(((Number) r.get(r.fieldIndex("id"))).intValue(), xs);
    }
    return out;
  }

  private static final Map<Integer, List<Float>> TABLE =
      Map.of(0, List.of(0.5f, 0f), 1, List.of(1.5f, -1f), 2, List.of(2.5f, -2f));

  @Test
  void parquetAndOrcFoldersAreDetectedAndRead() {
    for (String format : List.of("parquet", "orc")) {
      Dataset<Row> df = loader().load(writeTable(format), null);
      assertEquals(TensorColumn.FLOAT_ARRAY, TensorColumn.of(df.schema().apply("x").dataType()));
      assertEquals(TABLE, byId(df));
    }
  }

  @Test
  void jsonLinesAreReadWithInferredArrayTypes() throws IOException {
    Path file = tmp.resolve("j/data.json");
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{\"id\":0,\"x\":[0.5,0],\"t\":[1,2]}\n"
        + "{\"id\":1,\"x\":[1.5,-1],\"t\":[3,4]}\n{\"id\":2,\"x\":[2.5,-2],\"t\":[5,6]}\n");
    Dataset<Row> df = loader().load(file.getParent().toString(), null);
    assertEquals(TensorColumn.DOUBLE_ARRAY, TensorColumn.of(df.schema().apply("x").dataType()));
    assertEquals(TensorColumn.LONG_ARRAY, TensorColumn.of(df.schema().apply("t").dataType()));
    assertEquals(TABLE, byId(df));
  }

  @Test
  void otherSparkFormatsAreHandedToSpark() throws IOException {
    Path csv = Files.writeString(tmp.resolve("a.csv"), "a,b\n1,2\n3,4\n");
    Dataset<Row> df = loader().option("header", "true").load(csv.toString(), "csv");
    assertEquals(2, df.count());
  }

  @Test
  void unknownFormatIsAnError() throws IOException {
    Path f = Files.writeString(tmp.resolve("a.dat"), "x");
    QcalException e = assertThrows(QcalException.class,
        () -> loader().load(f.toString(), "nosuchformat"));
    assertTrue(e.getMessage().startsWith("cannot read data path '" + f + "' as nosuchformat: "),
        e.getMessage());
  }

  @Test
  void missingPathIsNamed() {
    String nope = tmp.resolve("nope").toString();
    assertEquals("data path '" + nope + "' does not exist",
        assertThrows(QcalException.class, () -> loader().load(nope, null)).getMessage());
    assertEquals("data path '" + nope + "' does not exist",
        assertThrows(QcalException.class, () -> loader().load(nope, "parquet")).getMessage());
  }

  @Test
  void emptyDatasetIsAnError() {
    String out = tmp.resolve("empty.parquet").toString();
    spark.createDataFrame(List.of(), new StructType()
        .add("x", DataTypes.createArrayType(DataTypes.FloatType))).write().parquet(out);
    Dataset<Row> df = loader().load(out, null);
    assertEquals("data path '" + out + "' has no rows", assertThrows(QcalException.class,
        () -> DatasetLoader.requireNonEmpty(df, out)).getMessage());
  }

  // ---- .npy ----

  /** Rows of an npy dataset as "file#index" -> values (floats or longs as doubles). */
  private static Map<String, List<Double>> npyRows(Dataset<Row> df) {
    Map<String, List<Double>> out = new HashMap<>();
    for (Row r : df.collectAsList()) {
      String origin = r.getString(0);
      String name = origin.substring(origin.lastIndexOf('/') + 1);
      List<Double> values = new ArrayList<>();
      for (Object o : r.getList(2)) {
        values.add(((Number) o).doubleValue());
      }
      out.put(name + "#" + r.getLong(1), values);
    }
    return out;
  }

  private static List<Double> doubles(double... v) {
    List<Double> out = new ArrayList<>();
    for (double x : v) {
      out.add(x);
    }
    return out;
  }

  private static Path npyFolder() {
    Path d = tmp.resolve("npy");
    if (!Files.exists(d)) {
      NpyFiles.write(d.resolve("a.npy"), NpyFiles.v1("<f4", "(2, 3)",
          NpyFiles.f32(1, 2, 3, 4, 5, 6)));
      NpyFiles.write(d.resolve("b.npy"), NpyFiles.v1("<f8", "(2, 2, 3)",
          NpyFiles.f64(0.5, 1, 1.5, 2, 2.5, 3, -1, -2, -3, -4, -5, -6)));
      NpyFiles.write(d.resolve("c.npy"), NpyFiles.file(2,
          "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }",
          NpyFiles.f32(7, 8, 9, 10, 11, 12)));
      NpyFiles.write(d.resolve("readme.txt"), "not data".getBytes(StandardCharsets.UTF_8));
    }
    return d;
  }

  @Test
  void npyFilesAreOneSampleOrABatchBySampleShape() {
    Dataset<Row> df = loader().sampleShape(new long[] {2, 3}).load(npyFolder().toString(), null);
    assertEquals(DataTypes.createArrayType(DataTypes.FloatType, false),
        df.schema().apply(DatasetLoader.NPY_COLUMN).dataType());
    Map<String, List<Double>> rows = npyRows(df);
    assertEquals(4, rows.size()); // a: 1 sample, b: 2, c: 1
    assertEquals(doubles(1, 2, 3, 4, 5, 6), rows.get("a.npy#0"));
    assertEquals(doubles(0.5, 1, 1.5, 2, 2.5, 3), rows.get("b.npy#0"));
    assertEquals(doubles(-1, -2, -3, -4, -5, -6), rows.get("b.npy#1"));
    assertEquals(doubles(7, 8, 9, 10, 11, 12), rows.get("c.npy#0"));
  }

  @Test
  void npyIntegersBecomeLongs() {
    Path d = tmp.resolve("npy-int");
    NpyFiles.write(d.resolve("ids.npy"), NpyFiles.v1("<i8", "(2, 4)",
        NpyFiles.i64(1L << 40, 2, 3, 4, 5, 6, 7, -8)));
    NpyFiles.write(d.resolve("more.npy"), NpyFiles.v1("<i4", "(3,)", NpyFiles.i32(-1, 0, 9)));
    Dataset<Row> df = loader().sampleShape(new long[] {-1}).load(d.toString(), "npy");
    assertEquals(DataTypes.createArrayType(DataTypes.LongType, false),
        df.schema().apply(DatasetLoader.NPY_COLUMN).dataType());
    Map<String, List<Long>> rows = new HashMap<>();
    for (Row r : df.collectAsList()) {
      String o = r.getString(0);
      rows.put(o.substring(o.lastIndexOf('/') + 1) + "#" + r.getLong(1), r.getList(2));
    }
    assertEquals(Map.of("ids.npy#0", List.of(1L << 40, 2L, 3L, 4L),
        "ids.npy#1", List.of(5L, 6L, 7L, -8L), "more.npy#0", List.of(-1L, 0L, 9L)), rows);
  }

  @Test
  void npyOfTheWrongShapeFailsNamingTheFile() {
    Path d = tmp.resolve("npy-bad");
    Path bad = NpyFiles.write(d.resolve("bad.npy"), NpyFiles.v1("<f4", "(3, 2)",
        NpyFiles.f32(1, 2, 3, 4, 5, 6)));
    Dataset<Row> df = loader().sampleShape(new long[] {2, 3}).load(bad.toString(), null);
    Exception e = assertThrows(Exception.class, df::collectAsList);
    assertEquals("file '" + bad.toUri().toString().replaceFirst("^file:///", "file:/")
        + "' has shape (3, 2); the input needs [2,3] per sample, or [n,2,3] for n samples",
        TestSpark.qcalCause(e).getMessage());
  }

  @Test
  void npyTruncatedFileSaysWhere() {
    Path cut = NpyFiles.write(tmp.resolve("npy-cut/cut.npy"), NpyFiles.v1("<f4", "(2, 3)",
        NpyFiles.f32(1, 2, 3, 4, 5)));
    Dataset<Row> df = loader().sampleShape(new long[] {3}).load(cut.toString(), null);
    QcalException e = TestSpark.qcalCause(assertThrows(Exception.class, df::collectAsList));
    assertTrue(e.getMessage().endsWith("cut.npy' ends inside sample 1 of 2 (3 FLOAT32 values "
        + "each)"), e.getMessage());
  }

  @Test
  void npyFloatAndIntegerFilesDoNotMix() {
    Path d = tmp.resolve("npy-mixed");
    NpyFiles.write(d.resolve("a.npy"), NpyFiles.v1("<f4", "(2,)", NpyFiles.f32(1, 2)));
    NpyFiles.write(d.resolve("b.npy"), NpyFiles.v1("<i8", "(2,)", NpyFiles.i64(1, 2)));
    Dataset<Row> df = loader().load(d.toString(), null);
    QcalException e = TestSpark.qcalCause(assertThrows(Exception.class, df::collectAsList));
    assertTrue(e.getMessage().contains("b.npy' holds integers (INT64) but '"), e.getMessage());
    assertTrue(e.getMessage().endsWith("a.npy' holds floats; all .npy files of a dataset must "
        + "be one or the other"), e.getMessage());
  }

  @Test
  void npyFolderWithoutNpyFilesIsAnError() throws IOException {
    Path d = Files.createDirectories(tmp.resolve("npy-none"));
    Files.writeString(d.resolve("a.txt"), "x");
    assertEquals("data path '" + d + "' holds no .npy files (nested folders are not read)",
        assertThrows(QcalException.class, () -> loader().load(d.toString(), "npy"))
            .getMessage());
  }

  @Test
  void loadedDataBindsAndBatchesOnExecutors() {
    String source = npyFolder().toString();
    ModelInput input = new ModelInput("x", ElementType.FLOAT32, new long[] {-1, 2, 3});
    Dataset<Row> df = loader().sampleShape(input.sampleShape()).load(source, null);
    List<InputBinding> bindings = InputBinder.bind(List.of(input), df.schema(), Map.of(), source);
    assertEquals(DatasetLoader.NPY_COLUMN, bindings.get(0).column());
    BatchPlan plan = new BatchPlan(bindings, df.schema(), 3, null, source);
    FlatMapFunction<Iterator<Row>, Double> sums = rows -> {
      List<Double> out = new ArrayList<>();
      plan.batches(rows).forEachRemaining(b -> {
        double s = 0;
        for (int i = 0; i < b.length(0); i++) {
          s += b.floats(0)[i];
        }
        out.add(s);
      });
      return out.iterator();
    };
    // a: 1+..+6 = 21, b: 0.5+1+..+3 = 10.5 and -21, c: 7+..+12 = 57; total 67.5
    double total = df.javaRDD().mapPartitions(sums).collect().stream()
        .mapToDouble(Double::doubleValue).sum();
    assertEquals(67.5, total);
  }

  // ---- images ----

  private static void png(Path file, BufferedImage image) throws IOException {
    Files.createDirectories(file.getParent());
    assertTrue(ImageIO.write(image, "png", file.toFile()));
  }

  /** 2x2 RGB: (10,20,30) (40,50,60) / (70,80,90) (100,110,120), row by row. */
  private static BufferedImage rgb2x2() {
    BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR);
    int[][] rgb = {{10, 20, 30}, {40, 50, 60}, {70, 80, 90}, {100, 110, 120}};
    for (int p = 0; p < 4; p++) {
      img.setRGB(p % 2, p / 2, rgb[p][0] << 16 | rgb[p][1] << 8 | rgb[p][2]);
    }
    return img;
  }

  /** 2x2 gray: 0 85 / 170 255. */
  private static BufferedImage gray2x2() {
    BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
    int[] v = {0, 85, 170, 255};
    for (int p = 0; p < 4; p++) {
      img.getRaster().setSample(p % 2, p / 2, 0, v[p]);
    }
    return img;
  }

  private static Map<String, float[]> images(Dataset<Row> df) {
    Map<String, float[]> out = new HashMap<>();
    for (Row r : df.collectAsList()) {
      String origin = r.getString(0);
      List<Object> values = r.getList(1);
      float[] v = new float[values.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = (Float) values.get(i);
      }
      out.put(origin.substring(origin.lastIndexOf('/') + 1), v);
    }
    return out;
  }

  @Test
  void imageFoldersAreReadRecursivelyIntoFloatTensors() throws IOException {
    Path d = tmp.resolve("imgs");
    png(d.resolve("rgb.png"), rgb2x2());
    png(d.resolve("sub/gray.png"), gray2x2());
    Files.writeString(d.resolve("notes.txt"), "not an image");
    Dataset<Row> df = loader().image(ImagePreprocessing.defaults().scale(1))
        .load(d.toString(), null);
    Map<String, float[]> t = images(df);
    assertEquals(2, t.size());
    assertArrayEquals(new float[] {10, 40, 70, 100, 20, 50, 80, 110, 30, 60, 90, 120},
        t.get("rgb.png"));
    assertArrayEquals(new float[] {0, 85, 170, 255, 0, 85, 170, 255, 0, 85, 170, 255},
        t.get("gray.png"));
  }

  @Test
  void imageSizeComesFromTheModelWhenNotGiven() throws IOException {
    Path file = tmp.resolve("one/gray.png");
    png(file, gray2x2());
    // gray, scale 1/255, mean .5, std .5, resized to the model's 1x1: the mean of
    // 0, 85, 170, 255 is 127.5; 127.5 / 255 = .5; (.5 - .5) / .5 = 0
    Dataset<Row> df = loader().sampleShape(new long[] {1, 1, 1})
        .image(ImagePreprocessing.parse("color=gray,mean=0.5,std=0.5")).load(file.toString(), null);
    float[] t = images(df).get("gray.png");
    assertEquals(1, t.length);
    assertEquals(0f, t[0], 1e-6f);
  }

  @Test
  void unreadableImageFailsNamingIt() throws IOException {
    Path bad = tmp.resolve("badimg/broken.png");
    Files.createDirectories(bad.getParent());
    Files.writeString(bad, "this is not a png");
    Dataset<Row> df = loader().load(bad.getParent().toString(), "image");
    QcalException e = TestSpark.qcalCause(assertThrows(Exception.class, df::collectAsList));
    assertTrue(e.getMessage().startsWith("file '"), e.getMessage());
    assertTrue(e.getMessage().endsWith("broken.png' is not a readable image (png, jpeg, bmp, "
        + "gif), or has -1 channels"), e.getMessage());
  }

  @Test
  void nhwcLayoutHoldsThroughSpark() throws IOException {
    Path file = tmp.resolve("nhwc/rgb.png");
    png(file, rgb2x2());
    Dataset<Row> df = loader().image(ImagePreprocessing.defaults().scale(1)
        .layout(ImagePreprocessing.Layout.NHWC)).load(file.toString(), null);
    assertArrayEquals(new float[] {10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120},
        images(df).get("rgb.png"));
  }
}
