package org.gradaudit.jobs.jacobian;

import static org.gradaudit.jobs.jacobian.Fixtures.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.io.Npy;
import org.gradaudit.jobs.jacobian.JacobianJob.Format;
import org.gradaudit.jobs.jacobian.JacobianJob.Mode;
import org.gradaudit.jobs.jacobian.JacobianJob.Options;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Jacobian job with executors in two separate JVMs (master {@code local-cluster[2,1,1024]},
 * Kryo for data): the broadcast programs, the block functions and their results really go through
 * serialization, and the executors write the output files themselves.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)   // a bad executor classpath hangs instead of failing
class JacobianLocalClusterTest {
    private static SparkSession spark;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws IOException {
        String home = System.getenv("SPARK_HOME");
        assertNotNull(home, "SPARK_HOME must be set (the pom sets it for surefire)");
        Files.createDirectories(Paths.get(home, "jars"));
        spark = SparkSession.builder()
                .master("local-cluster[2,1,1024]")
                .appName("JacobianLocalClusterTest")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
    }

    @Test
    void blocksFromSeparateExecutorJvmsEqualCoresJacobianInBothModes() {
        assertTrue(spark.sparkContext().master().startsWith("local-cluster"));
        for (JacobianSpec spec : Fixtures.functions()) {
            NDArray expected = Fixtures.reference(spec);
            JacobianJob.Prepared p = JacobianJob.prepare(spec);
            for (Mode mode : new Mode[] {Mode.ROWS, Mode.COLUMNS}) {
                NDArray j = JacobianJob.collect(spark, p, Options.DEFAULTS.withMode(mode).withBlock(2).withParallelism(3));
                assertClose(expected, j, spec.name() + " " + mode + " on local-cluster");
            }
        }
    }

    /**
     * Executors write the .npy shards themselves, and verify. (Parquet from separate executor JVMs is
     * left to JacobianJobTest on local[2]: Spark SQL's cold code generation in a fresh executor JVM
     * costs ~20 s on a 2-core machine.)
     */
    @Test
    void executorsWriteNpyShardsAndVerify() throws IOException {
        JacobianSpec spec = Fixtures.functions().get(1).withVerifySamples(3);        // 40 x 4
        JacobianJob.Prepared p = JacobianJob.prepare(spec);
        NDArray expected = Fixtures.reference(spec);
        for (Mode mode : new Mode[] {Mode.ROWS, Mode.COLUMNS}) {
            Path npy = tmp.resolve("npy-" + mode);
            JacobianReport r = JacobianJob.run(spark, p, Options.DEFAULTS.withMode(mode).withBlock(mode == Mode.ROWS
                    ? 16 : 1).withFormat(Format.NPY).withParallelism(3), npy);
            JsonNode man = new JsonMapper().readTree(npy.resolve(JacobianJob.MANIFEST).toFile());
            assertEquals(mode == Mode.ROWS ? 3 : 4, man.get("blocks").size());
            double[] d = new double[40 * 4];
            for (JsonNode b : man.get("blocks")) {
                Path f = npy.resolve(b.get("file").asText());
                assertEquals(b.get("sha256").asText(), JacobianJob.sha256(Files.readAllBytes(f)));
                NDArray shard = Npy.read(f);
                int r0 = b.get("rows").get(0).asInt();
                int c0 = b.get("cols").get(0).asInt();
                for (int i = 0; i < shard.shape(0); i++) {
                    for (int c = 0; c < shard.shape(1); c++) {
                        d[(r0 + i) * 4 + c0 + c] = shard.get(i, c);
                    }
                }
            }
            assertClose(expected, NDArray.wrap(expected.dtype(), new int[] {40, 4}, d), mode + ": shards from executors");
            assertTrue(r.verification().passed(), r.verification().toString());
            assertEquals(mode == Mode.ROWS ? "rows" : "columns", r.verification().lines());
        }
    }
}
