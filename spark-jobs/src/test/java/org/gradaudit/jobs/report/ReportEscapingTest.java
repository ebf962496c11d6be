package org.gradaudit.jobs.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.gradaudit.jobs.audit.AuditJob;
import org.gradaudit.jobs.audit.AuditReport;
import org.gradaudit.jobs.audit.AuditSpec;
import org.gradaudit.jobs.audit.CaseReport;
import org.gradaudit.jobs.testing.HostileBuilder;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/**
 * Every user string the audit's writers print (case names, input names, builder text, error
 * messages) is text, never markup: the HTML report of a spec full of hostile names has exactly the
 * tags and attributes of the same spec with plain names, the JUnit XML parses and round-trips the
 * names, and the JSON round-trips them. (The nightly's HTML: {@code NightlyWritersTest}.)
 */
class ReportEscapingTest {
    static final String EVIL_CASE = "<script>alert('case')</script>\" onmouseover=\"alert(2)";
    static final String EVIL_X = "x<svg onload=alert(3)>";
    static final String EVIL_W = "w\"'&amp;<!--";

    private static String q(String s) {
        return JsonMapper.builder().build().valueToTree(s).toString();
    }

    private static AuditReport run(String failing, String erroring, String x, String w) {
        String spec = "{\"name\": \"esc\", \"cases\": ["
                + "{\"name\": " + q(failing) + ", \"builder\": \"org.gradaudit.jobs.examples.BrokenNegCase\", \"inputs\": {"
                + q(x) + ": {\"shape\": [3], \"seed\": 1}, " + q(w) + ": {\"shape\": [3], \"generator\": {\"kind\":"
                + " \"uniform\", \"low\": 0.5, \"high\": 1.5}}}},"
                + "{\"name\": " + q(erroring) + ", \"builder\": \"" + HostileBuilder.class.getName() + "\", \"inputs\": {"
                + q(x) + ": {\"shape\": [2]}}}]}";
        return AuditJob.runLocal(AuditSpec.parse(spec, "esc.json"));
    }

    /** Each tag with its attribute names, in document order: the markup skeleton. */
    static List<String> skeleton(String html) {
        List<String> r = new ArrayList<>();
        Matcher m = Pattern.compile("<\\s*(/?[A-Za-z!][A-Za-z0-9-]*)([^>]*)>").matcher(html);
        while (m.find()) {
            StringBuilder t = new StringBuilder(m.group(1).toLowerCase());
            Matcher a = Pattern.compile("([A-Za-z-]+)\\s*=").matcher(m.group(2).replaceAll("\"[^\"]*\"", "\"\""));
            while (a.find()) {
                t.append(' ').append(a.group(1).toLowerCase());
            }
            r.add(t.toString());
        }
        return r;
    }

    @Test
    void hostileNamesAndMessagesAreTextInEveryFormat() throws Exception {
        AuditReport evil = run(EVIL_CASE, EVIL_CASE + " 2", EVIL_X, EVIL_W);
        AuditReport plain = run("plain", "plain 2", "x", "w");
        assertEquals(CaseReport.Status.FAIL, evil.cases().get(0).status());
        assertEquals(CaseReport.Status.ERROR, evil.cases().get(1).status());
        assertTrue(evil.cases().get(1).message().contains(HostileBuilder.MESSAGE), evil.cases().get(1).message());
        assertTrue(evil.cases().get(0).message().contains(EVIL_X), "the failing input is named: "
                + evil.cases().get(0).message());

        String html = HtmlReportWriter.toHtml(evil);
        assertEquals(skeleton(HtmlReportWriter.toHtml(plain)), skeleton(html),
                "hostile names must not add, drop or change a single tag or attribute");
        for (String raw : List.of("<script", "<svg onload", "<img", "<!--", "\" onmouseover")) {
            assertFalse(html.contains(raw), raw + " must be escaped");
        }
        assertTrue(html.contains(HtmlReportWriter.esc(EVIL_CASE)));
        assertTrue(html.contains(HtmlReportWriter.esc(EVIL_X)));
        assertTrue(html.contains(HtmlReportWriter.esc(EVIL_W)));
        assertTrue(html.contains(HtmlReportWriter.esc(HostileBuilder.MESSAGE)));

        String xml = JUnitXmlWriter.toXml(evil);
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        NodeList cases = d.getElementsByTagName("testcase");
        assertEquals(2, cases.getLength());
        assertEquals(EVIL_CASE, cases.item(0).getAttributes().getNamedItem("name").getNodeValue());
        assertTrue(d.getElementsByTagName("error").item(0).getAttributes().getNamedItem("message").getNodeValue()
                .contains(HostileBuilder.MESSAGE));
        assertEquals(0, d.getElementsByTagName("script").getLength());

        JsonNode json = JsonMapper.builder().build().readTree(JsonReportWriter.toJson(evil));
        assertEquals(EVIL_CASE, json.get("cases").get(0).get("name").asText());
        assertEquals(EVIL_X, json.get("cases").get(0).get("inputs").get(0).get("name").asText());
        assertEquals(EVIL_W, json.get("cases").get(0).get("inputs").get(1).get("name").asText());
    }
}
