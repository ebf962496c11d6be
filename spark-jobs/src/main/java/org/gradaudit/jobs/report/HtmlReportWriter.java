package org.gradaudit.jobs.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.gradaudit.core.check.UnitResult;
import org.gradaudit.jobs.audit.AuditReport;
import org.gradaudit.jobs.audit.CaseReport;

/**
 * The report as one self-contained HTML page (no scripts, no external resources): a summary,
 * then the cases with failing ones first (FAIL, ERROR, then PASS, each in spec order), each with
 * its location, settings, warnings and an inline SVG histogram of log10(scaled error) over all
 * compared elements with the tolerance (scaled error 1) marked. Every piece of user text (names,
 * expressions, messages) is HTML-escaped.
 */
public final class HtmlReportWriter {
    public static final String FILE = "report.html";

    private HtmlReportWriter() {}

    /** Escapes &amp; &lt; &gt; &quot; &#39; for text and attribute values. */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&': b.append("&amp;"); break;
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                case '"': b.append("&quot;"); break;
                case '\'': b.append("&#39;"); break;
                default: b.append(c);
            }
        }
        return b.toString();
    }

    /** The cases in report order: FAIL, then ERROR, then PASS, each in spec order. */
    static List<CaseReport> ordered(AuditReport r) {
        List<CaseReport> out = new ArrayList<>();
        for (CaseReport.Status s : List.of(CaseReport.Status.FAIL, CaseReport.Status.ERROR, CaseReport.Status.PASS)) {
            for (CaseReport c : r.cases()) {
                if (c.status() == s) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    public static String toHtml(AuditReport r) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>gradaudit: ")
                .append(esc(r.name())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}")
                .append("td,th{padding:2px 8px;text-align:left;vertical-align:top}")
                .append(".case{border:1px solid #ccc;margin:1em 0;padding:0.5em 1em}")
                .append(".FAIL h2{color:#b00}.ERROR h2{color:#a60}.PASS h2{color:#070}")
                .append("code{background:#f4f4f4}.warn{color:#a60}\n</style></head><body>\n");
        b.append("<h1>gradaudit audit <code>").append(esc(r.name())).append("</code></h1>\n<p>")
                .append(r.count(CaseReport.Status.PASS)).append(" passed, ").append(r.count(CaseReport.Status.FAIL))
                .append(" failed, ").append(r.count(CaseReport.Status.ERROR)).append(" errors (").append(r.cases().size())
                .append(" cases). Spec <code>").append(esc(r.specFile())).append("</code>, seed ").append(r.seed())
                .append(", ").append(esc(r.engine())).append(", ").append(r.units()).append(" units, started ")
                .append(esc(r.startedAt())).append(".</p>\n");
        b.append("<table><tr><th>status</th><th>case</th><th>scaled error</th><th>where</th></tr>\n");
        for (CaseReport c : ordered(r)) {
            CaseReport.Worst w = c.located() != null ? c.located() : c.worst();
            b.append("<tr><td>").append(c.status()).append("</td><td><a href=\"#case-").append(anchor(c.name()))
                    .append("\">").append(esc(c.name())).append("</a></td><td>")
                    .append(w == null ? "" : num(c.worst().scaledErr())).append("</td><td>")
                    .append(w == null ? "" : esc(w.input() + (w.argument() < 0 ? "" : Arrays.toString(w.index()))))
                    .append("</td></tr>\n");
        }
        b.append("</table>\n");
        for (CaseReport c : ordered(r)) {
            caseHtml(b, c);
        }
        b.append("</body></html>\n");
        return b.toString();
    }

    private static void caseHtml(StringBuilder b, CaseReport c) {
        b.append("<div class=\"case ").append(c.status()).append("\" id=\"case-").append(anchor(c.name())).append("\">\n")
                .append("<h2>").append(c.status()).append(" ").append(esc(c.name())).append("</h2>\n");
        b.append("<p>").append(esc(c.kind())).append(": <code>").append(esc(c.definition())).append("</code></p>\n");
        if (c.message() != null) {
            b.append("<p><b>").append(esc(c.message())).append("</b></p>\n");
        }
        b.append("<table>");
        row(b, "inputs", inputs(c));
        row(b, "mode", c.mode() + ", " + c.nTests() + " tests, eps " + numObj(c.eps()) + ", absTol " + numObj(c.absTol())
                + ", relTol " + numObj(c.relTol()));
        row(b, "elements", c.elementsChecked() + " comparisons; " + c.coordinatesPerTest() + " per test of "
                + c.elementsTotal() + " elements");
        CaseReport.Worst w = c.worst();
        if (w != null) {
            row(b, "worst", "test " + w.test() + ", " + w.input() + (w.argument() < 0 ? "" : " " + Arrays.toString(w.index()))
                    + ": analytic " + num(w.analytic()) + ", numeric " + num(w.numeric()) + ", abs err "
                    + num(w.absErr()) + ", rel err " + num(w.relErr()) + ", scaled " + num(w.scaledErr()));
        }
        if (c.located() != null) {
            CaseReport.Worst l = c.located();
            row(b, "located", "input " + l.input() + " " + Arrays.toString(l.index()) + ": analytic " + num(l.analytic())
                    + ", numeric " + num(l.numeric()) + ", scaled " + num(l.scaledErr()));
        }
        if (c.testScaledErrors() != null) {
            row(b, "scaled error per test", "min " + numObj(c.scaledErrMin()) + ", median " + numObj(c.scaledErrMedian())
                    + ", max " + numObj(c.scaledErrMax()));
        }
        row(b, "time", c.timeMs() + " ms");
        b.append("</table>\n");
        for (String warning : c.warnings()) {
            b.append("<p class=\"warn\">warning: ").append(esc(warning)).append("</p>\n");
        }
        if (c.histogram() != null) {
            b.append(svg(c.histogram()));
        }
        b.append("</div>\n");
    }

    /** A bar chart of the histogram; the bin of scaled error 1 (the tolerance) and above in red. */
    static String svg(long[] h) {
        int bins = h.length;
        int bw = 18;
        int height = 80;
        long max = 1;
        for (long v : h) {
            max = Math.max(max, v);
        }
        int width = bins * bw + 40;
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(width).append("\" height=\"")
                .append(height + 30).append("\" role=\"img\"><title>log10(scaled error) histogram</title>\n");
        int tolBin = UnitResult.HIST_BINS - 1;
        for (int i = 1; i < bins; i++) {
            if (UnitResult.binLowerExponent(i) == 0) {
                tolBin = i;
            }
        }
        for (int i = 0; i < bins; i++) {
            int bh = (int) Math.round(height * (double) h[i] / max);
            int x = 20 + i * bw;
            s.append("<rect x=\"").append(x).append("\" y=\"").append(height - bh).append("\" width=\"").append(bw - 2)
                    .append("\" height=\"").append(bh).append("\" fill=\"").append(i >= tolBin ? "#c33" : "#39c")
                    .append("\"><title>").append(i == 0 ? "< 1e" + UnitResult.binLowerExponent(1)
                            : "1e" + UnitResult.binLowerExponent(i)).append(": ").append(h[i]).append("</title></rect>\n");
            if (i % 4 == 1) {
                s.append("<text x=\"").append(x).append("\" y=\"").append(height + 14).append("\" font-size=\"9\">1e")
                        .append(UnitResult.binLowerExponent(i)).append("</text>\n");
            }
        }
        int tx = 20 + tolBin * bw - 1;
        s.append("<line x1=\"").append(tx).append("\" y1=\"0\" x2=\"").append(tx).append("\" y2=\"").append(height)
                .append("\" stroke=\"#000\" stroke-dasharray=\"3,2\"/>\n<text x=\"").append(tx + 2)
                .append("\" y=\"10\" font-size=\"9\">tolerance</text>\n");
        s.append("<text x=\"20\" y=\"").append(height + 26).append("\" font-size=\"9\">log10(scaled error) per compared"
                + " element, all tests (max bar ").append(max).append(")</text>\n</svg>\n");
        return s.toString();
    }

    private static String inputs(CaseReport c) {
        StringBuilder b = new StringBuilder();
        for (CaseReport.InputInfo in : c.inputs()) {
            b.append(b.length() == 0 ? "" : ", ").append(in.name()).append(' ').append(in.dtype())
                    .append(Arrays.toString(in.shape()));
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append("<tr><th>").append(esc(k)).append("</th><td>").append(esc(v)).append("</td></tr>");
    }

    private static String anchor(String name) {
        StringBuilder b = new StringBuilder();
        for (char ch : name.toCharArray()) {
            b.append(Character.isLetterOrDigit(ch) ? String.valueOf(ch) : "_" + Integer.toHexString(ch));
        }
        return b.toString();
    }

    static String num(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static String numObj(Double v) {
        return v == null ? "default" : num(v);
    }
}
