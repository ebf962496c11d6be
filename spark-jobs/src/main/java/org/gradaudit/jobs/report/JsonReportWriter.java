package org.gradaudit.jobs.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.gradaudit.core.check.UnitResult;
import org.gradaudit.jobs.audit.AuditReport;
import org.gradaudit.jobs.audit.CaseReport;

/**
 * Writes an {@link AuditReport} as {@code report.json}. The file appears complete or not at all:
 * it is written to a temporary file in the same directory and moved into place with
 * {@code ATOMIC_MOVE}. An existing non-empty report is kept unless overwriting was asked for.
 *
 * <p>Doubles are written in Java's shortest round-trip form, so equal reports give equal JSON
 * (apart from the run fields and timings); NaN and infinities are written as the strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 */
public final class JsonReportWriter {
    public static final String REPORT_FILE = "report.json";

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private JsonReportWriter() {}

    /** An output directory already holds a report and overwriting was not asked for. */
    public static final class ReportExistsException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ReportExistsException(Path file) {
            super(file + " already exists and is not empty; pass --overwrite to replace it, or choose another --out");
        }
    }

    /** Fails early (before any work) when {@code dir} cannot receive a report. */
    public static void checkTarget(Path dir, boolean overwrite) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalStateException(dir + " exists and is not a directory; --out needs a directory");
        }
        Path file = dir.resolve(REPORT_FILE);
        try {
            if (!overwrite && Files.exists(file) && Files.size(file) > 0) {
                throw new ReportExistsException(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot inspect " + file, e);
        }
    }

    /** Writes {@code dir/report.json} atomically and returns its path. */
    public static Path write(AuditReport report, Path dir, boolean overwrite) {
        checkTarget(dir, overwrite);
        Path file = dir.resolve(REPORT_FILE);
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + REPORT_FILE + ".", ".tmp");
            Files.writeString(tmp, toJson(report), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot move files atomically; no report written",
                        e);
            }
            tmp = null;
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temporary file is hidden and named as such; nothing else to do
                }
            }
        }
    }

    /** The report as pretty-printed JSON. */
    public static String toJson(AuditReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("runId", r.runId());
        root.put("name", r.name());
        root.put("specFile", r.specFile());
        root.put("seed", r.seed());
        root.put("startedAt", r.startedAt());
        root.put("engine", r.engine());
        root.put("units", r.units());
        root.put("partitions", r.partitions());
        root.put("elapsedMs", r.elapsedMs());
        ObjectNode summary = root.putObject("summary");
        summary.put("cases", r.cases().size());
        summary.put("passed", r.count(CaseReport.Status.PASS));
        summary.put("failed", r.count(CaseReport.Status.FAIL));
        summary.put("errors", r.count(CaseReport.Status.ERROR));
        ArrayNode cases = root.putArray("cases");
        for (CaseReport c : r.cases()) {
            cases.add(caseJson(c));
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render report " + r.name() + " as JSON", e);
        }
    }

    private static ObjectNode caseJson(CaseReport c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", c.name());
        n.put("status", c.status().name());
        if (c.message() != null) {
            n.put("message", c.message());
        }
        n.put("kind", c.kind());
        n.put(c.kind(), c.definition());
        ArrayNode inputs = n.putArray("inputs");
        for (CaseReport.InputInfo in : c.inputs()) {
            ObjectNode i = inputs.addObject();
            i.put("name", in.name());
            ints(i.putArray("shape"), in.shape());
            i.put("dtype", in.dtype());
        }
        CaseReport.Worst w = c.worst();
        if (w != null) {
            n.put("maxAbsErr", w.absErr());
            n.put("maxRelErr", w.relErr());
            n.put("scaledErr", w.scaledErr());
            ObjectNode where = n.putObject("where");
            where.put("test", w.test());
            where.put("input", w.input());
            where.put("argument", w.argument());
            where.put("flatIndex", w.flatIndex());
            ints(where.putArray("index"), w.index());
            ints(where.putArray("shape"), w.shape());
            n.put("analytic", w.analytic());
            n.put("numeric", w.numeric());
        }
        CaseReport.Worst loc = c.located();
        if (loc != null) {
            ObjectNode l = n.putObject("located");
            l.put("input", loc.input());
            l.put("argument", loc.argument());
            l.put("flatIndex", loc.flatIndex());
            ints(l.putArray("index"), loc.index());
            l.put("analytic", loc.analytic());
            l.put("numeric", loc.numeric());
            l.put("absErr", loc.absErr());
            l.put("relErr", loc.relErr());
            l.put("scaledErr", loc.scaledErr());
        }
        double[] ts = c.testScaledErrors();
        if (ts != null) {
            ObjectNode st = n.putObject("scaledErrStats");
            st.put("min", c.scaledErrMin());
            st.put("median", c.scaledErrMedian());
            st.put("max", c.scaledErrMax());
            ArrayNode per = st.putArray("perTest");
            for (double v : ts) {
                per.add(v);
            }
        }
        ArrayNode warn = n.putArray("warnings");
        for (String w0 : c.warnings()) {
            warn.add(w0);
        }
        putNullable(n, "absTol", c.absTol());
        putNullable(n, "relTol", c.relTol());
        putNullable(n, "eps", c.eps());
        n.put("nTests", c.nTests());
        n.put("seed", c.seed());
        n.put("mode", c.mode());
        n.put("elementsTotal", c.elementsTotal());
        n.put("coordinatesPerTest", c.coordinatesPerTest());
        n.put("elementsChecked", c.elementsChecked());
        long[] h = c.histogram();
        if (h != null) {
            ObjectNode hist = n.putObject("scaledErrHistogram");
            for (int b = 0; b < h.length; b++) {
                if (h[b] > 0) {
                    hist.put(b == 0 ? "<1e" + UnitResult.binLowerExponent(1) : "1e" + UnitResult.binLowerExponent(b),
                            h[b]);
                }
            }
        }
        n.put("timeMs", c.timeMs());
        return n;
    }

    private static void putNullable(ObjectNode n, String field, Double v) {
        if (v == null) {
            n.putNull(field);
        } else {
            n.put(field, v.doubleValue());
        }
    }

    private static void ints(ArrayNode a, int[] values) {
        for (int v : values) {
            a.add(v);
        }
    }
}
