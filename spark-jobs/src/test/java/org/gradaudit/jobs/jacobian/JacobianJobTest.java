package org.gradaudit.jobs.jacobian;

import static org.gradaudit.jobs.jacobian.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.io.Npy;
import org.gradaudit.jobs.jacobian.JacobianJob.Format;
import org.gradaudit.jobs.jacobian.JacobianJob.Mode;
import org.gradaudit.jobs.jacobian.JacobianJob.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Jacobian job on a local[2] session shared by the class. */
class JacobianJobTest {
    private static final JsonMapper JSON = new JsonMapper();
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("JacobianJobTest")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
    }

    private static Options opts(Mode mode, Integer block, Integer parallelism) {
        return Options.DEFAULTS.withMode(mode).withBlock(block).withParallelism(parallelism);
    }

    @Test
    void jacobianEqualsCoreForEveryFunctionModeBlockSizeAndPartitioning() {
        for (JacobianSpec spec : Fixtures.functions()) {
            NDArray expected = Fixtures.reference(spec);
            JacobianJob.Prepared p = JacobianJob.prepare(spec);
            for (Mode mode : new Mode[] {Mode.ROWS, Mode.COLUMNS, Mode.AUTO}) {
                for (int[] bp : new int[][] {{1, 1}, {3, 2}, {7, 5}, {64, 3}}) {
                    NDArray j = JacobianJob.collect(spark, p, opts(mode, bp[0], bp[1]));
                    assertClose(expected, j, spec.name() + " " + mode + " block " + bp[0] + " partitions " + bp[1]);
                }
            }
            assertClose(expected, JacobianJob.collect(spark, p, Options.DEFAULTS), spec.name() + " defaults");
        }
    }

    @Test
    void collectRefusesMoreThanMaxDriverBytes() {
        JacobianJob.Prepared p = JacobianJob.prepare(Fixtures.functions().get(1));     // 40 x 4
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JacobianJob.collect(spark, p, Options.DEFAULTS.withMaxDriverBytes(1000)));
        assertEquals("J is 40 x 4 (1280 bytes), more than spark.gradaudit.jacobian.maxDriverBytes = 1000; write it"
                + " with --out instead", e.getMessage());
    }

    /** Reads a dense Parquet output back into an (m, n) array, checking the schema and that every line is there once. */
    private static NDArray readParquet(Path dir, Mode mode, int m, int n) {
        Dataset<Row> df = spark.read().parquet(dir.resolve(JacobianJob.PARQUET_DIR).toString());
        String key = mode == Mode.ROWS ? "row" : "col";
        assertArrayEquals(new String[] {key, "values"}, df.schema().fieldNames());
        List<Row> rows = df.collectAsList();
        assertEquals(mode == Mode.ROWS ? m : n, rows.size());
        double[] d = new double[m * n];
        boolean[] seen = new boolean[rows.size()];
        for (Row r : rows) {
            int k = (int) r.getLong(0);
            assertFalse(seen[k], "line " + k + " twice");
            seen[k] = true;
            List<Double> v = r.getList(1);
            assertEquals(mode == Mode.ROWS ? n : m, v.size());
            for (int i = 0; i < v.size(); i++) {
                if (mode == Mode.ROWS) {
                    d[k * n + i] = v.get(i);
                } else {
                    d[i * n + k] = v.get(i);
                }
            }
        }
        return NDArray.wrap(DType.FLOAT64, new int[] {m, n}, d);
    }

    @Test
    void parquetRowsAndColumnsRoundTripWithASummary() throws IOException {
        JacobianSpec spec = Fixtures.functions().get(0);                 // 9 x 9
        JacobianJob.Prepared p = JacobianJob.prepare(spec);
        NDArray collected = JacobianJob.collect(spark, p, opts(Mode.ROWS, 4, 2));
        for (Mode mode : new Mode[] {Mode.ROWS, Mode.COLUMNS}) {
            Path out = tmp.resolve("pq-" + mode);
            JacobianReport r = JacobianJob.run(spark, p, opts(mode, 4, 2), out);
            assertEquals(mode, r.mode());
            assertEquals(3, r.blocks());
            assertEquals("parquet", r.format());
            assertEquals(0, r.exitCode());
            NDArray back = readParquet(out, mode, 9, 9);
            assertArrayEquals(collected.unsafeData(), back.unsafeData(), mode + ": Parquet values are the job's, exactly");
            JsonNode s = JSON.readTree(out.resolve(JacobianJob.SUMMARY).toFile());
            assertEquals("[9,9]", s.get("shape").toString());
            assertEquals(mode == Mode.ROWS ? "rows" : "columns", s.get("mode").asText());
            assertEquals(4, s.get("block").asInt());
            assertEquals(3, s.get("blocks").asInt());
            assertTrue(s.get("bytesWritten").asLong() > 0);
            assertEquals(r.bytesWritten(), s.get("bytesWritten").asLong());
            assertTrue(s.has(mode == Mode.ROWS ? "rowsPerSecond" : "columnsPerSecond"), s.toString());
            assertTrue(s.get("verification").isNull());
            assertNoTemporaries(out);
        }
    }

    private static void assertNoTemporaries(Path out) throws IOException {
        try (Stream<Path> s = Files.list(out.toAbsolutePath().getParent())) {
            List<String> left = s.map(q -> q.getFileName().toString())
                    .filter(f -> f.startsWith("." + out.getFileName() + ".")).toList();
            assertEquals(List.of(), left, "temporary directories left next to " + out);
        }
    }

    @Test
    void npyShardsAndManifestReassembleTheMatrixAndChecksumsMatch() throws IOException {
        for (JacobianSpec spec : List.of(Fixtures.functions().get(1), Fixtures.functions().get(3))) {
            JacobianJob.Prepared p = JacobianJob.prepare(spec);
            NDArray expected = Fixtures.reference(spec);
            for (Mode mode : new Mode[] {Mode.ROWS, Mode.COLUMNS}) {
                Path out = tmp.resolve("npy-" + spec.name() + "-" + mode);
                JacobianReport r = JacobianJob.run(spark, p, opts(mode, 3, 2).withFormat(Format.NPY), out);
                JsonNode man = JSON.readTree(out.resolve(JacobianJob.MANIFEST).toFile());
                assertEquals("gradaudit-jacobian-npy/1", man.get("format").asText());
                assertEquals("[" + p.m() + "," + p.n() + "]", man.get("shape").toString());
                assertEquals("float64", man.get("dtype").asText());
                assertEquals(mode == Mode.ROWS ? "rows" : "columns", man.get("mode").asText());
                assertEquals(r.blocks(), man.get("blocks").size());
                double[] d = new double[p.m() * p.n()];
                long bytes = 0;
                for (JsonNode b : man.get("blocks")) {
                    Path f = out.resolve(b.get("file").asText());
                    byte[] content = Files.readAllBytes(f);
                    assertEquals(b.get("sha256").asText(), JacobianJob.sha256(content), f + ": checksum");
                    bytes += content.length;
                    NDArray shard = Npy.read(f);
                    int r0 = b.get("rows").get(0).asInt();
                    int r1 = b.get("rows").get(1).asInt();
                    int c0 = b.get("cols").get(0).asInt();
                    int c1 = b.get("cols").get(1).asInt();
                    assertArrayEquals(new int[] {r1 - r0, c1 - c0}, shard.shape());
                    for (int i = r0; i < r1; i++) {
                        for (int c = c0; c < c1; c++) {
                            d[i * p.n() + c] = shard.get(i - r0, c - c0);
                        }
                    }
                }
                try (Stream<Path> files = Files.list(out.resolve(JacobianJob.BLOCKS_DIR))) {
                    assertEquals(r.blocks(), files.count(), "one shard per block, no temporaries");
                }
                assertClose(expected, NDArray.wrap(DType.FLOAT64, new int[] {p.m(), p.n()}, d),
                        spec.name() + " " + mode + " from .npy");
                assertTrue(r.bytesWritten() > bytes, "bytes written include the shards and the manifest");
                assertFalse(Files.exists(out.resolve(JacobianJob.PARQUET_DIR)));
            }
        }
    }

    @Test
    void sparseOutputDropsExactZerosOnly() {
        // J of x**2 * c is diagonal with 2 x c; x[1] = 0 makes one diagonal element an exact zero too
        JacobianSpec spec = JacobianSpec.parse("{\"name\": \"diag\", \"function\": {\"expression\": \"sqr(x) * c\","
                + " \"inputs\": {\"x\": {\"generator\": {\"kind\": \"npy\", \"file\": \"x.npy\"}}, \"c\": {\"shape\":"
                + " [6]}}}, \"wrt\": \"x\"}", "diag.json", writeNpy(NDArray.of(0.5, 0.0, -1.5, 2.0, 3.0, -0.25)));
        JacobianJob.Prepared p = JacobianJob.prepare(spec);
        NDArray dense = JacobianJob.collect(spark, p, Options.DEFAULTS);
        for (Mode mode : new Mode[] {Mode.ROWS, Mode.COLUMNS}) {
            Path out = tmp.resolve("sparse-" + mode);
            JacobianReport r = JacobianJob.run(spark, p, opts(mode, 4, 2).withSparse(true), out);
            assertEquals(5L, r.nonZeros());
            List<Row> rows = spark.read().parquet(out.resolve(JacobianJob.PARQUET_DIR).toString()).collectAsList();
            assertEquals(5, rows.size());
            double[] d = new double[36];
            for (Row row : rows) {
                long i = row.getLong(row.fieldIndex("row"));
                long c = row.getLong(row.fieldIndex("col"));
                double v = row.getDouble(row.fieldIndex("value"));
                assertEquals(i, c, "off-diagonal entry");
                assertTrue(v != 0);
                d[(int) (i * 6 + c)] = v;
            }
            for (int i = 0; i < d.length; i++) {
                assertTrue(dense.getFlat(i) == d[i], mode + ": element " + i + " is " + dense.getFlat(i)
                        + " in J and " + d[i] + " in the sparse table");   // == : J's dropped zeros may be -0.0
            }
        }
    }

    private Path writeNpy(NDArray a) {
        Npy.write(a, tmp.resolve("x.npy"));
        return tmp;
    }

    @Test
    void verificationPassesForCorrectRulesAndNamesTheElementOfABrokenOne() {
        JacobianSpec good = Fixtures.functions().get(0).withVerifySamples(3);
        for (Mode mode : new Mode[] {Mode.ROWS, Mode.COLUMNS}) {
            JacobianReport r = JacobianJob.run(spark, JacobianJob.prepare(good), opts(mode, 4, 2), null);
            Verification v = r.verification();
            assertNotNull(v);
            assertTrue(v.passed(), v.toString());
            assertEquals(3, v.sampled().length);
            assertEquals(27, v.elements());
            assertTrue(v.scaled() < 1e-2, v.toString());
            assertEquals(0, r.exitCode());
            assertEquals("none", r.format());
            assertEquals(0, r.bytesWritten());
        }
        // BrokenNeg claims d(-x)/dx = +1: every diagonal element of J is the negation of the true one
        JacobianSpec broken = JacobianSpec.parse("{\"name\": \"broken\", \"function\": {\"builder\":"
                + " \"org.gradaudit.jobs.examples.BrokenNegCase\", \"inputs\": {\"x\": {\"shape\": [5]}, \"w\":"
                + " {\"shape\": [5], \"generator\": {\"kind\": \"uniform\", \"low\": 1, \"high\": 2}}}}, \"wrt\": \"x\","
                + " \"verify\": {\"samples\": 2}}", "broken.json", null);
        for (Mode mode : new Mode[] {Mode.ROWS, Mode.COLUMNS}) {
            JacobianReport r = JacobianJob.run(spark, JacobianJob.prepare(broken), opts(mode, 2, 2),
                    tmp.resolve("broken-" + mode));
            Verification v = r.verification();
            assertFalse(v.passed());
            assertEquals(1, r.exitCode());
            assertEquals(v.row(), v.col(), "the wrong elements are on the diagonal");
            assertEquals(mode == Mode.ROWS ? v.row() : v.col(), v.sampled()[0] == v.row() ? v.row() : v.sampled()[1]);
            assertEquals(-v.analytic(), v.numeric(), 1e-6);
            assertTrue(v.message().startsWith("J[" + v.row() + ", " + v.col() + "]: analytic "), v.message());
            assertTrue(Files.exists(tmp.resolve("broken-" + mode).resolve(JacobianJob.SUMMARY)),
                    "the output is written; summary.json says the verification failed");
        }
    }

    @Test
    void aFailedRunLeavesNoOutputAndKeepsAPreviousOne() throws IOException {
        // the injected task failures are expected: keep Spark's and Hadoop's error lines out of the test output
        Level spark0 = LogManager.getLogger("org.apache.spark").getLevel();
        Level hadoop0 = LogManager.getLogger("org.apache.hadoop").getLevel();
        Configurator.setLevel("org.apache.spark", Level.OFF);
        Configurator.setLevel("org.apache.hadoop", Level.OFF);
        try {
            failedRuns();
            // cancelled tasks finish (and log) after the job has failed: wait for them before restoring the levels
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline && java.util.Arrays.stream(spark.sparkContext().statusTracker()
                    .getExecutorInfos()).anyMatch(x -> x.numRunningTasks() > 0)) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            Configurator.setLevel("org.apache.spark", spark0);
            Configurator.setLevel("org.apache.hadoop", hadoop0);
        }
    }

    private void failedRuns() throws IOException {
        JacobianSpec spec = JacobianSpec.parse("{\"name\": \"fails\", \"function\": {\"builder\":"
                + " \"org.gradaudit.jobs.jacobian.FailsOnExecutor\", \"inputs\": {\"x\": {\"shape\": [12]}}}, \"wrt\":"
                + " \"x\"}", "fails.json", null);
        JacobianJob.Prepared p = JacobianJob.prepare(spec);             // the driver evaluates outside any task
        for (Format format : Format.values()) {
            Path out = tmp.resolve("failed-" + format);
            Exception e = assertThrows(Exception.class,     // a SparkException (checked, thrown through Scala)
                    () -> JacobianJob.run(spark, p, opts(Mode.ROWS, 2, 3).withFormat(format), out));
            assertTrue(String.valueOf(rootMessage(e)).contains("Failing: injected failure in partition"), rootMessage(e));
            assertFalse(Files.exists(out), format + ": nothing at " + out);
            assertNoTemporaries(out);
        }
        // a previous output survives a failed --overwrite
        Path out = tmp.resolve("kept");
        JacobianJob.run(spark, JacobianJob.prepare(Fixtures.functions().get(2)), opts(Mode.ROWS, 1, 1), out);
        String before = Files.readString(out.resolve(JacobianJob.SUMMARY));
        assertThrows(Exception.class,
                () -> JacobianJob.run(spark, p, opts(Mode.ROWS, 2, 3).withOverwrite(true), out));
        assertEquals(before, Files.readString(out.resolve(JacobianJob.SUMMARY)));
        assertNoTemporaries(out);
    }

    private static String rootMessage(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            b.append(t.getMessage()).append(" | ");
        }
        return b.toString();
    }

    @Test
    void anExistingOutputIsReplacedOnlyWithOverwriteAndOnlyIfItIsAJacobianOutput() throws IOException {
        JacobianJob.Prepared p = JacobianJob.prepare(Fixtures.functions().get(4));
        Path out = tmp.resolve("again");
        JacobianJob.run(spark, p, opts(Mode.ROWS, 2, 2), out);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> JacobianJob.run(spark, p, opts(Mode.COLUMNS, 2, 2), out));
        assertEquals("--out " + out + " exists and is not empty; use --overwrite to replace a previous Jacobian output",
                e.getMessage());
        JacobianReport r = JacobianJob.run(spark, p, opts(Mode.COLUMNS, 2, 2).withOverwrite(true), out);
        assertEquals(Mode.COLUMNS, r.mode());
        assertEquals("columns", JSON.readTree(out.resolve(JacobianJob.SUMMARY).toFile()).get("mode").asText());
        Path other = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(other.resolve("notes.txt"), "keep");
        e = assertThrows(IllegalStateException.class,
                () -> JacobianJob.run(spark, p, opts(Mode.ROWS, 2, 2).withOverwrite(true), other));
        assertEquals("--out " + other + " is not empty and holds no summary.json (not a Jacobian output); refusing to"
                + " replace it even with --overwrite", e.getMessage());
        assertEquals("keep", Files.readString(other.resolve("notes.txt")));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        JacobianJob.run(spark, p, opts(Mode.ROWS, 2, 2), empty);
        assertTrue(Files.exists(empty.resolve(JacobianJob.SUMMARY)));
        assertNull(JacobianJob.run(spark, p, opts(Mode.ROWS, 2, 2), null).output());
    }
}
