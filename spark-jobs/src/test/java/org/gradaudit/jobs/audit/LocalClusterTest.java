package org.gradaudit.jobs.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The audit with executors in two separate JVMs (master {@code local-cluster[2,1,1024]}), the only
 * in-JVM setup where the broadcast checks, the units and the results really go through Java
 * serialization. Needs env SPARK_HOME (set by the pom) with a jars/ folder, created here.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)   // a bad executor classpath hangs instead of failing
class LocalClusterTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() throws IOException {
        String home = System.getenv("SPARK_HOME");
        assertNotNull(home, "SPARK_HOME must be set (the pom sets it for surefire)");
        Files.createDirectories(Paths.get(home, "jars"));
        spark = SparkSession.builder()
                .master("local-cluster[2,1,1024]")
                .appName("LocalClusterTest")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.executor.extraClassPath", System.getProperty("java.class.path"))
                // Kryo for data and broadcasts: the stricter setting (closures stay on Java serialization).
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
    void reportFromSeparateExecutorJvmsEqualsTheLocalOne() throws IOException {
        AuditSpec spec = AuditJobTest.resourceSpec("specs/mixed.json");
        AuditReport local = AuditJob.runLocal(spec);
        AuditReport remote = AuditJob.run(spark, spec, new AuditJob.Options(4, 3, 500));
        assertTrue(remote.engine().startsWith("spark local-cluster"), remote.engine());
        assertTrue(remote.units() > 20, "units: " + remote.units());
        for (int i = 0; i < local.cases().size(); i++) {
            assertEquals(local.cases().get(i), remote.cases().get(i), local.cases().get(i).name());
        }
        assertEquals(local, remote);
        assertEquals(CaseReport.Status.FAIL, remote.get("broken_neg").status());
        assertEquals("x", remote.get("broken_neg").worst().input());
        assertEquals("test 0: IllegalStateException: Limited: input element >= 10",
                remote.get("exploding_on_executor").message());
    }
}
