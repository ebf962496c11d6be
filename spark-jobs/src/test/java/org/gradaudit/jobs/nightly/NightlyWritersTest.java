package org.gradaudit.jobs.nightly;

import static org.gradaudit.jobs.nightly.NightlyTesting.row;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The report files from a crafted report whose user text is hostile: escaping, structure, exit codes. */
class NightlyWritersTest {
    static final String EVIL = "<script>alert('x')</script> & \"q\" `tick`";

    /** A report with one regressed case named {@link #EVIL}, one known failure, one missing case. */
    static NightlyReport report() {
        HistoryRow evil = row("2024-02-02", "r2", HistoryRow.FIXED, EVIL, "FAIL", 4.0, 12);
        evil.setDefinition("sum(x) </code><img src=x onerror=alert(1)>");
        evil.setMessage("bad <b>gradient</b> & more\nsecond line");
        evil.setWorstInput("x<y");
        evil.setInputs("x<iframe src=javascript:alert(1)> float64[3]");
        evil.setWorstIndex("[1]");
        HistoryRow known = row("2024-02-02", "r2", HistoryRow.FIXED, "known", "ERROR", null, 3);
        HistoryRow fine = row("2024-02-02", "r2", HistoryRow.ROTATING, "fine", "PASS", 1e-4, 3);
        Change reg = new Change(Change.Kind.NEWLY_FAILING, Change.PREVIOUS, "r1", HistoryRow.FIXED, EVIL, "PASS",
                "FAIL", 1e-3, 4.0, 10L, 12L, true);
        Change missing = new Change(Change.Kind.MISSING, Change.PREVIOUS, "r1", HistoryRow.FIXED, "gone<&>", "PASS",
                null, 1e-3, null, 10L, null, false);
        List<Comparison.RunInfo> runs = List.of(new Comparison.RunInfo("r1", "2024-02-01", "t1"),
                new Comparison.RunInfo("r2", "2024-02-02", "t2"));
        Comparison.TrendPoint[] pts = {new Comparison.TrendPoint("r1<", "2024-02-01", "PASS", 1e-3, 10),
                new Comparison.TrendPoint("r2", "2024-02-02", "FAIL", 4.0, 12)};
        return new NightlyReport("suite<&>", "s.json", "r2", "2024-02-02", "t2", 666, 42L, "local", 5, "/h", runs.get(0),
                null, Comparison.Thresholds.DEFAULTS, 14, List.of(evil, known, fine), List.of(reg, missing), List.of(),
                new Comparison.Trends(runs, Map.of(evil.key(), pts)));
    }

    @Test
    void htmlEscapesEveryPieceOfUserText() {
        String html = NightlyWriters.toHtml(report());
        assertFalse(html.contains("<script>"), "a case name must not become markup");
        assertFalse(html.contains("<img"), "a definition must not become markup");
        assertFalse(html.contains("<b>gradient"), "a message must not become markup");
        assertFalse(html.contains("<iframe"), "input names must not become markup");
        assertTrue(html.contains("x&lt;iframe src=javascript:alert(1)&gt; float64[3]"), html);
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"), html);
        assertTrue(html.contains("bad &lt;b&gt;gradient&lt;/b&gt; &amp; more"), html);
        assertTrue(html.contains("<code>gone&lt;&amp;&gt;</code>"), html);
        assertTrue(html.contains("<title>gradaudit nightly: suite&lt;&amp;&gt; 2024-02-02</title>"), html);
        assertTrue(html.contains("<title>r1&lt; (2024-02-01): PASS, scaled error 0.00100, 10 ms</title>"),
                "trend point tooltips are escaped too");
        assertEquals(1, count(html, "<polyline"), "one line through the two points of the regressed case");
        assertEquals(3, count(html, "<svg"), "one trend per case");
        int regressed = html.indexOf("regressed</span>");
        assertTrue(regressed > 0 && regressed < html.indexOf("<code>known</code><br>"), "regressed cases first");
    }

    @Test
    void junitIsWellFormedAndCarriesRegressionsFailuresAndMissingCases() throws Exception {
        String xml = NightlyWriters.toJUnit(report());
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        Element suite = d.getDocumentElement();
        assertEquals("gradaudit.nightly.suite<&>", suite.getAttribute("name"));
        assertEquals("4", suite.getAttribute("tests"));
        assertEquals("1", suite.getAttribute("failures"));
        assertEquals("1", suite.getAttribute("errors"));
        assertEquals("1", suite.getAttribute("skipped"));
        NodeList cases = d.getElementsByTagName("testcase");
        Element first = (Element) cases.item(0);
        assertEquals(EVIL, first.getAttribute("name"));
        Element failure = (Element) first.getElementsByTagName("failure").item(0);
        assertEquals("Regression", failure.getAttribute("type"));
        assertTrue(failure.getAttribute("message").startsWith("newly failing vs previous: PASS -> FAIL"),
                failure.getAttribute("message"));
        assertTrue(failure.getTextContent().contains("bad <b>gradient</b> & more"));
        assertEquals("CaseError", ((Element) ((Element) cases.item(1)).getElementsByTagName("error").item(0))
                .getAttribute("type"));
        assertEquals("gone<&>", ((Element) cases.item(3)).getAttribute("name"));
        assertEquals(1, ((Element) cases.item(3)).getElementsByTagName("skipped").getLength());
    }

    @Test
    void markdownIsShortAndCannotBeBrokenOutOf() {
        String md = NightlyWriters.toMarkdown(report(), "/out/nightly.html");
        String[] lines = md.split("\n");
        assertEquals("**gradaudit nightly `suite<&>`** 2024-02-02 (run `r2`): **REGRESSION** - 1 regression(s); 1 passed,"
                + " 1 failed, 1 errors of 3 cases", lines[0]);
        assertEquals("- newly failing vs previous (r1): `<script>alert('x')</script> & \"q\" 'tick'` PASS -> FAIL; its"
                + " definition changed", lines[1]);
        assertEquals("vs previous run `r1`: 1 newly failing, 1 missing; vs baseline (none)", lines[2]);
        assertEquals("Report: /out/nightly.html", lines[3]);
        assertEquals(4, lines.length);
    }

    @Test
    void jsonHasTheDocumentedFields() throws Exception {
        JsonNode j = JsonMapper.builder().build().readTree(NightlyWriters.toJson(report()));
        assertEquals(NightlyWriters.FORMAT, j.get("format").asText());
        assertEquals(3, j.get("exitCode").asInt());
        assertEquals("regression", j.get("verdict").asText());
        assertEquals(42, j.get("seeds").get("rotating").asLong());
        assertEquals("r1", j.get("previousRun").get("runId").asText());
        assertTrue(j.get("baseline").isNull());
        assertEquals(1, j.get("summary").get("regressions").asInt());
        JsonNode reg = j.get("vsPrevious").get(0);
        assertEquals("NEWLY_FAILING", reg.get("kind").asText());
        assertTrue(reg.get("regression").asBoolean());
        assertEquals(EVIL, reg.get("caseName").asText());
        assertEquals("MISSING", j.get("vsPrevious").get(1).get("kind").asText());
        assertTrue(j.get("vsPrevious").get(1).get("curStatus").isNull());
        JsonNode c0 = j.get("cases").get(0);
        assertEquals(2, c0.get("trend").size());
        assertEquals("FAIL", c0.get("trend").get(1).get("status").asText());
        assertTrue(j.get("cases").get(1).get("trend").get(0).isNull(), "no trend points: nulls");
        assertTrue(j.get("cases").get(1).get("scaledErr").isNull());
    }

    @Test
    void exitCodeRegressionOutranksFailureWhichOutranksClean() {
        NightlyReport r = report();
        assertEquals(3, r.exitCode());
        NightlyReport noRegression = new NightlyReport(r.suite(), r.suiteFile(), r.runId(), r.runDate(), r.startedAt(),
                r.fixedSeed(), r.rotatingSeed(), r.engine(), r.elapsedMs(), r.history(), r.previousRun(), r.baseline(),
                r.thresholds(), r.last(), r.rows(), List.of(r.vsPrevious().get(1)), List.of(), r.trends());
        assertEquals(1, noRegression.exitCode(), "a missing case is reported, not a regression; the failures remain");
        NightlyReport clean = new NightlyReport(r.suite(), r.suiteFile(), r.runId(), r.runDate(), r.startedAt(),
                r.fixedSeed(), r.rotatingSeed(), r.engine(), r.elapsedMs(), r.history(), r.previousRun(), r.baseline(),
                r.thresholds(), r.last(), List.of(r.rows().get(2)), List.of(), List.of(), r.trends());
        assertEquals(0, clean.exitCode());
        assertEquals("clean", clean.verdict());
    }

    private static int count(String s, String sub) {
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
            n++;
        }
        return n;
    }
}
