package org.gradaudit.jobs.nightly;

import static org.apache.spark.sql.functions.col;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.gradaudit.jobs.audit.AuditJob;
import org.gradaudit.jobs.audit.AuditReport;
import org.gradaudit.jobs.audit.AuditSpec;
import org.gradaudit.jobs.audit.CaseReport;
import org.gradaudit.jobs.report.ReportSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nightly regression job: {@link #run} audits the suite (with its fixed seed, then its
 * rotating set with the date's seed), compares the rows with the previous run and the baseline in
 * Spark SQL and computes the trends, writing nothing; {@link #record} then writes the history
 * partition and the reports, all or nothing.
 */
public final class NightlyJob {
    private static final Logger LOG = LoggerFactory.getLogger(NightlyJob.class);

    static final String PREVIOUS_VIEW = "nightly_previous";
    static final String BASELINE_VIEW = "nightly_baseline";

    private NightlyJob() {}

    /**
     * Validates the history (and finishes writes a crashed run left behind), reads it and the
     * baseline, runs the audits and compares. History and baseline problems are
     * {@link NightlyUsageException}s, raised before any case runs.
     */
    public static NightlyReport run(SparkSession spark, NightlySpec spec) {
        long t0 = System.nanoTime();
        String runDate = spec.date().toString();
        HistoryStore store = new HistoryStore(spec.history());
        store.validate("--history");
        store.recover();
        for (String r : store.runs()) {
            String id = r.substring(r.indexOf('/') + 1);
            if (id.equals(spec.runId()) && !r.startsWith(runDate + "/")) {
                throw new NightlyUsageException("--run-id: run " + spec.runId() + " is already recorded for "
                        + r.substring(0, r.indexOf('/')) + " in " + store.dir() + "; a rerun must use the same --date"
                        + " (" + r.substring(0, r.indexOf('/')) + "), or choose another run id");
            }
        }
        Dataset<HistoryRow> others;
        try {
            others = store.read(spark).filter(col("runId").notEqual(spec.runId()).or(col("runDate").notEqual(runDate)));
            others.count();                                  // a history Spark cannot read fails here, before the audit
        } catch (RuntimeException e) {
            throw new NightlyUsageException("--history: cannot read the history in " + store.dir() + ": " + e, e);
        }
        Dataset<HistoryRow> baseline = null;
        if (spec.baseline() != null) {
            baseline = spec.baseline().dataset(spark);
            try {
                baseline.count();
            } catch (RuntimeException e) {
                throw new NightlyUsageException("--baseline: cannot read " + spec.baseline().label() + ": " + e, e);
            }
        }

        LOG.info("nightly {}: history {} and baseline read", spec.runId(), store.dir());
        String started = Instant.now().toString();
        AuditSpec fixedSpec = spec.suite().spec();
        AuditSpec rotatingSpec = spec.suite().rotatingSpec(spec.date());
        AuditReport fixed = AuditJob.run(spark, fixedSpec, spec.auditOptions());
        List<HistoryRow> rows = new ArrayList<>(rows(fixed, HistoryRow.FIXED, runDate, spec.runId(), started));
        if (rotatingSpec != null) {
            AuditReport rotating = AuditJob.run(spark, rotatingSpec, spec.auditOptions());
            rows.addAll(rows(rotating, HistoryRow.ROTATING, runDate, spec.runId(), started));
        }

        LOG.info("nightly {}: audits done, comparing", spec.runId());
        Comparison.register(spark, spark.createDataset(rows, HistoryStore.ENCODER), others);
        Comparison.RunInfo previous = Comparison.previousRun(spark, runDate);
        List<Change> vsPrevious = List.of();
        if (previous != null) {
            others.filter(col("runId").equalTo(previous.runId()).and(col("runDate").equalTo(previous.runDate())))
                    .createOrReplaceTempView(PREVIOUS_VIEW);
            vsPrevious = Comparison.compare(spark, PREVIOUS_VIEW, Change.PREVIOUS, spec.thresholds());
        }
        List<Change> vsBaseline = List.of();
        if (baseline != null) {
            baseline.createOrReplaceTempView(BASELINE_VIEW);
            vsBaseline = Comparison.compare(spark, BASELINE_VIEW, Change.BASELINE, spec.thresholds());
        }
        Comparison.Trends trends = Comparison.trends(spark, spec.runId(), runDate, spec.last());
        LOG.info("nightly {} {}: {} rows, previous run {}, {} changes vs previous, {} vs baseline", spec.suite().name(),
                spec.runId(), rows.size(), previous, vsPrevious.size(), vsBaseline.size());
        return new NightlyReport(spec.suite().name(), spec.suiteFile(), spec.runId(), runDate, started,
                fixedSpec.seed(), rotatingSpec == null ? null : rotatingSpec.seed(), fixed.engine(),
                (System.nanoTime() - t0) / 1_000_000, store.dir().toString(), previous,
                spec.baseline() == null ? null : spec.baseline().label(), spec.thresholds(), spec.last(), rows,
                vsPrevious, vsBaseline, trends);
    }

    /** One history row per case of an audit report. */
    static List<HistoryRow> rows(AuditReport r, String seedSet, String runDate, String runId, String started) {
        List<HistoryRow> out = new ArrayList<>();
        for (CaseReport c : r.cases()) {
            HistoryRow h = new HistoryRow();
            h.setRunDate(runDate);
            h.setRunId(runId);
            h.setSuite(r.name());
            h.setStartedAt(started);
            h.setSeedSet(seedSet);
            h.setSeed(c.seed());
            h.setCaseName(c.name());
            h.setKind(c.kind());
            h.setDefinition(c.definition());
            StringBuilder in = new StringBuilder();
            for (CaseReport.InputInfo i : c.inputs()) {
                in.append(in.length() == 0 ? "" : ", ").append(i.name()).append(' ').append(i.dtype())
                        .append(Arrays.toString(i.shape()));
            }
            h.setInputs(in.toString());
            h.setStatus(c.status().name());
            h.setMessage(c.message());
            h.setMode(c.mode());
            h.setNTests(c.nTests());
            CaseReport.Worst w = c.worst();
            if (w != null) {
                h.setScaledErr(w.scaledErr());
                h.setAbsErr(w.absErr());
                h.setRelErr(w.relErr());
                h.setWorstInput(w.input());
                h.setWorstIndex(Arrays.toString(w.index()));
            }
            h.setElementsChecked(c.elementsChecked());
            h.setTimeMs(c.timeMs());
            out.add(h);
        }
        return out;
    }

    /**
     * Writes the run: its history partition (staged first), then the reports into {@code out} (all or
     * nothing, refusing existing reports unless {@code overwrite}), then the partition is swapped
     * in, replacing an earlier recording of the same run id. When the reports cannot be written the
     * staged rows are dropped and the history is unchanged. Returns the report files.
     */
    public static List<Path> record(SparkSession spark, NightlyReport report, Path history, Path out,
            boolean overwrite) {
        return record(spark, report, history, out, overwrite, HistoryStore.NO_FAULT);
    }

    static List<Path> record(SparkSession spark, NightlyReport report, Path history, Path out, boolean overwrite,
            HistoryStore.FaultPoint fault) {
        HistoryStore store = new HistoryStore(history);
        HistoryStore.Staged staged = store.stage(spark, report.rows(), report.runDate(), report.runId(), fault);
        List<Path> written;
        try {
            written = ReportSet.writeAll(NightlyWriters.outputs(report, out), out, overwrite);
        } catch (RuntimeException e) {
            store.discard(staged);
            throw e;
        }
        store.commit(staged, fault);
        return written;
    }
}
