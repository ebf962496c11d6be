package org.gradaudit.jobs.report;

import java.util.Locale;
import org.gradaudit.jobs.audit.AuditReport;
import org.gradaudit.jobs.audit.CaseReport;

/**
 * The report as JUnit XML (the Ant/Surefire schema CI servers read): one {@code testsuite} named
 * after the spec, one {@code testcase} per case; a FAIL case has a {@code failure} whose message
 * names the test, input and element (and, in fast mode, the element bisection located), an ERROR
 * case an {@code error}. All text is XML-escaped.
 */
public final class JUnitXmlWriter {
    public static final String FILE = "junit.xml";

    private JUnitXmlWriter() {}

    /** Escapes XML text and attribute values (control characters XML 1.0 forbids become '?'). */
    public static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&': b.append("&amp;"); break;
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                case '"': b.append("&quot;"); break;
                case '\'': b.append("&apos;"); break;
                default:
                    if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                        b.append('?');                   // not allowed in XML 1.0
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.toString();
    }

    public static String toXml(AuditReport r) {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append("<testsuite name=\"gradaudit.").append(esc(r.name())).append("\" tests=\"").append(r.cases().size())
                .append("\" failures=\"").append(r.count(CaseReport.Status.FAIL)).append("\" errors=\"")
                .append(r.count(CaseReport.Status.ERROR)).append("\" skipped=\"0\" time=\"")
                .append(seconds(r.elapsedMs())).append("\" timestamp=\"").append(esc(r.startedAt())).append("\">\n");
        b.append("  <properties><property name=\"seed\" value=\"").append(r.seed()).append("\"/><property name=\"spec\""
                + " value=\"").append(esc(r.specFile())).append("\"/></properties>\n");
        for (CaseReport c : r.cases()) {
            b.append("  <testcase classname=\"gradaudit.").append(esc(r.name())).append("\" name=\"").append(esc(c.name()))
                    .append("\" time=\"").append(seconds(c.timeMs())).append("\"");
            if (c.status() == CaseReport.Status.PASS) {
                b.append("/>\n");
                continue;
            }
            b.append(">\n");
            String tag = c.status() == CaseReport.Status.FAIL ? "failure" : "error";
            String type = c.status() == CaseReport.Status.FAIL ? "GradientError" : "CaseError";
            b.append("    <").append(tag).append(" message=\"").append(esc(c.message())).append("\" type=\"").append(type)
                    .append("\">").append(esc(c.kind() + ": " + c.definition() + "\n" + c.message()));
            for (String w : c.warnings()) {
                b.append(esc("\nwarning: " + w));
            }
            b.append("</").append(tag).append(">\n  </testcase>\n");
        }
        b.append("</testsuite>\n");
        return b.toString();
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.3f", ms / 1000.0);
    }
}
