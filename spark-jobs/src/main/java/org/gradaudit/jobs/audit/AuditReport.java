package org.gradaudit.jobs.audit;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The result of an audit (immutable): one {@link CaseReport} per case in spec order, and how the
 * run was executed. {@link #equals} compares the results only (name, spec file, seed, cases) and
 * leaves out the run id, the start time, the engine, the plan and all timings, so that a
 * distributed report can be compared with a local one bit for bit.
 */
public final class AuditReport implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String runId;
    private final String name;
    private final String specFile;
    private final long seed;
    private final String startedAt;
    private final String engine;
    private final int units;
    private final int partitions;
    private final long elapsedMs;
    private final List<CaseReport> cases;

    AuditReport(String runId, String name, String specFile, long seed, String startedAt, String engine, int units,
            int partitions, long elapsedMs, List<CaseReport> cases) {
        this.runId = runId;
        this.name = name;
        this.specFile = specFile;
        this.seed = seed;
        this.startedAt = startedAt;
        this.engine = engine;
        this.units = units;
        this.partitions = partitions;
        this.elapsedMs = elapsedMs;
        this.cases = List.copyOf(cases);
    }

    /** A random UUID identifying this run. */
    public String runId() { return runId; }
    /** The spec's name. */
    public String name() { return name; }
    public String specFile() { return specFile; }
    public long seed() { return seed; }
    /** ISO-8601 instant the run started. */
    public String startedAt() { return startedAt; }
    /** "local" or "spark &lt;master&gt;". */
    public String engine() { return engine; }
    /** Work units executed. */
    public int units() { return units; }
    /** Partitions (tasks) the units ran in; 0 for a local run. */
    public int partitions() { return partitions; }
    public long elapsedMs() { return elapsedMs; }
    public List<CaseReport> cases() { return cases; }

    public long count(CaseReport.Status s) {
        return cases.stream().filter(c -> c.status() == s).count();
    }

    public boolean allPassed() {
        return count(CaseReport.Status.PASS) == cases.size();
    }

    /** The CLI's exit code for this report: 0 when every case passed, 1 when any case failed or errored. */
    public int exitCode() {
        return allPassed() ? 0 : 1;
    }

    /** The case named {@code caseName}, or an error listing the names. */
    public CaseReport get(String caseName) {
        for (CaseReport c : cases) {
            if (c.name().equals(caseName)) {
                return c;
            }
        }
        throw new IllegalArgumentException("no case \"" + caseName + "\" in report " + name + "; cases are "
                + cases.stream().map(CaseReport::name).toList());
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AuditReport)) {
            return false;
        }
        AuditReport r = (AuditReport) o;
        return name.equals(r.name) && specFile.equals(r.specFile) && seed == r.seed && cases.equals(r.cases);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, specFile, seed, cases);
    }

    @Override
    public String toString() {
        return "AuditReport(" + name + ", seed " + seed + ", " + cases + ")";
    }
}
