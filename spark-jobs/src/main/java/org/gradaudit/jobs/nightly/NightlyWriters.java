package org.gradaudit.jobs.nightly;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.gradaudit.jobs.nightly.Comparison.RunInfo;
import org.gradaudit.jobs.nightly.Comparison.TrendPoint;
import org.gradaudit.jobs.report.HtmlReportWriter;
import org.gradaudit.jobs.report.JUnitXmlWriter;
import org.gradaudit.jobs.report.ReportSet;

/**
 * The nightly's report files: {@code nightly.json} (schema in docs/NIGHTLY.md), {@code nightly.html}
 * (regressions first, then every case with an inline SVG trend of its scaled error over the last
 * runs; all user text escaped), {@code junit.xml}, {@code summary.md} (a few lines for a chat
 * message) and {@code baseline.json} (this run as a pinnable baseline).
 */
public final class NightlyWriters {
    public static final String JSON_FILE = "nightly.json";
    public static final String HTML_FILE = "nightly.html";
    public static final String JUNIT_FILE = "junit.xml";
    public static final String MARKDOWN_FILE = "summary.md";
    public static final String FORMAT = "gradaudit-nightly-report/1";
    /** Lines of changes the Markdown summary lists before "and N more". */
    static final int MARKDOWN_LINES = 10;

    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private NightlyWriters() {}

    /** The names {@link #outputs} writes. */
    public static List<String> names() {
        return List.of(JSON_FILE, HTML_FILE, JUNIT_FILE, MARKDOWN_FILE, Baseline.FILE);
    }

    /** Every output, for {@link ReportSet#writeAll}; {@code out} is named in the Markdown summary. */
    public static List<ReportSet.Output> outputs(NightlyReport r, Path out) {
        return List.of(
                ReportSet.text(JSON_FILE, () -> toJson(r)),
                ReportSet.text(HTML_FILE, () -> toHtml(r)),
                ReportSet.text(JUNIT_FILE, () -> toJUnit(r)),
                ReportSet.text(MARKDOWN_FILE, () -> toMarkdown(r, out.toAbsolutePath().resolve(HTML_FILE).toString())),
                ReportSet.text(Baseline.FILE, () -> Baseline.toJson(r)));
    }

    // ------------------------------------------------------------------ JSON

    public static String toJson(NightlyReport r) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("suite", r.suite());
        root.put("suiteFile", r.suiteFile());
        root.put("runId", r.runId());
        root.put("runDate", r.runDate());
        root.put("startedAt", r.startedAt());
        root.put("engine", r.engine());
        root.put("elapsedMs", r.elapsedMs());
        root.put("history", r.history());
        ObjectNode seeds = root.putObject("seeds");
        seeds.put("fixed", r.fixedSeed());
        if (r.rotatingSeed() == null) {
            seeds.putNull("rotating");
        } else {
            seeds.put("rotating", r.rotatingSeed().longValue());
        }
        root.put("verdict", r.verdict());
        root.put("exitCode", r.exitCode());
        ObjectNode settings = root.putObject("settings");
        settings.put("growth", r.thresholds().growth());
        settings.put("errorFloor", r.thresholds().errorFloor());
        settings.put("runtimeFactor", r.thresholds().runtimeFactor());
        settings.put("runtimeMinMs", r.thresholds().runtimeMinMs());
        settings.put("last", r.last());
        if (r.previousRun() == null) {
            root.putNull("previousRun");
        } else {
            run(root.putObject("previousRun"), r.previousRun());
        }
        if (r.baseline() == null) {
            root.putNull("baseline");
        } else {
            root.put("baseline", r.baseline());
        }
        ObjectNode summary = root.putObject("summary");
        summary.put("cases", r.rows().size());
        summary.put("passed", r.count("PASS"));
        summary.put("failed", r.count("FAIL"));
        summary.put("errors", r.count("ERROR"));
        summary.put("regressions", r.regressions().size());
        changes(root.putArray("vsPrevious"), r.vsPrevious());
        changes(root.putArray("vsBaseline"), r.vsBaseline());
        ArrayNode runs = root.putArray("runs");
        for (RunInfo ri : r.trends().runs()) {
            run(runs.addObject(), ri);
        }
        ArrayNode cases = root.putArray("cases");
        for (HistoryRow h : r.rows()) {
            ObjectNode c = cases.addObject();
            c.put("key", h.key());
            c.put("seedSet", h.getSeedSet());
            c.put("caseName", h.getCaseName());
            c.put("status", h.getStatus());
            if (h.getMessage() != null) {
                c.put("message", h.getMessage());
            }
            c.put("kind", h.getKind());
            c.put("definition", h.getDefinition());
            c.put("inputs", h.getInputs());
            c.put("seed", h.getSeed());
            Baseline.putNullable(c, "scaledErr", h.getScaledErr());
            Baseline.putNullable(c, "absErr", h.getAbsErr());
            Baseline.putNullable(c, "relErr", h.getRelErr());
            if (h.getWorstInput() != null) {
                c.put("worstInput", h.getWorstInput());
                c.put("worstIndex", h.getWorstIndex());
            }
            c.put("timeMs", h.getTimeMs());
            ArrayNode trend = c.putArray("trend");
            TrendPoint[] pts = r.trends().points().get(h.key());
            for (int i = 0; i < r.trends().runs().size(); i++) {
                TrendPoint p = pts == null ? null : pts[i];
                if (p == null) {
                    trend.addNull();
                } else {
                    ObjectNode t = trend.addObject();
                    t.put("status", p.status());
                    Baseline.putNullable(t, "scaledErr", p.scaledErr());
                    t.put("timeMs", p.timeMs());
                }
            }
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the nightly report of run " + r.runId() + " as JSON", e);
        }
    }

    private static void run(ObjectNode n, RunInfo ri) {
        n.put("runId", ri.runId());
        n.put("runDate", ri.runDate());
        n.put("startedAt", ri.startedAt());
    }

    private static void changes(ArrayNode a, List<Change> changes) {
        for (Change c : changes) {
            ObjectNode n = a.addObject();
            n.put("kind", c.kind().name());
            n.put("regression", c.regression());
            n.put("key", c.key());
            n.put("seedSet", c.seedSet());
            n.put("caseName", c.caseName());
            n.put("refRunId", c.refRunId());
            n.put("refStatus", c.refStatus());
            n.put("curStatus", c.curStatus());
            Baseline.putNullable(n, "refScaledErr", c.refErr());
            Baseline.putNullable(n, "curScaledErr", c.curErr());
            if (c.refTimeMs() == null) {
                n.putNull("refTimeMs");
            } else {
                n.put("refTimeMs", c.refTimeMs().longValue());
            }
            if (c.curTimeMs() == null) {
                n.putNull("curTimeMs");
            } else {
                n.put("curTimeMs", c.curTimeMs().longValue());
            }
            n.put("definitionChanged", c.definitionChanged());
            n.put("description", c.describe());
        }
    }

    // ------------------------------------------------------------------ Markdown

    /** A few lines for a chat message: the verdict, the regressions, the counts and where the report is. */
    public static String toMarkdown(NightlyReport r, String reportPath) {
        StringBuilder b = new StringBuilder();
        String verdict = r.verdict().toUpperCase(Locale.ROOT);
        b.append("**gradaudit nightly ").append(code(r.suite())).append("** ").append(r.runDate()).append(" (run ")
                .append(code(r.runId())).append("): **").append(verdict).append("** - ")
                .append(r.regressions().size()).append(" regression(s); ").append(r.count("PASS")).append(" passed, ")
                .append(r.count("FAIL")).append(" failed, ").append(r.count("ERROR")).append(" errors of ")
                .append(r.rows().size()).append(" cases\n");
        List<String> lines = new ArrayList<>();
        for (Change c : r.regressions()) {
            lines.add("- " + c.kind().label() + " vs " + ref(r, c) + ": " + code(c.key()) + " " + md(c.describe()));
        }
        for (Change c : r.vsPrevious()) {
            if (c.kind() == Change.Kind.NEWLY_PASSING) {
                lines.add("- newly passing vs " + ref(r, c) + ": " + code(c.key()));
            }
        }
        for (int i = 0; i < Math.min(lines.size(), MARKDOWN_LINES); i++) {
            b.append(lines.get(i)).append('\n');
        }
        if (lines.size() > MARKDOWN_LINES) {
            b.append("- and ").append(lines.size() - MARKDOWN_LINES).append(" more\n");
        }
        b.append("vs previous run ").append(r.previousRun() == null ? "(none dated earlier)" : code(r.previousRun().runId()))
                .append(": ").append(counts(r.vsPrevious())).append("; vs baseline ")
                .append(r.baseline() == null ? "(none)" : counts(r.vsBaseline()))
                .append('\n');
        b.append("Report: ").append(md(reportPath)).append('\n');
        return b.toString();
    }

    private static String ref(NightlyReport r, Change c) {
        return c.reference().equals(Change.PREVIOUS) ? "previous (" + c.refRunId() + ")" : "baseline";
    }

    private static String counts(List<Change> changes) {
        Map<Change.Kind, Integer> n = new LinkedHashMap<>();
        for (Change c : changes) {
            n.merge(c.kind(), 1, Integer::sum);
        }
        if (n.isEmpty()) {
            return "no changes";
        }
        List<String> parts = new ArrayList<>();
        n.forEach((k, v) -> parts.add(v + " " + k.label()));
        return String.join(", ", parts);
    }

    /** A Markdown code span that cannot be broken out of (backticks and line breaks replaced). */
    static String code(String s) {
        return "`" + (s == null ? "" : s.replace('`', '\'').replace('\n', ' ').replace('\r', ' ')) + "`";
    }

    /** Plain Markdown text with the characters that start markup escaped. */
    static String md(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (char ch : s.toCharArray()) {
            if ("\\`*_[]<#|!".indexOf(ch) >= 0) {
                b.append('\\');
            }
            b.append(ch == '\n' || ch == '\r' ? ' ' : ch);
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ JUnit XML

    /**
     * One testcase per case of this run (classname {@code gradaudit.nightly.SUITE.SEEDSET}): a
     * regression is a {@code failure} of type Regression, otherwise FAIL a failure of type
     * GradientError and ERROR an {@code error}; a case missing from this run is a {@code skipped}
     * testcase.
     */
    public static String toJUnit(NightlyReport r) {
        Map<String, List<Change>> byKey = new LinkedHashMap<>();
        for (Change c : r.regressions()) {
            byKey.computeIfAbsent(c.key(), k -> new ArrayList<>()).add(c);
        }
        Set<String> missing = new LinkedHashSet<>();
        List<Change> missingChanges = new ArrayList<>();
        for (Change c : concat(r.vsPrevious(), r.vsBaseline())) {
            if (c.kind() == Change.Kind.MISSING && missing.add(c.key())) {
                missingChanges.add(c);
            }
        }
        List<HistoryRow> rows = r.rows();
        int failures = 0;
        int errors = 0;
        for (HistoryRow h : rows) {
            if (byKey.containsKey(h.key()) || "FAIL".equals(h.getStatus())) {
                failures++;
            } else if ("ERROR".equals(h.getStatus())) {
                errors++;
            }
        }
        String suite = JUnitXmlWriter.esc(r.suite());
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append("<testsuite name=\"gradaudit.nightly.").append(suite).append("\" tests=\"")
                .append(rows.size() + missingChanges.size()).append("\" failures=\"").append(failures)
                .append("\" errors=\"").append(errors).append("\" skipped=\"").append(missingChanges.size())
                .append("\" time=\"").append(seconds(r.elapsedMs())).append("\" timestamp=\"")
                .append(JUnitXmlWriter.esc(r.startedAt())).append("\">\n");
        b.append("  <properties><property name=\"runId\" value=\"").append(JUnitXmlWriter.esc(r.runId()))
                .append("\"/><property name=\"runDate\" value=\"").append(r.runDate())
                .append("\"/><property name=\"verdict\" value=\"").append(r.verdict()).append("\"/></properties>\n");
        for (HistoryRow h : rows) {
            b.append("  <testcase classname=\"gradaudit.nightly.").append(suite).append('.').append(h.getSeedSet())
                    .append("\" name=\"").append(JUnitXmlWriter.esc(h.getCaseName())).append("\" time=\"")
                    .append(seconds(h.getTimeMs())).append("\"");
            List<Change> regs = byKey.get(h.key());
            if (regs == null && "PASS".equals(h.getStatus())) {
                b.append("/>\n");
                continue;
            }
            b.append(">\n");
            if (regs != null) {
                StringBuilder msg = new StringBuilder();
                for (Change c : regs) {
                    msg.append(msg.length() == 0 ? "" : "; ").append(c.kind().label()).append(" vs ")
                            .append(c.reference()).append(": ").append(c.describe());
                }
                b.append("    <failure type=\"Regression\" message=\"").append(JUnitXmlWriter.esc(msg.toString()))
                        .append("\">").append(JUnitXmlWriter.esc(msg + (h.getMessage() == null ? ""
                                : "\n" + h.getMessage()))).append("</failure>\n");
            } else {
                String tag = "FAIL".equals(h.getStatus()) ? "failure" : "error";
                String type = "FAIL".equals(h.getStatus()) ? "GradientError" : "CaseError";
                b.append("    <").append(tag).append(" type=\"").append(type).append("\" message=\"")
                        .append(JUnitXmlWriter.esc(h.getMessage())).append("\">")
                        .append(JUnitXmlWriter.esc(h.getKind() + ": " + h.getDefinition() + "\n" + h.getMessage()))
                        .append("</").append(tag).append(">\n");
            }
            b.append("  </testcase>\n");
        }
        for (Change c : missingChanges) {
            b.append("  <testcase classname=\"gradaudit.nightly.").append(suite).append('.').append(c.seedSet())
                    .append("\" name=\"").append(JUnitXmlWriter.esc(c.caseName())).append("\" time=\"0.000\">\n")
                    .append("    <skipped message=\"").append(JUnitXmlWriter.esc("missing from this run: "
                            + c.describe() + " in the " + c.reference() + " run")).append("\"/>\n  </testcase>\n");
        }
        b.append("</testsuite>\n");
        return b.toString();
    }

    private static List<Change> concat(List<Change> a, List<Change> b) {
        List<Change> r = new ArrayList<>(a);
        r.addAll(b);
        return r;
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.3f", ms / 1000.0);
    }

    // ------------------------------------------------------------------ HTML

    /**
     * One self-contained page: the verdict and counts, the regressions and other changes against
     * each reference, then every case (regressed, failing, then the rest) with an inline SVG trend.
     */
    public static String toHtml(NightlyReport r) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>gradaudit nightly: ")
                .append(esc(r.suite())).append(' ').append(esc(r.runDate())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;max-width:75em}table{border-collapse:collapse}")
                .append("td,th{padding:2px 8px;text-align:left;vertical-align:top}")
                .append(".case{border:1px solid #ccc;margin:0.6em 0;padding:0.3em 1em}")
                .append(".regression{color:#b00;font-weight:bold}.clean{color:#070;font-weight:bold}")
                .append(".failing{color:#a60;font-weight:bold}.FAIL{color:#b00}.ERROR{color:#a60}.PASS{color:#070}")
                .append("code{background:#f4f4f4}\n</style></head><body>\n");
        b.append("<h1>gradaudit nightly <code>").append(esc(r.suite())).append("</code> ").append(esc(r.runDate()))
                .append("</h1>\n<p class=\"").append(r.verdict()).append("\">").append(r.verdict().toUpperCase(Locale.ROOT))
                .append(": ").append(r.regressions().size()).append(" regression(s); ").append(r.count("PASS"))
                .append(" passed, ").append(r.count("FAIL")).append(" failed, ").append(r.count("ERROR"))
                .append(" errors (").append(r.rows().size()).append(" cases). Exit code ").append(r.exitCode())
                .append(".</p>\n<table>");
        row(b, "run", r.runId() + ", started " + r.startedAt() + ", " + r.engine() + ", " + r.elapsedMs() + " ms");
        row(b, "suite", r.suiteFile());
        row(b, "seeds", "fixed " + r.fixedSeed() + (r.rotatingSeed() == null ? ", no rotating set"
                : ", rotating " + r.rotatingSeed() + " (from the date)"));
        row(b, "previous run", r.previousRun() == null ? "none (first run in the history)"
                : r.previousRun().runId() + " (" + r.previousRun().runDate() + ")");
        row(b, "baseline", r.baseline() == null ? "none" : r.baseline());
        row(b, "history", r.history());
        row(b, "thresholds", "error growth > x" + plain(r.thresholds().growth()) + " over max(reference, "
                + plain(r.thresholds().errorFloor()) + ") (fixed seed only); slower > x" + plain(r.thresholds().runtimeFactor())
                + " and > " + r.thresholds().runtimeMinMs() + " ms");
        b.append("</table>\n");
        changesHtml(b, "Against the previous run", r.vsPrevious(), r.previousRun() == null
                ? "No previous run: this is the first run in the history (or the first with an earlier date)." : null);
        changesHtml(b, "Against the baseline", r.vsBaseline(), r.baseline() == null ? "No baseline given." : null);

        Set<String> regressed = new LinkedHashSet<>();
        for (Change c : r.regressions()) {
            regressed.add(c.key());
        }
        List<HistoryRow> ordered = new ArrayList<>();
        for (HistoryRow h : r.rows()) {
            if (regressed.contains(h.key())) {
                ordered.add(h);
            }
        }
        for (String s : List.of("FAIL", "ERROR", "PASS")) {
            for (HistoryRow h : r.rows()) {
                if (!regressed.contains(h.key()) && s.equals(h.getStatus())) {
                    ordered.add(h);
                }
            }
        }
        b.append("<h2>Cases</h2>\n<p>Trend: log10(scaled error) over the last ").append(r.trends().runs().size())
                .append(" run(s), oldest on the left; the dashed line is the tolerance (scaled error 1); red points"
                        + " failed, orange errored (drawn at the top), gaps: the case did not run.</p>\n");
        for (HistoryRow h : ordered) {
            b.append("<div class=\"case\"><b class=\"").append(esc(h.getStatus())).append("\">").append(esc(h.getStatus()))
                    .append("</b> <code>").append(esc(h.key())).append("</code>")
                    .append(regressed.contains(h.key()) ? " <span class=\"regression\">regressed</span>" : "")
                    .append("<br>").append(esc(h.getKind())).append(": <code>").append(esc(h.getDefinition()))
                    .append("</code>; ").append(esc(h.getInputs())).append("; seed ").append(h.getSeed())
                    .append("; scaled error ").append(esc(Change.num(h.getScaledErr())))
                    .append(h.getWorstInput() == null ? "" : " at " + esc(h.getWorstInput() + " " + h.getWorstIndex()))
                    .append("; ").append(h.getTimeMs()).append(" ms");
            if (h.getMessage() != null) {
                b.append("<br><b>").append(esc(h.getMessage())).append("</b>");
            }
            b.append("<br>\n").append(trendSvg(r.trends().runs(), r.trends().points().get(h.key()))).append("</div>\n");
        }
        b.append("</body></html>\n");
        return b.toString();
    }

    private static void changesHtml(StringBuilder b, String title, List<Change> changes, String none) {
        b.append("<h2>").append(esc(title)).append("</h2>\n");
        if (none != null) {
            b.append("<p>").append(esc(none)).append("</p>\n");
            return;
        }
        if (changes.isEmpty()) {
            b.append("<p>No changes.</p>\n");
            return;
        }
        b.append("<table><tr><th>change</th><th>case</th><th>detail</th></tr>\n");
        for (Change c : changes) {
            b.append("<tr><td").append(c.regression() ? " class=\"regression\"" : "").append(">")
                    .append(esc(c.kind().label())).append("</td><td><code>").append(esc(c.key())).append("</code></td><td>")
                    .append(esc(c.describe())).append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    /** Lowest and highest log10(scaled error) the trend plot shows; values outside are drawn at the edge. */
    static final double LOG_MIN = -12;
    static final double LOG_MAX = 4;

    /** A small line plot of log10(scaled error) per run. */
    static String trendSvg(List<RunInfo> runs, TrendPoint[] pts) {
        int n = runs.size();
        int w = 40 + Math.max(1, n) * 24;
        int h = 70;
        int top = 6;
        int plot = 50;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(h)
                .append("\" role=\"img\"><title>log10(scaled error) over the last runs</title>\n");
        double tolY = y(0, top, plot);
        s.append("<line x1=\"30\" y1=\"").append(fmt(tolY)).append("\" x2=\"").append(w - 4).append("\" y2=\"")
                .append(fmt(tolY)).append("\" stroke=\"#000\" stroke-dasharray=\"3,2\"/>\n");
        s.append("<text x=\"0\" y=\"").append(fmt(tolY + 3)).append("\" font-size=\"8\">tol</text>\n");
        s.append("<text x=\"0\" y=\"").append(top + plot).append("\" font-size=\"8\">1e").append((int) LOG_MIN)
                .append("</text>\n");
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < n; i++) {
            TrendPoint p = pts == null ? null : pts[i];
            double x = 40 + i * 24;
            if (p == null) {
                if (line.length() > 0) {
                    s.append("<polyline fill=\"none\" stroke=\"#39c\" points=\"").append(line).append("\"/>\n");
                    line.setLength(0);
                }
                continue;
            }
            double v = p.scaledErr() == null ? Double.NaN : p.scaledErr();
            double yy;
            if (p.scaledErr() == null || Double.isNaN(v)) {
                yy = top;                                                // ERROR or non-finite: drawn at the top
            } else {
                yy = y(v <= 0 ? LOG_MIN : Math.log10(v), top, plot);
            }
            if (p.scaledErr() != null && !Double.isNaN(v)) {
                line.append(fmt(x)).append(',').append(fmt(yy)).append(' ');
            }
            String color = "PASS".equals(p.status()) ? "#070" : "FAIL".equals(p.status()) ? "#c00" : "#e80";
            s.append("<circle cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(yy)).append("\" r=\"3\" fill=\"")
                    .append(color).append("\"><title>").append(esc(p.runId() + " (" + p.runDate() + "): " + p.status()
                            + ", scaled error " + Change.num(p.scaledErr()) + ", " + p.timeMs() + " ms"))
                    .append("</title></circle>\n");
        }
        if (line.length() > 0) {
            s.append("<polyline fill=\"none\" stroke=\"#39c\" points=\"").append(line).append("\"/>\n");
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static double y(double log10, int top, int plot) {
        double c = Math.max(LOG_MIN, Math.min(LOG_MAX, log10));
        return top + plot * (LOG_MAX - c) / (LOG_MAX - LOG_MIN);
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>");
    }

    static String esc(String s) {
        return HtmlReportWriter.esc(s);
    }

    /** An SVG coordinate. */
    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** A threshold as written: 10, 0.001, 2.5. */
    private static String plain(double v) {
        return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
