package org.gradaudit.jobs.nightly;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The comparisons, in Spark SQL over temporary views of {@link HistoryRow}s:
 * {@code nightly_current} (this run), {@code nightly_history} (every other run) and a reference
 * view (the previous run's rows, or the baseline's). Cases are matched on (seedSet, caseName) by a
 * full outer join; see {@link Change.Kind} for what each change means and {@link Thresholds} for
 * the factors.
 */
public final class Comparison {
    public static final String CURRENT = "nightly_current";
    public static final String HISTORY = "nightly_history";
    public static final String ALL = "nightly_all";

    private Comparison() {}

    /** Growth and runtime thresholds (see docs/NIGHTLY.md). */
    public record Thresholds(double growth, double errorFloor, double runtimeFactor, long runtimeMinMs) {
        public static final Thresholds DEFAULTS = new Thresholds(10, 1e-3, 2, 1000);
    }

    /** A run in the history: its id, date and start. */
    public record RunInfo(String runId, String runDate, String startedAt) {}

    /** Registers the views of this run's rows and the other runs' rows. */
    public static void register(SparkSession spark, Dataset<HistoryRow> current, Dataset<HistoryRow> others) {
        current.createOrReplaceTempView(CURRENT);
        others.createOrReplaceTempView(HISTORY);
        others.unionByName(current).createOrReplaceTempView(ALL);
    }

    /**
     * The previous run: the latest run in {@code nightly_history} dated strictly before {@code runDate}
     * (by date, then start time, then id). Runs of the same date are never each other's previous
     * run, so rerunning a night compares with the same run again.
     */
    public static RunInfo previousRun(SparkSession spark, String runDate) {
        List<Row> r = spark.sql("SELECT runId, runDate, min(startedAt) AS startedAt FROM " + HISTORY
                + " WHERE runDate < :date GROUP BY runDate, runId"
                + " ORDER BY runDate DESC, startedAt DESC, runId DESC LIMIT 1", Map.of("date", runDate)).collectAsList();
        return r.isEmpty() ? null : new RunInfo(r.get(0).getString(0), r.get(0).getString(1), r.get(0).getString(2));
    }

    /** Compares {@code nightly_current} with the rows of view {@code refView}; {@code reference} labels the changes. */
    public static List<Change> compare(SparkSession spark, String refView, String reference, Thresholds t) {
        String sql = "SELECT * FROM (SELECT"
                + " coalesce(c.seedSet, r.seedSet) AS seedSet, coalesce(c.caseName, r.caseName) AS caseName,"
                + " r.runId AS refRunId, r.status AS refStatus, c.status AS curStatus,"
                + " r.scaledErr AS refErr, c.scaledErr AS curErr, r.timeMs AS refTimeMs, c.timeMs AS curTimeMs,"
                + " coalesce(r.definition <> c.definition OR r.kind <> c.kind, false) AS definitionChanged,"
                + " r.caseName IS NULL AS added,"
                + " c.caseName IS NULL AS missing,"
                + " coalesce(r.status = 'PASS' AND c.status <> 'PASS', false) AS newlyFailing,"
                + " coalesce(r.status <> 'PASS' AND c.status = 'PASS', false) AS newlyPassing,"
                + " coalesce(c.seedSet = 'fixed' AND c.status = r.status"
                + "   AND c.scaledErr > :growth * greatest(r.scaledErr, :floor), false) AS errorGrown,"
                + " coalesce(r.timeMs > 0 AND c.timeMs > :rtFactor * r.timeMs AND c.timeMs - r.timeMs > :rtMinMs, false) AS slower"
                + " FROM " + CURRENT + " c FULL OUTER JOIN " + refView + " r"
                + " ON c.seedSet = r.seedSet AND c.caseName = r.caseName)"
                + " WHERE added OR missing OR newlyFailing OR newlyPassing OR errorGrown OR slower";
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("growth", t.growth());
        args.put("floor", t.errorFloor());
        args.put("rtFactor", t.runtimeFactor());
        args.put("rtMinMs", t.runtimeMinMs());
        List<Change> out = new ArrayList<>();
        for (Row row : spark.sql(sql, args).collectAsList()) {
            for (Change.Kind k : Change.Kind.values()) {
                if (row.<Boolean>getAs(column(k))) {
                    out.add(new Change(k, reference, row.getAs("refRunId"), row.getAs("seedSet"), row.getAs("caseName"),
                            row.getAs("refStatus"), row.getAs("curStatus"), row.getAs("refErr"), row.getAs("curErr"),
                            row.getAs("refTimeMs"), row.getAs("curTimeMs"), row.<Boolean>getAs("definitionChanged")));
                }
            }
        }
        out.sort(Comparator.comparing(Change::kind).thenComparing(Change::seedSet).thenComparing(Change::caseName));
        return out;
    }

    private static String column(Change.Kind k) {
        switch (k) {
            case NEWLY_FAILING: return "newlyFailing";
            case NEWLY_PASSING: return "newlyPassing";
            case ERROR_GROWN: return "errorGrown";
            case SLOWER: return "slower";
            case ADDED: return "added";
            default: return "missing";
        }
    }

    /** A point of a case's trend. */
    public record TrendPoint(String runId, String runDate, String status, Double scaledErr, long timeMs) {}

    /**
     * The last {@code last} runs dated on or before {@code runDate} (this run always among them),
     * oldest first, and each case's points in those runs, keyed by {@link HistoryRow#key()}.
     */
    public static Trends trends(SparkSession spark, String runId, String runDate, int last) {
        String runsSql = "SELECT runId, runDate, min(startedAt) AS startedAt FROM " + ALL
                + " WHERE runDate <= :date OR runId = :runId GROUP BY runDate, runId"
                + " ORDER BY (runId = :runId) DESC, runDate DESC, startedAt DESC, runId DESC LIMIT " + last;
        Map<String, Object> args = Map.of("date", runDate, "runId", runId);
        List<RunInfo> runs = new ArrayList<>();
        for (Row r : spark.sql(runsSql, args).collectAsList()) {
            runs.add(new RunInfo(r.getString(0), r.getString(1), r.getString(2)));
        }
        runs.sort(Comparator.comparing(RunInfo::runDate).thenComparing(RunInfo::startedAt).thenComparing(RunInfo::runId));
        String pointsSql = "SELECT a.seedSet, a.caseName, a.runId, a.runDate, a.status, a.scaledErr, a.timeMs FROM " + ALL
                + " a JOIN (" + runsSql + ") r ON a.runId = r.runId AND a.runDate = r.runDate";
        Map<String, Integer> order = new LinkedHashMap<>();
        for (int i = 0; i < runs.size(); i++) {
            order.put(runs.get(i).runId() + "/" + runs.get(i).runDate(), i);
        }
        Map<String, TrendPoint[]> byCase = new LinkedHashMap<>();
        for (Row r : spark.sql(pointsSql, args).collectAsList()) {
            HistoryRow k = new HistoryRow();
            k.setSeedSet(r.getString(0));
            k.setCaseName(r.getString(1));
            int i = order.get(r.getString(2) + "/" + r.getString(3));
            byCase.computeIfAbsent(k.key(), x -> new TrendPoint[runs.size()])[i] = new TrendPoint(r.getString(2),
                    r.getString(3), r.getString(4), r.isNullAt(5) ? null : r.getDouble(5), r.getLong(6));
        }
        return new Trends(runs, byCase);
    }

    /** Runs oldest first; per case key, one point per run (null where the case did not run). */
    public record Trends(List<RunInfo> runs, Map<String, TrendPoint[]> points) {
        public Trends {
            runs = List.copyOf(runs);
            points = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(points));
        }
    }
}
