package org.gradaudit.jobs.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every task fails on its first attempt (master local[2,4] retries it): the report must not change. */
class FaultInjectionTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2,4]").appName("FaultInjectionTest")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.shuffle.partitions", "4")
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
    void retriedTasksGiveTheIdenticalReport() throws Exception {
        AuditSpec spec = AuditJobTest.resourceSpec("specs/mixed.json");
        AuditReport local = AuditJob.runLocal(spec);
        AtomicInteger failed = new AtomicInteger();
        SparkListener count = new SparkListener() {
            @Override
            public void onTaskEnd(SparkListenerTaskEnd e) {
                if (!e.taskInfo().successful()) {
                    failed.incrementAndGet();
                }
            }
        };
        spark.sparkContext().addSparkListener(count);
        AuditReport faulty = AuditJob.run(spark, spec, new AuditJob.Options(5, 3, 500).withFailFirstAttempt(true));
        spark.sparkContext().listenerBus().waitUntilEmpty();
        spark.sparkContext().removeSparkListener(count);
        assertTrue(failed.get() >= 5, "every unit task failed once: " + failed.get());
        for (int i = 0; i < local.cases().size(); i++) {
            assertEquals(local.cases().get(i), faulty.cases().get(i), local.cases().get(i).name());
        }
        assertEquals(local, faulty);
    }
}
