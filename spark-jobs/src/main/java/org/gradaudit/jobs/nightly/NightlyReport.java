package org.gradaudit.jobs.nightly;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.jobs.nightly.Comparison.RunInfo;
import org.gradaudit.jobs.nightly.Comparison.Thresholds;
import org.gradaudit.jobs.nightly.Comparison.Trends;

/**
 * The result of a nightly run (immutable): this run's rows, what changed against the previous run
 * and against the baseline, the trends over the last runs, and the exit code they give.
 *
 * @param previousRun null on the first night
 * @param baseline    the baseline's label; null without one
 * @param rotatingSeed null when the suite has no rotating set
 */
public record NightlyReport(String suite, String suiteFile, String runId, String runDate, String startedAt,
        long fixedSeed, Long rotatingSeed, String engine, long elapsedMs, String history, RunInfo previousRun,
        String baseline, Thresholds thresholds, int last, List<HistoryRow> rows, List<Change> vsPrevious,
        List<Change> vsBaseline, Trends trends) {

    /** No regression and every case passed. */
    public static final int EXIT_CLEAN = 0;
    /** Some case failed or errored, and nothing regressed. */
    public static final int EXIT_FAILED = 1;
    /** Usage, suite, history or baseline error; nothing ran, nothing was written. */
    public static final int EXIT_USAGE = 2;
    /** A regression against the previous run or the baseline (whether or not cases fail). */
    public static final int EXIT_REGRESSION = 3;
    /** The nightly itself crashed (Spark, I/O); no report and no history row were written. */
    public static final int EXIT_CRASHED = 4;

    public NightlyReport {
        List<HistoryRow> copy = new ArrayList<>();
        for (HistoryRow r : rows) {
            copy.add(r.copy());
        }
        rows = List.copyOf(copy);
        vsPrevious = List.copyOf(vsPrevious);
        vsBaseline = List.copyOf(vsBaseline);
    }

    /** Copies, so that the report stays immutable. */
    @Override
    public List<HistoryRow> rows() {
        List<HistoryRow> copy = new ArrayList<>();
        for (HistoryRow r : rows) {
            copy.add(r.copy());
        }
        return copy;
    }

    /** Every regression, against the previous run first. */
    public List<Change> regressions() {
        List<Change> r = new ArrayList<>();
        for (Change c : vsPrevious) {
            if (c.regression()) {
                r.add(c);
            }
        }
        for (Change c : vsBaseline) {
            if (c.regression()) {
                r.add(c);
            }
        }
        return r;
    }

    public long count(String status) {
        return rows.stream().filter(h -> status.equals(h.getStatus())).count();
    }

    /** The rows that did not pass. */
    public List<HistoryRow> failing() {
        List<HistoryRow> f = new ArrayList<>();
        for (HistoryRow h : rows) {
            if (!"PASS".equals(h.getStatus())) {
                f.add(h.copy());
            }
        }
        return f;
    }

    /** 3 when anything regressed (it takes precedence), else 1 when a case failed or errored, else 0. */
    public int exitCode() {
        if (!regressions().isEmpty()) {
            return EXIT_REGRESSION;
        }
        return count("PASS") == rows.size() ? EXIT_CLEAN : EXIT_FAILED;
    }

    /** "clean", "failing" or "regression". */
    public String verdict() {
        switch (exitCode()) {
            case EXIT_REGRESSION: return "regression";
            case EXIT_FAILED: return "failing";
            default: return "clean";
        }
    }
}
