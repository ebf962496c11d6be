package org.gradaudit.jobs.nightly;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Objects;
import org.gradaudit.jobs.audit.AuditJob;

/**
 * One nightly run, validated: the suite, the run's id and date (the date fixes the rotating seed),
 * the history directory, the optional pinned baseline, the comparison thresholds, how many runs
 * the trend plots show, and how the audit splits its work.
 */
public record NightlySpec(NightlySuite suite, String suiteFile, String runId, LocalDate date, Path history,
        Baseline baseline, Comparison.Thresholds thresholds, int last, AuditJob.Options auditOptions) {

    public static final int DEFAULT_LAST = 14;

    public NightlySpec {
        Objects.requireNonNull(suite, "suite");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(date, "date");
        Objects.requireNonNull(history, "history");
        Objects.requireNonNull(thresholds, "thresholds");
        if (!HistoryStore.RUN_ID.matcher(runId).matches()) {
            throw new NightlyUsageException("--run-id: '" + runId + "' is not a valid run id: use letters, digits, '.',"
                    + " '_' and '-' (at most 128, starting with a letter or digit); it names a directory");
        }
        if (last < 1) {
            throw new NightlyUsageException("--last: expected a positive integer, got " + last);
        }
        if (auditOptions == null) {
            auditOptions = AuditJob.Options.DEFAULTS;
        }
    }

    /** A spec with the defaults: run id = the date, no baseline, default thresholds, 14 runs of trend. */
    public static NightlySpec of(NightlySuite suite, LocalDate date, Path history) {
        return new NightlySpec(suite, suite.spec().source(), date.toString(), date, history, null,
                Comparison.Thresholds.DEFAULTS, DEFAULT_LAST, AuditJob.Options.DEFAULTS);
    }

    public NightlySpec withRunId(String id) {
        return new NightlySpec(suite, suiteFile, id, date, history, baseline, thresholds, last, auditOptions);
    }

    public NightlySpec withBaseline(Baseline b) {
        return new NightlySpec(suite, suiteFile, runId, date, history, b, thresholds, last, auditOptions);
    }

    public NightlySpec withThresholds(Comparison.Thresholds t) {
        return new NightlySpec(suite, suiteFile, runId, date, history, baseline, t, last, auditOptions);
    }
}
