package org.gradaudit.jobs.nightly;

import static org.gradaudit.jobs.nightly.NightlyTesting.hidden;
import static org.gradaudit.jobs.nightly.NightlyTesting.row;
import static org.gradaudit.jobs.nightly.NightlyTesting.snapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The history table: partition layout, string partition values, all-or-nothing writes, replacement and recovery. */
class HistoryStoreTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = NightlyTesting.session("HistoryStoreTest");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
    }

    private static List<HistoryRow> rows(String date, String id, String status, double err) {
        return List.of(row(date, id, HistoryRow.FIXED, "a", status, err, 5),
                row(date, id, HistoryRow.ROTATING, "a", status, err * 2, 6));
    }

    private static void write(HistoryStore store, List<HistoryRow> rows) {
        store.commit(store.stage(spark, rows, rows.get(0).getRunDate(), rows.get(0).getRunId()));
    }

    @Test
    void partitionValuesReadBackAsStringsWhateverTheyLookLike(@TempDir Path dir) {
        HistoryStore store = new HistoryStore(dir.resolve("h"));
        write(store, rows("2024-01-01", "0123", "PASS", 1e-5));
        write(store, rows("2024-01-02", "2024-01-02", "FAIL", 3.0));
        assertTrue(Files.isDirectory(dir.resolve("h/runDate=2024-01-01/runId=0123")));
        List<HistoryRow> back = store.read(spark).orderBy("runDate", "seedSet").collectAsList();
        assertEquals(4, back.size());
        assertEquals("0123", back.get(0).getRunId(), "no integer inference: the leading zero survives");
        assertEquals("2024-01-01", back.get(0).getRunDate());
        assertEquals(rows("2024-01-01", "0123", "PASS", 1e-5).get(0), back.get(0));
        assertEquals(List.of("2024-01-01/0123", "2024-01-02/2024-01-02"), store.runs());
        assertEquals(List.of(), hidden(store.dir()));
    }

    @Test
    void rewritingARunReplacesItsPartition(@TempDir Path dir) {
        HistoryStore store = new HistoryStore(dir.resolve("h"));
        write(store, rows("2024-01-01", "r1", "PASS", 1e-5));
        write(store, rows("2024-01-01", "r1", "FAIL", 7.0));
        List<HistoryRow> back = store.read(spark).collectAsList();
        assertEquals(2, back.size());
        assertTrue(back.stream().allMatch(r -> r.getStatus().equals("FAIL")), back.toString());
        assertEquals(List.of(), hidden(store.dir()));
    }

    @Test
    void aFailureAfterStagingLeavesThePreviousPartitionIntact(@TempDir Path dir) {
        HistoryStore store = new HistoryStore(dir.resolve("h"));
        write(store, rows("2024-01-01", "r1", "PASS", 1e-5));
        Map<String, byte[]> before = snapshot(store.dir());
        RuntimeException e = assertThrows(RuntimeException.class, () -> store.stage(spark,
                rows("2024-01-01", "r1", "FAIL", 7.0), "2024-01-01", "r1", p -> {
                    if (p.equals("staged")) {
                        throw new IllegalStateException("simulated crash after the Parquet write");
                    }
                }));
        assertEquals("simulated crash after the Parquet write", e.getMessage());
        assertSame(before, snapshot(store.dir()));
        assertTrue(store.read(spark).collectAsList().stream().allMatch(r -> r.getStatus().equals("PASS")));
    }

    @Test
    void aFailureBetweenTheRenamesIsRolledBack(@TempDir Path dir) {
        HistoryStore store = new HistoryStore(dir.resolve("h"));
        write(store, rows("2024-01-01", "r1", "PASS", 1e-5));
        Map<String, byte[]> before = snapshot(store.dir());
        HistoryStore.Staged staged = store.stage(spark, rows("2024-01-01", "r1", "FAIL", 7.0), "2024-01-01", "r1");
        assertThrows(IllegalStateException.class, () -> store.commit(staged, p -> {
            if (p.equals("moved-old")) {
                assertFalse(Files.exists(store.leaf("2024-01-01", "r1")), "the old partition is moved aside here");
                throw new IllegalStateException("simulated failure between the renames");
            }
        }));
        Map<String, byte[]> after = snapshot(store.dir());
        after.remove("runDate=2024-01-01/runId=r1/" + HistoryStore.MARKER);    // the marker stays; Spark ignores it
        assertSame(before, after);
        assertTrue(store.read(spark).collectAsList().stream().allMatch(r -> r.getStatus().equals("PASS")));
    }

    @Test
    void aCrashBetweenTheRenamesIsRecoveredByTheNextRun(@TempDir Path dir) throws IOException {
        HistoryStore store = new HistoryStore(dir.resolve("h"));
        write(store, rows("2024-01-01", "r1", "PASS", 1e-5));
        Path leaf = store.leaf("2024-01-01", "r1");
        Map<String, byte[]> before = snapshot(leaf);
        // what a killed process leaves: the old partition moved aside (with its marker), a staged write never swapped
        Files.writeString(leaf.resolve(HistoryStore.MARKER), "runDate=2024-01-01/runId=r1");
        Files.move(leaf, store.dir().resolve(HistoryStore.REPLACED + "x"));
        HistoryStore.Staged staged = store.stage(spark, rows("2024-01-01", "r1", "FAIL", 7.0), "2024-01-01", "r1");
        assertTrue(Files.isDirectory(staged.staging));
        assertEquals(0, store.read(spark).count(), "the partition is missing until recovery");

        assertEquals(List.of(leaf), store.recover());
        assertEquals(List.of(), hidden(store.dir()));
        Map<String, byte[]> after = snapshot(leaf);
        after.remove(HistoryStore.MARKER);
        assertSame(before, after);
        assertEquals(2, store.read(spark).count());
    }

    @Test
    void reportsThatCannotBeWrittenLeaveTheHistoryUnchanged(@TempDir Path dir) throws IOException {
        HistoryStore store = new HistoryStore(dir.resolve("h"));
        write(store, rows("2024-01-01", "r1", "PASS", 1e-5));
        Map<String, byte[]> before = snapshot(store.dir());
        Path notADir = Files.writeString(dir.resolve("out"), "a file where the reports should go");
        NightlyReport r = new NightlyReport("s", "s.json", "r2", "2024-01-02", "t", 666, null, "local", 1,
                store.dir().toString(), null, null, Comparison.Thresholds.DEFAULTS, 14,
                rows("2024-01-02", "r2", "PASS", 1e-5), List.of(), List.of(),
                new Comparison.Trends(List.of(), Map.of()));
        assertThrows(IllegalStateException.class, () -> NightlyJob.record(spark, r, store.dir(), notADir, false));
        assertSame(before, snapshot(store.dir()));
        assertEquals(List.of("2024-01-01/r1"), store.runs());
    }

    @Test
    void aDirectoryThatIsNotAHistoryIsRefusedByName(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "x");
        NightlyUsageException e = assertThrows(NightlyUsageException.class,
                () -> new HistoryStore(dir).validate("--history"));
        assertTrue(e.getMessage().startsWith("--history: " + dir + " is not a gradaudit nightly history: it holds"
                + " 'notes.txt'"), e.getMessage());
        new HistoryStore(dir.resolve("absent")).validate("--history");      // created on the first write
    }

    private static void assertSame(Map<String, byte[]> a, Map<String, byte[]> b) {
        assertEquals(a.keySet(), b.keySet());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k), b.get(k), k);
        }
    }
}
