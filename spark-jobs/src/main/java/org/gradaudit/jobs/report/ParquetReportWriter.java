package org.gradaudit.jobs.report;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.gradaudit.jobs.audit.AuditReport;
import org.gradaudit.jobs.audit.CaseReport;

/** The report as Parquet, one {@link CaseRow} per case, written through Spark SQL with the bean encoder. */
public final class ParquetReportWriter {
    public static final String DIR = "report.parquet";

    private ParquetReportWriter() {}

    public static List<CaseRow> rows(AuditReport r) {
        List<CaseRow> rows = new ArrayList<>();
        for (CaseReport c : r.cases()) {
            CaseRow row = new CaseRow();
            row.setReport(r.name());
            row.setRunId(r.runId());
            row.setSeed(r.seed());
            row.setCaseName(c.name());
            row.setStatus(c.status().name());
            row.setKind(c.kind());
            row.setDefinition(c.definition());
            row.setMessage(c.message());
            row.setMode(c.mode());
            row.setNTests(c.nTests());
            row.setEps(c.eps());
            row.setAbsTol(c.absTol());
            row.setRelTol(c.relTol());
            row.setElementsTotal(c.elementsTotal());
            row.setCoordinatesPerTest(c.coordinatesPerTest());
            row.setElementsChecked(c.elementsChecked());
            CaseReport.Worst w = c.worst();
            if (w != null) {
                row.setWorstInput(w.input());
                row.setWorstTest(w.test());
                row.setWorstIndex(box(w.index()));
                row.setWorstFlatIndex(w.flatIndex());
                row.setAnalytic(w.analytic());
                row.setNumeric(w.numeric());
                row.setAbsErr(w.absErr());
                row.setRelErr(w.relErr());
                row.setScaledErr(w.scaledErr());
            }
            if (c.located() != null) {
                row.setLocatedInput(c.located().input());
                row.setLocatedIndex(box(c.located().index()));
            }
            row.setScaledErrMin(c.scaledErrMin());
            row.setScaledErrMedian(c.scaledErrMedian());
            row.setScaledErrMax(c.scaledErrMax());
            row.setWarnings(new ArrayList<>(c.warnings()));
            row.setTimeMs(c.timeMs());
            rows.add(row);
        }
        return rows;
    }

    private static List<Integer> box(int[] a) {
        return new ArrayList<>(Arrays.stream(a).boxed().toList());
    }

    /** Writes the rows as a Parquet directory at {@code dir} (which must not exist), one file. */
    public static void write(SparkSession spark, AuditReport r, Path dir) {
        // a row has more fields than Spark's default plan-string limit (25), which it would warn about
        if (Integer.parseInt(spark.conf().get("spark.sql.debug.maxToStringFields", "25")) < 100) {
            spark.conf().set("spark.sql.debug.maxToStringFields", "100");
        }
        spark.createDataset(rows(r), Encoders.bean(CaseRow.class)).coalesce(1).write().mode(SaveMode.ErrorIfExists)
                .parquet(dir.toUri().toString());
    }
}
