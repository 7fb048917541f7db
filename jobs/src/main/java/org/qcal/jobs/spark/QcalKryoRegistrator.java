package org.qcal.jobs.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.util.function.Function;
import org.apache.spark.serializer.KryoRegistrator;
import org.qcal.jobs.data.BadRow;
import org.qcal.stats.Histogram;
import org.qcal.stats.HistogramGrid;
import org.qcal.stats.TensorStats;

/**
 * Registers what qcal's tasks return, so that {@code spark.kryo.registrationRequired=true} holds.
 * Statistics, histograms, bad-row records and the passes' partials travel in their documented
 * byte layouts ({@code toByteArray} / {@code fromByteArray}), the same bytes as everywhere else,
 * which also validates them on read.
 */
public final class QcalKryoRegistrator implements KryoRegistrator {

  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(TensorStats.class,
        new LayoutSerializer<>(TensorStats::toByteArray, TensorStats::fromByteArray));
    kryo.register(Histogram.class,
        new LayoutSerializer<>(Histogram::toByteArray, Histogram::fromByteArray));
    kryo.register(HistogramGrid.class);
    kryo.register(BadRow.class, new LayoutSerializer<>(BadRow::toByteArray, BadRow::fromByteArray));
    kryo.register(TensorStats[].class);
    kryo.register(Histogram[].class);
    kryo.register(HistogramGrid[].class);
    kryo.register(PassPartial.class,
        new LayoutSerializer<>(PassPartial::toByteArray, PassPartial::fromByteArray));
    kryo.register(PassPartial[].class);
    kryo.register(ValidationPartial.class, new LayoutSerializer<>(ValidationPartial::toByteArray,
        ValidationPartial::fromByteArray));
    kryo.register(ValidationPartial[].class);
    kryo.register(long[].class);
    kryo.register(long[][].class); // TapProbe's result
    kryo.register(float[].class);
    kryo.register(double[].class);
    kryo.register(byte[].class);
    for (String name : SPARK_CLASSES) {
      kryo.register(sparkClass(name));
    }
  }

  /**
   * Spark classes that Spark SQL's own tasks ship through the configured serializer (schemas of
   * file scans, for one) and that Spark itself does not register: without them, registration
   * required would fail Spark's jobs, not qcal's.
   */
  private static final String[] SPARK_CLASSES = {
    "org.apache.spark.sql.types.StructType",
    "org.apache.spark.sql.types.StructField",
    "[Lorg.apache.spark.sql.types.StructField;",
    "org.apache.spark.sql.types.ArrayType",
    "org.apache.spark.sql.types.MapType",
    "org.apache.spark.sql.types.Metadata",
    "org.apache.spark.sql.types.FloatType$",
    "org.apache.spark.sql.types.DoubleType$",
    "org.apache.spark.sql.types.IntegerType$",
    "org.apache.spark.sql.types.LongType$",
    "org.apache.spark.sql.types.ShortType$",
    "org.apache.spark.sql.types.ByteType$",
    "org.apache.spark.sql.types.BooleanType$",
    "org.apache.spark.sql.types.BinaryType$",
    "org.apache.spark.sql.types.StringType",
    "org.apache.spark.sql.types.StringType$",
    "org.apache.spark.sql.types.TimestampType$",
    "org.apache.spark.sql.types.DateType$",
    "org.apache.spark.sql.types.DecimalType",
    "org.apache.spark.sql.types.NullType$",
    "org.apache.spark.ml.linalg.VectorUDT",
  };

  private static Class<?> sparkClass(String name) {
    try {
      return Class.forName(name, false, QcalKryoRegistrator.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("Spark class " + name + " is missing: a Spark version qcal"
          + " was not built for?", e);
    }
  }

  /** A Kryo serializer over a class's own byte layout. */
  private static final class LayoutSerializer<T> extends Serializer<T> {
    private final Function<T, byte[]> write;
    private final Function<byte[], T> read;

    LayoutSerializer(Function<T, byte[]> write, Function<byte[], T> read) {
      this.write = write;
      this.read = read;
    }

    @Override
    public void write(Kryo kryo, Output output, T value) {
      byte[] bytes = write.apply(value);
      output.writeInt(bytes.length, true);
      output.writeBytes(bytes);
    }

    @Override
    public T read(Kryo kryo, Input input, Class<T> type) {
      int length = input.readInt(true);
      return read.apply(input.readBytes(length));
    }
  }
}
