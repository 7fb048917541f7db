package org.qcal.jobs.tools;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Turns the Fashion-MNIST slice written by {@code tools/make_test_models.py} ({@code
 * slice_pixels.npy}: float32 [n, 784]; {@code slice_labels.npy}: int64 [n]) into one Parquet file
 * with columns {@code pixels: array<float>} and {@code label: int}, rows in the order of the
 * .npy files. Regeneration only: run by {@code tools/make_test_models.sh}, never by the build.
 *
 * <pre>
 * java [spark.jvm.opens] -cp ... org.qcal.jobs.tools.WriteSliceParquet NPY_DIR [OUTPUT_FILE]
 * </pre>
 *
 * OUTPUT_FILE defaults to {@code jobs/src/test/resources/data/fashion-mnist-slice.parquet}
 * (relative to the working directory, the repository root). Spark writes a folder in the system
 * temporary directory; its single part file is copied to OUTPUT_FILE (staged and renamed), then
 * read back and compared row by row.
 */
public final class WriteSliceParquet {

    static final String DEFAULT_OUTPUT = "jobs/src/test/resources/data/fashion-mnist-slice.parquet";

    private WriteSliceParquet() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: WriteSliceParquet NPY_DIR [OUTPUT_FILE]");
            System.exit(2);
        }
        Path npyDir = Paths.get(args[0]);
        Path output = Paths.get(args.length > 1 ? args[1] : DEFAULT_OUTPUT).toAbsolutePath();
        NpyArray pixels = NpyArray.read(npyDir.resolve("slice_pixels.npy"));
        NpyArray labels = NpyArray.read(npyDir.resolve("slice_labels.npy"));
        pixels.requireType("<f4", 2);
        labels.requireType("<i8", 1);
        int rows = (int) pixels.shape[0];
        int width = (int) pixels.shape[1];
        if (labels.shape[0] != rows) {
            throw new IllegalArgumentException("expected " + rows + " labels, found " + labels.shape[0]);
        }
        float[] values = pixels.floats();
        long[] classes = labels.longs();

        StructType schema = new StructType()
                .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("label", DataTypes.IntegerType, false);
        List<Row> data = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            List<Float> row = new ArrayList<>(width);
            for (int c = 0; c < width; c++) {
                row.add(values[r * width + c]);
            }
            data.add(RowFactory.create(row, Math.toIntExact(classes[r])));
        }

        SparkSession spark = SparkSession.builder()
                .master("local[1]")
                .appName("WriteSliceParquet")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        Path work = Files.createTempDirectory("qcal-slice-parquet-");
        try {
            Path written = work.resolve("out");
            spark.createDataFrame(data, schema)
                    .coalesce(1)
                    .write()
                    .option("compression", "snappy")
                    .parquet(written.toString());
            Path part = singlePartFile(written);
            // Copy beside the target, then rename: the target is never half-written.
            Files.createDirectories(output.getParent());
            Path staged = output.resolveSibling(output.getFileName() + ".tmp");
            Files.copy(part, staged, StandardCopyOption.REPLACE_EXISTING);
            Files.move(staged, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            verify(spark, output, values, classes, width);
        } finally {
            deleteRecursively(work);
            spark.stop();
        }
        System.out.println("wrote " + output + ": " + rows + " rows, " + Files.size(output) + " bytes");
    }

    private static Path singlePartFile(Path folder) throws IOException {
        List<Path> parts = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "part-*.parquet")) {
            files.forEach(parts::add);
        }
        if (parts.size() != 1) {
            throw new IllegalStateException("expected one part file in " + folder + ", found " + parts);
        }
        return parts.get(0);
    }

    /** Reads the written file back: same rows, same order, bit-identical values. */
    private static void verify(SparkSession spark, Path file, float[] values, long[] classes, int width) {
        Dataset<Row> back = spark.read().parquet(file.toString());
        List<Row> rows = back.collectAsList();
        if (rows.size() != classes.length) {
            throw new IllegalStateException("read back " + rows.size() + " rows, expected " + classes.length);
        }
        for (int r = 0; r < rows.size(); r++) {
            Row row = rows.get(r);
            List<Object> pixels = row.getList(row.fieldIndex("pixels"));
            if (row.getInt(row.fieldIndex("label")) != classes[r] || pixels.size() != width) {
                throw new IllegalStateException("row " + r + " differs after the round trip");
            }
            for (int c = 0; c < width; c++) {
                if (Float.floatToRawIntBits((Float) pixels.get(c))
                        != Float.floatToRawIntBits(values[r * width + c])) {
                    throw new IllegalStateException("row " + r + " pixel " + c + " differs after the round trip");
                }
            }
        }
        System.out.println("schema: " + back.schema().simpleString());
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    /**
     * A minimal reader of NumPy's .npy format (versions 1 to 3): little-endian float32 or int64,
     * C order. The header is a Python dict literal such as
     * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2000, 784), }}.
     */
    static final class NpyArray {
        private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

        final String descr;
        final long[] shape;
        private final ByteBuffer data;
        private final Path file;

        private NpyArray(Path file, String descr, long[] shape, ByteBuffer data) {
            this.file = file;
            this.descr = descr;
            this.shape = shape;
            this.data = data;
        }

        static NpyArray read(Path file) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
            for (byte b : MAGIC) {
                if (!buf.hasRemaining() || buf.get() != b) {
                    throw new IllegalArgumentException(file + ": not a .npy file (bad magic)");
                }
            }
            int major = Byte.toUnsignedInt(buf.get());
            buf.get(); // minor version
            long headerLength;
            if (major == 1) {
                headerLength = Short.toUnsignedInt(buf.getShort());
            } else if (major == 2 || major == 3) {
                headerLength = Integer.toUnsignedLong(buf.getInt());
            } else {
                throw new IllegalArgumentException(file + ": unsupported .npy version " + major);
            }
            if (headerLength > buf.remaining()) {
                throw new IllegalArgumentException(file + ": header of " + headerLength + " bytes, file too short");
            }
            byte[] header = new byte[(int) headerLength];
            buf.get(header);
            HeaderParser parser = new HeaderParser(file,
                    new String(header, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1));
            parser.parse();
            if (parser.fortranOrder) {
                throw new IllegalArgumentException(file + ": Fortran order is not supported");
            }
            ByteBuffer body = buf.slice().order(ByteOrder.LITTLE_ENDIAN);
            long count = 1;
            for (long d : parser.shape) {
                count = Math.multiplyExact(count, d);
            }
            long expectedBytes = Math.multiplyExact(count, itemSize(file, parser.descr));
            if (body.remaining() != expectedBytes) {
                throw new IllegalArgumentException(file + ": expected " + expectedBytes + " data bytes for shape "
                        + java.util.Arrays.toString(parser.shape) + ", found " + body.remaining());
            }
            return new NpyArray(file, parser.descr, parser.shape, body);
        }

        private static int itemSize(Path file, String descr) {
            switch (descr) {
                case "<f4":
                    return 4;
                case "<i8":
                    return 8;
                default:
                    throw new IllegalArgumentException(file + ": dtype " + descr + " not supported (expected <f4 or <i8)");
            }
        }

        void requireType(String expectedDescr, int rank) {
            if (!descr.equals(expectedDescr) || shape.length != rank) {
                throw new IllegalArgumentException(file + ": expected dtype " + expectedDescr + " rank " + rank
                        + ", found " + descr + " shape " + java.util.Arrays.toString(shape));
            }
        }

        float[] floats() {
            float[] out = new float[data.remaining() / 4];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }

        long[] longs() {
            long[] out = new long[data.remaining() / 8];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
            return out;
        }
    }

    /** Parses the dict literal of a .npy header: string keys; string, bool and int-tuple values. */
    private static final class HeaderParser {
        private final Path file;
        private final String text;
        private int pos;
        String descr;
        Boolean fortranOrder;
        long[] shape;

        HeaderParser(Path file, String text) {
            this.file = file;
            this.text = text;
        }

        void parse() {
            expect('{');
            while (true) {
                skipSpaces();
                if (peek() == '}') {
                    pos++;
                    break;
                }
                String key = string();
                expect(':');
                switch (key) {
                    case "descr":
                        descr = string();
                        break;
                    case "fortran_order":
                        fortranOrder = bool();
                        break;
                    case "shape":
                        shape = tuple();
                        break;
                    default:
                        throw error("unexpected key '" + key + "'");
                }
                skipSpaces();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != '}') {
                    throw error("expected ',' or '}'");
                }
            }
            if (descr == null || fortranOrder == null || shape == null) {
                throw error("header lacks descr, fortran_order or shape");
            }
        }

        private String string() {
            skipSpaces();
            char quote = peek();
            if (quote != '\'' && quote != '"') {
                throw error("expected a string");
            }
            int end = text.indexOf(quote, pos + 1);
            if (end < 0) {
                throw error("unterminated string");
            }
            String s = text.substring(pos + 1, end);
            pos = end + 1;
            return s;
        }

        private boolean bool() {
            skipSpaces();
            if (text.startsWith("True", pos)) {
                pos += 4;
                return true;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return false;
            }
            throw error("expected True or False");
        }

        private long[] tuple() {
            expect('(');
            List<Long> dims = new ArrayList<>();
            while (true) {
                skipSpaces();
                if (peek() == ')') {
                    pos++;
                    break;
                }
                int start = pos;
                while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    pos++;
                }
                if (start == pos) {
                    throw error("expected a dimension");
                }
                dims.add(Long.parseLong(text.substring(start, pos)));
                skipSpaces();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != ')') {
                    throw error("expected ',' or ')'");
                }
            }
            return dims.stream().mapToLong(Long::longValue).toArray();
        }

        private void expect(char c) {
            skipSpaces();
            if (peek() != c) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private char peek() {
            if (pos >= text.length()) {
                throw error("header ends early");
            }
            return text.charAt(pos);
        }

        private void skipSpaces() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException(file + ": bad .npy header at offset " + pos + ": " + what
                    + " in " + text.strip());
        }
    }
}
