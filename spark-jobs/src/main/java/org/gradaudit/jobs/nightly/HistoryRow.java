package org.gradaudit.jobs.nightly;

import java.io.Serializable;
import java.util.Objects;

/**
 * One row of the nightly history table per (run, seed set, case): a Java bean for
 * {@code Encoders.bean}, so it round-trips through Parquet. {@code runDate} and {@code runId} are
 * the partition columns ({@code history/runDate=D/runId=R/}); they are not stored in the data
 * files. The key of a case across runs is ({@code seedSet}, {@code caseName}).
 */
public class HistoryRow implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The seed set of the suite's own seed and of the seed derived from the run date. */
    public static final String FIXED = "fixed";
    public static final String ROTATING = "rotating";

    private String runDate;
    private String runId;
    private String suite;
    private String startedAt;
    private String seedSet;
    private long seed;
    private String caseName;
    private String kind;
    private String definition;
    private String inputs;
    private String status;
    private String message;
    private String mode;
    private int nTests;
    private Double scaledErr;
    private Double absErr;
    private Double relErr;
    private String worstInput;
    private String worstIndex;
    private long elementsChecked;
    private long timeMs;

    public HistoryRow() {}

    /** The run date (yyyy-MM-dd); a partition column of the history. */
    public String getRunDate() { return runDate; }
    public void setRunDate(String v) { this.runDate = v; }
    /** The run id; a partition column of the history (one run per directory). */
    public String getRunId() { return runId; }
    public void setRunId(String v) { this.runId = v; }
    /** The suite's name. */
    public String getSuite() { return suite; }
    public void setSuite(String v) { this.suite = v; }
    /** ISO-8601 instant the run started. */
    public String getStartedAt() { return startedAt; }
    public void setStartedAt(String v) { this.startedAt = v; }
    /** "fixed" (the suite's seed) or "rotating" (derived from the run date). */
    public String getSeedSet() { return seedSet; }
    public void setSeedSet(String v) { this.seedSet = v; }
    /** The seed the case ran with. */
    public long getSeed() { return seed; }
    public void setSeed(long v) { this.seed = v; }
    /** The case's name in the suite. */
    public String getCaseName() { return caseName; }
    public void setCaseName(String v) { this.caseName = v; }
    /** expression, builder, op or graph. */
    public String getKind() { return kind; }
    public void setKind(String v) { this.kind = v; }
    /** The expression, builder class, catalogue op or graph file. */
    public String getDefinition() { return definition; }
    public void setDefinition(String v) { this.definition = v; }
    /** Inputs as "x float64[3, 4], w float64[4]". */
    public String getInputs() { return inputs; }
    public void setInputs(String v) { this.inputs = v; }
    /** PASS, FAIL or ERROR. */
    public String getStatus() { return status; }
    public void setStatus(String v) { this.status = v; }
    /** Why the case failed or errored; null for PASS. */
    public String getMessage() { return message; }
    public void setMessage(String v) { this.message = v; }
    /** theano, central or fast. */
    public String getMode() { return mode; }
    public void setMode(String v) { this.mode = v; }
    /** Random projections. */
    public int getNTests() { return nTests; }
    public void setNTests(int v) { this.nTests = v; }
    /** Scaled error of the reported element (above 1: beyond both tolerances); null when nothing was compared. */
    public Double getScaledErr() { return scaledErr; }
    public void setScaledErr(Double v) { this.scaledErr = v; }
    /** Absolute error of the reported element. */
    public Double getAbsErr() { return absErr; }
    public void setAbsErr(Double v) { this.absErr = v; }
    /** Relative error of the reported element. */
    public Double getRelErr() { return relErr; }
    public void setRelErr(Double v) { this.relErr = v; }
    /** The reported element's input. */
    public String getWorstInput() { return worstInput; }
    public void setWorstInput(String v) { this.worstInput = v; }
    /** The reported element's multi-index, as "[1, 2]". */
    public String getWorstIndex() { return worstIndex; }
    public void setWorstIndex(String v) { this.worstIndex = v; }
    /** Comparisons made over all tests. */
    public long getElementsChecked() { return elementsChecked; }
    public void setElementsChecked(long v) { this.elementsChecked = v; }
    /** Driver preparation plus unit compute time of the case. */
    public long getTimeMs() { return timeMs; }
    public void setTimeMs(long v) { this.timeMs = v; }

    /** A field-by-field copy. */
    public HistoryRow copy() {
        HistoryRow r = new HistoryRow();
        r.runDate = runDate;
        r.runId = runId;
        r.suite = suite;
        r.startedAt = startedAt;
        r.seedSet = seedSet;
        r.seed = seed;
        r.caseName = caseName;
        r.kind = kind;
        r.definition = definition;
        r.inputs = inputs;
        r.status = status;
        r.message = message;
        r.mode = mode;
        r.nTests = nTests;
        r.scaledErr = scaledErr;
        r.absErr = absErr;
        r.relErr = relErr;
        r.worstInput = worstInput;
        r.worstIndex = worstIndex;
        r.elementsChecked = elementsChecked;
        r.timeMs = timeMs;
        return r;
    }

    /** The key of a case across runs: "caseName" for the fixed seed set, "caseName (rotating seed)" otherwise. */
    public String key() {
        return ROTATING.equals(seedSet) ? caseName + " (rotating seed)" : caseName;
    }

    /** Every field but the timings ({@code startedAt}, {@code timeMs}): what an idempotent rerun must reproduce. */
    public boolean sameResult(HistoryRow o) {
        return o != null
                && Objects.equals(runDate, o.runDate)
                && Objects.equals(runId, o.runId)
                && Objects.equals(suite, o.suite)
                && Objects.equals(seedSet, o.seedSet)
                && seed == o.seed
                && Objects.equals(caseName, o.caseName)
                && Objects.equals(kind, o.kind)
                && Objects.equals(definition, o.definition)
                && Objects.equals(inputs, o.inputs)
                && Objects.equals(status, o.status)
                && Objects.equals(message, o.message)
                && Objects.equals(mode, o.mode)
                && nTests == o.nTests
                && Objects.equals(scaledErr, o.scaledErr)
                && Objects.equals(absErr, o.absErr)
                && Objects.equals(relErr, o.relErr)
                && Objects.equals(worstInput, o.worstInput)
                && Objects.equals(worstIndex, o.worstIndex)
                && elementsChecked == o.elementsChecked; 
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HistoryRow && sameResult((HistoryRow) o) && Objects.equals(startedAt, ((HistoryRow) o).startedAt)
                && timeMs == ((HistoryRow) o).timeMs;
    }

    @Override
    public int hashCode() {
        return Objects.hash(runId, seedSet, caseName, status, scaledErr);
    }

    @Override
    public String toString() {
        return "HistoryRow(" + runDate + "/" + runId + " " + seedSet + " " + caseName + " " + status + " scaledErr "
                + scaledErr + " " + timeMs + " ms)";
    }
}
