package org.gradaudit.jobs.nightly;

import static org.gradaudit.jobs.nightly.NightlyTesting.hidden;
import static org.gradaudit.jobs.nightly.NightlyTesting.snapshot;
import static org.gradaudit.jobs.nightly.NightlyTesting.suite;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Simulated nights on a tiny suite (two catalogue ops and a user case, each also with the rotating
 * seed): night 1 is clean, night 2 swaps the user case's definition for the broken
 * {@code BrokenNegCase}. Nights 1 and 2 are recorded once for the class; each test adds its own.
 */
class NightlyJobTest {
    private static SparkSession spark;
    @TempDir
    static Path dir;
    private static Path history;
    private static NightlyReport night1;
    private static NightlyReport night2;
    private static NightlySpec night2Spec;
    private static Path night2Out;

    @BeforeAll
    static void twoNights() {
        spark = NightlyTesting.session("NightlyJobTest");
        history = dir.resolve("history");
        NightlySpec s1 = NightlyTesting.spec(dir, suite(false), "2024-03-01", history);
        night1 = NightlyJob.run(spark, s1);
        NightlyJob.record(spark, night1, history, dir.resolve("out1"), false);
        night2Spec = NightlyTesting.spec(dir, suite(true), "2024-03-02", history);
        night2 = NightlyJob.run(spark, night2Spec);
        night2Out = dir.resolve("out2");
        NightlyJob.record(spark, night2, history, night2Out, false);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
    }

    @Test
    void firstNightIsCleanWithNothingToCompare() {
        assertEquals(NightlyReport.EXIT_CLEAN, night1.exitCode());
        assertNull(night1.previousRun());
        assertTrue(night1.vsPrevious().isEmpty());
        assertEquals(6, night1.rows().size(), "3 cases x (fixed, rotating)");
        assertEquals(3, night1.rows().stream().filter(r -> r.getSeedSet().equals(HistoryRow.ROTATING)).count());
        assertEquals(NightlySuite.rotatingSeed(666, java.time.LocalDate.parse("2024-03-01")),
                night1.rotatingSeed().longValue());
        assertNotEquals(night1.rotatingSeed(), night2.rotatingSeed(), "the rotating seed changes with the date");
        for (HistoryRow r : night1.rows()) {
            assertEquals(r.getSeedSet().equals(HistoryRow.FIXED) ? 666 : night1.rotatingSeed(), r.getSeed(), r.toString());
        }
    }

    @Test
    void injectedBrokenOpIsANamedRegressionWithExitCodeThree() throws IOException {
        assertEquals(NightlyReport.EXIT_REGRESSION, night2.exitCode());
        assertEquals("2024-03-01", night2.previousRun().runId());
        List<Change> regressions = night2.regressions();
        assertEquals(List.of("user_neg_mul", "user_neg_mul (rotating seed)"),
                regressions.stream().map(Change::key).sorted().toList(), regressions.toString());
        for (Change c : regressions) {
            assertEquals(Change.Kind.NEWLY_FAILING, c.kind());
            assertEquals("PASS", c.refStatus());
            assertEquals("FAIL", c.curStatus());
            assertTrue(c.definitionChanged());
        }
        // the catalogue cases ran on the same fixed-seed points: nothing else changed
        assertEquals(2, night2.vsPrevious().size(), night2.vsPrevious().toString());
        HistoryRow broken = night2.rows().stream()
                .filter(r -> r.key().equals("user_neg_mul")).findFirst().orElseThrow();
        assertEquals("x", broken.getWorstInput());
        assertTrue(broken.getMessage().contains("input 'x'"), broken.getMessage());

        String md = Files.readString(night2Out.resolve(NightlyWriters.MARKDOWN_FILE));
        assertTrue(md.contains("**REGRESSION**"), md);
        assertTrue(md.contains("- newly failing vs previous (2024-03-01): `user_neg_mul` PASS -> FAIL"), md);
        String junit = Files.readString(night2Out.resolve(NightlyWriters.JUNIT_FILE));
        assertTrue(junit.contains("name=\"user_neg_mul\" time=") && junit.contains("<failure type=\"Regression\""), junit);
        JsonNode json = JsonMapper.builder().build().readTree(night2Out.resolve(NightlyWriters.JSON_FILE).toFile());
        assertEquals(3, json.get("exitCode").asInt());
        assertEquals("regression", json.get("verdict").asText());
        assertEquals("NEWLY_FAILING", json.get("vsPrevious").get(0).get("kind").asText());
        assertEquals("user_neg_mul", json.get("vsPrevious").get(0).get("caseName").asText());
        assertEquals(2, json.get("runs").size());
        String html = Files.readString(night2Out.resolve(NightlyWriters.HTML_FILE));
        assertTrue(html.contains("<td class=\"regression\">newly failing</td><td><code>user_neg_mul</code>"), html);
    }

    @Test
    void historyHoldsOnePartitionPerNightAndRoundTrips() {
        HistoryStore store = new HistoryStore(history);
        assertTrue(store.runs().containsAll(List.of("2024-03-01/2024-03-01", "2024-03-02/2024-03-02")), store.runs().toString());
        // night 1 is never rewritten by another test: every field, timings included, reads back
        List<HistoryRow> back = store.read(spark)
                .filter(org.apache.spark.sql.functions.col("runId").equalTo("2024-03-01")).collectAsList();
        Map<String, HistoryRow> byKey = back.stream().collect(Collectors.toMap(HistoryRow::key, r -> r));
        assertEquals(night1.rows().size(), back.size());
        for (HistoryRow r : night1.rows()) {
            assertEquals(r, byKey.get(r.key()), "Parquet round trip of " + r.key());
        }
    }

    @Test
    void rerunningTheSameNightIsIdempotent() {
        HistoryStore store = new HistoryStore(history);
        Path night1Leaf = store.leaf("2024-03-01", "2024-03-01");
        Map<String, byte[]> night1Files = snapshot(night1Leaf);
        List<HistoryRow> before = sorted(store.read(spark).collectAsList());
        List<String> runsBefore = store.runs();

        NightlyReport rerun = NightlyJob.run(spark, night2Spec);
        NightlyJob.record(spark, rerun, history, dir.resolve("out2-rerun"), false);

        List<HistoryRow> after = sorted(store.read(spark).collectAsList());
        assertEquals(before.size(), after.size(), "a rerun replaces its partition, it does not add rows");
        for (int i = 0; i < before.size(); i++) {
            assertTrue(before.get(i).sameResult(after.get(i)), before.get(i) + " vs " + after.get(i));
        }
        assertEquals(runsBefore, store.runs());
        Map<String, byte[]> night1After = snapshot(night1Leaf);
        assertEquals(night1Files.keySet(), night1After.keySet());
        for (String f : night1Files.keySet()) {
            assertArrayEquals(night1Files.get(f), night1After.get(f), "the other night's file " + f + " is untouched");
        }
        assertEquals(1, snapshot(store.leaf("2024-03-02", "2024-03-02")).keySet().stream()
                .filter(f -> f.endsWith(".parquet")).count(), "one data file in the rerun's partition");
        assertEquals(List.of(), hidden(history));
        assertEquals(night2.exitCode(), rerun.exitCode());
        assertEquals(keys(night2.vsPrevious()), keys(rerun.vsPrevious()), "compared with the same previous run");
        assertEquals(night2.previousRun(), rerun.previousRun());
    }

    @Test
    void aNewCaseIsReportedAsAddedNotAsAFailure() {
        String added = "{\"name\": \"user_added\", \"expression\": \"sum(sqr(x))\", \"inputs\": {\"x\": {\"shape\": [3]}}}";
        NightlyReport night3 = NightlyJob.run(spark, NightlyTesting.spec(dir, suite(false, added), "2024-03-03", history));
        assertEquals("2024-03-02", night3.previousRun().runId());
        assertEquals(List.of(), night3.regressions());
        assertEquals(NightlyReport.EXIT_CLEAN, night3.exitCode(), night3.vsPrevious().toString());
        List<String> addedKeys = night3.vsPrevious().stream().filter(c -> c.kind() == Change.Kind.ADDED)
                .map(Change::key).sorted().toList();
        assertEquals(List.of("user_added", "user_added (rotating seed)"), addedKeys);
        List<String> fixed = night3.vsPrevious().stream().filter(c -> c.kind() == Change.Kind.NEWLY_PASSING)
                .map(Change::key).sorted().toList();
        assertEquals(List.of("user_neg_mul", "user_neg_mul (rotating seed)"), fixed);
        assertFalse(night3.vsPrevious().stream().anyMatch(c -> c.kind() == Change.Kind.MISSING));
        assertEquals("ADDED", night3.vsPrevious().stream().filter(c -> c.key().equals("user_added")).findFirst()
                .orElseThrow().kind().name());
        // trend: the added case has no point in the earlier runs
        Comparison.TrendPoint[] pts = night3.trends().points().get("user_added");
        assertEquals(3, pts.length);
        assertNull(pts[0]);
        assertNull(pts[1]);
        assertEquals("PASS", pts[2].status());
        assertTrue(NightlyWriters.toJUnit(night3).contains("failures=\"0\" errors=\"0\""));
    }

    private static List<HistoryRow> sorted(List<HistoryRow> rows) {
        return rows.stream().sorted(Comparator.comparing(HistoryRow::getRunId).thenComparing(HistoryRow::key)).toList();
    }

    private static List<String> keys(List<Change> changes) {
        return changes.stream().map(c -> c.kind() + " " + c.key()).sorted().toList();
    }
}
