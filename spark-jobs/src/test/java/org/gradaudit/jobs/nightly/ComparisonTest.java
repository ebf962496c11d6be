package org.gradaudit.jobs.nightly;

import static org.gradaudit.jobs.nightly.NightlyTesting.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The SQL comparisons on crafted rows: every change kind, the threshold boundaries, the previous run, trends. */
class ComparisonTest {
    private static final String F = HistoryRow.FIXED;
    private static final String R = HistoryRow.ROTATING;
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = NightlyTesting.session("ComparisonTest");
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
    }

    private static List<String> compare(List<HistoryRow> current, List<HistoryRow> reference, Comparison.Thresholds t) {
        Comparison.register(spark, spark.createDataset(current, HistoryStore.ENCODER),
                spark.createDataset(reference, HistoryStore.ENCODER));
        List<String> out = new ArrayList<>();
        for (Change c : Comparison.compare(spark, Comparison.HISTORY, Change.BASELINE, t)) {
            out.add(c.kind() + " " + c.key());
        }
        return out;
    }

    @Test
    void everyKindOfChangeIsFoundAndNothingElse() {
        String d0 = "2024-01-01";
        String d1 = "2024-01-02";
        List<HistoryRow> ref = List.of(
                row(d0, "p", F, "same", "PASS", 1e-3, 10),
                row(d0, "p", F, "breaks", "PASS", 1e-3, 10),
                row(d0, "p", F, "errors", "PASS", 1e-3, 10),
                row(d0, "p", F, "heals", "FAIL", 50.0, 10),
                row(d0, "p", F, "still_failing", "FAIL", 5.0, 10),
                row(d0, "p", F, "grows", "PASS", 1e-3, 10),
                row(d0, "p", R, "grows", "PASS", 1e-3, 10),
                row(d0, "p", F, "slow", "PASS", 1e-3, 1000),
                row(d0, "p", F, "gone", "PASS", 1e-3, 10),
                row(d0, "p", R, "rotating_breaks", "PASS", 1e-3, 10));
        List<HistoryRow> cur = List.of(
                row(d1, "c", F, "same", "PASS", 1e-3, 10),
                row(d1, "c", F, "breaks", "FAIL", 3.0, 10),
                row(d1, "c", F, "errors", "ERROR", null, 10),
                row(d1, "c", F, "heals", "PASS", 1e-3, 10),
                row(d1, "c", F, "still_failing", "FAIL", 6.0, 10),
                row(d1, "c", F, "grows", "PASS", 0.5, 10),
                row(d1, "c", R, "grows", "PASS", 0.5, 10),              // rotating points differ: no growth check
                row(d1, "c", F, "slow", "PASS", 1e-3, 2500),
                row(d1, "c", F, "new", "PASS", 1e-3, 10),
                row(d1, "c", R, "rotating_breaks", "FAIL", 9.0, 10));
        assertEquals(List.of(
                "NEWLY_FAILING breaks",
                "NEWLY_FAILING errors",
                "NEWLY_FAILING rotating_breaks (rotating seed)",
                "ERROR_GROWN grows",
                "SLOWER slow",
                "NEWLY_PASSING heals",
                "ADDED new",
                "MISSING gone"), compare(cur, ref, Comparison.Thresholds.DEFAULTS));
    }

    @Test
    void growthIsStrictlyMoreThanTheFactorOverTheFloor() {
        String d = "2024-01-01";
        List<HistoryRow> ref = List.of(
                row(d, "p", F, "x10", "PASS", 1e-2, 0),
                row(d, "p", F, "x10.1", "PASS", 1e-2, 0),
                row(d, "p", F, "from_zero_small", "PASS", 0.0, 0),
                row(d, "p", F, "from_zero_large", "PASS", 0.0, 0),
                row(d, "p", F, "failing_grows", "FAIL", 2.0, 0),
                row(d, "p", F, "becomes_nan", "FAIL", 2.0, 0));
        List<HistoryRow> cur = List.of(
                row(d, "c", F, "x10", "PASS", 1e-1, 0),
                row(d, "c", F, "x10.1", "PASS", 0.101, 0),
                row(d, "c", F, "from_zero_small", "PASS", 1e-2, 0),     // 10 x floor 1e-3 exactly: not more
                row(d, "c", F, "from_zero_large", "PASS", 0.0101, 0),
                row(d, "c", F, "failing_grows", "FAIL", 20.5, 0),
                row(d, "c", F, "becomes_nan", "FAIL", Double.NaN, 0));
        assertEquals(List.of("ERROR_GROWN becomes_nan", "ERROR_GROWN failing_grows", "ERROR_GROWN from_zero_large",
                "ERROR_GROWN x10.1"), compare(cur, ref, Comparison.Thresholds.DEFAULTS));
        // a larger factor from the flag: nothing grew by more than 1000x over the floor except NaN
        assertEquals(List.of("ERROR_GROWN becomes_nan"), compare(cur, ref, new Comparison.Thresholds(1000, 1e-3, 2, 1000)));
    }

    @Test
    void slowerNeedsBothTheFactorAndTheAbsoluteFloor() {
        String d = "2024-01-01";
        List<HistoryRow> ref = List.of(
                row(d, "p", F, "tiny_x10", "PASS", 1e-3, 10),
                row(d, "p", F, "x2_exactly", "PASS", 1e-3, 2000),
                row(d, "p", F, "x2.5", "PASS", 1e-3, 2000),
                row(d, "p", F, "unknown_before", "PASS", 1e-3, 0));
        List<HistoryRow> cur = List.of(
                row(d, "c", F, "tiny_x10", "PASS", 1e-3, 100),
                row(d, "c", F, "x2_exactly", "PASS", 1e-3, 4000),
                row(d, "c", F, "x2.5", "PASS", 1e-3, 5000),
                row(d, "c", F, "unknown_before", "PASS", 1e-3, 5000));
        assertEquals(List.of("SLOWER x2.5"), compare(cur, ref, Comparison.Thresholds.DEFAULTS));
        assertEquals(List.of("SLOWER tiny_x10", "SLOWER x2.5"),
                compare(cur, ref, new Comparison.Thresholds(10, 1e-3, 2, 50)));
    }

    @Test
    void thePreviousRunIsTheLatestEarlierDateAndTrendsKeepTheLastRuns() {
        List<HistoryRow> history = new ArrayList<>();
        history.add(row("2024-01-01", "a", F, "c", "PASS", 1e-4, 1));
        history.add(row("2024-01-02", "b", F, "c", "PASS", 1e-3, 1));
        history.add(row("2024-01-02", "b2", F, "c", "FAIL", 2.0, 1));   // same date, later start
        history.get(2).setStartedAt("2024-01-02T05:00:00Z");
        history.add(row("2024-01-03", "other-same-day", F, "c", "PASS", 1e-2, 1));
        history.add(row("2024-01-09", "later", F, "c", "PASS", 1e-2, 1));   // a later date: not previous, not in trends
        List<HistoryRow> current = List.of(row("2024-01-03", "now", F, "c", "PASS", 1e-5, 1),
                row("2024-01-03", "now", R, "c", "PASS", 1e-5, 1));
        current.forEach(r -> r.setStartedAt("2024-01-03T09:00:00Z"));
        Comparison.register(spark, spark.createDataset(current, HistoryStore.ENCODER),
                spark.createDataset(history, HistoryStore.ENCODER));
        Comparison.RunInfo prev = Comparison.previousRun(spark, "2024-01-03");
        assertEquals("b2", prev.runId(), "the latest run dated before the current date; same-date runs are not previous");

        Comparison.Trends t = Comparison.trends(spark, "now", "2024-01-03", 3);
        assertEquals(List.of("b2", "other-same-day", "now"), t.runs().stream().map(Comparison.RunInfo::runId).toList());
        Comparison.TrendPoint[] c = t.points().get("c");
        assertEquals("FAIL", c[0].status());
        assertEquals(1e-2, c[1].scaledErr());
        assertEquals(1e-5, c[2].scaledErr());
        Comparison.TrendPoint[] rot = t.points().get("c (rotating seed)");
        assertNull(rot[0]);
        assertNull(rot[1]);
        assertEquals("now", rot[2].runId());

        Comparison.register(spark, spark.createDataset(current, HistoryStore.ENCODER),
                spark.createDataset(List.of(history.get(4)), HistoryStore.ENCODER));
        assertNull(Comparison.previousRun(spark, "2024-01-03"), "only a later run: no previous run");
        assertTrue(Comparison.trends(spark, "now", "2024-01-03", 5).runs().stream()
                .allMatch(r -> r.runId().equals("now")));
    }
}
