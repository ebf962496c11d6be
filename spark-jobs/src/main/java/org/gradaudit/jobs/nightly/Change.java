package org.gradaudit.jobs.nightly;

import java.util.Locale;

/**
 * One difference between this run and a reference run (the previous run or the pinned baseline)
 * for one case key (seed set, case name). {@code ref*} fields are null for ADDED, {@code cur*}
 * fields for MISSING.
 */
public record Change(Kind kind, String reference, String refRunId, String seedSet, String caseName, String refStatus,
        String curStatus, Double refErr, Double curErr, Long refTimeMs, Long curTimeMs, boolean definitionChanged) {

    /** What changed; the first three are regressions (exit code 3). */
    public enum Kind {
        /** PASS in the reference, FAIL or ERROR now. */
        NEWLY_FAILING(true),
        /** Same status, fixed seed, and the scaled error grew by more than the growth factor. */
        ERROR_GROWN(true),
        /** Slower by more than the runtime factor and by more than the runtime floor. */
        SLOWER(true),
        /** FAIL or ERROR in the reference, PASS now. */
        NEWLY_PASSING(false),
        /** In this run, not in the reference. */
        ADDED(false),
        /** In the reference, not in this run. */
        MISSING(false);

        private final boolean regression;

        Kind(boolean regression) {
            this.regression = regression;
        }

        public boolean regression() { return regression; }

        /** "newly failing", "error grown", ... */
        public String label() { return name().toLowerCase(Locale.ROOT).replace('_', ' '); }
    }

    public static final String PREVIOUS = "previous";
    public static final String BASELINE = "baseline";

    public boolean regression() { return kind.regression(); }

    /** The case as the reports name it: its name, with " (rotating seed)" for the rotating set. */
    public String key() {
        return HistoryRow.ROTATING.equals(seedSet) ? caseName + " (rotating seed)" : caseName;
    }

    /** One line: what changed, with the numbers. */
    public String describe() {
        String d;
        switch (kind) {
            case NEWLY_FAILING:
                d = refStatus + " -> " + curStatus;
                break;
            case NEWLY_PASSING:
                d = refStatus + " -> " + curStatus;
                break;
            case ERROR_GROWN:
                d = "scaled error " + num(refErr) + " -> " + num(curErr) + " (x" + ratio(curErr, refErr) + ")";
                break;
            case SLOWER:
                d = refTimeMs + " ms -> " + curTimeMs + " ms";
                break;
            case ADDED:
                d = "new case (" + curStatus + ")";
                break;
            default:
                d = "not in this run (was " + refStatus + ")";
        }
        return d + (definitionChanged ? "; its definition changed" : "");
    }

    static String num(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.3g", v);
    }

    private static String ratio(Double a, Double b) {
        if (a == null || b == null) {
            return "n/a";
        }
        return b == 0 ? "inf" : String.format(Locale.ROOT, "%.3g", a / b);
    }
}
