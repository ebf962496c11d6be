package org.gradaudit.jobs.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.io.GraphJson;
import org.gradaudit.core.io.Npy;
import org.gradaudit.jobs.report.CaseRow;
import org.gradaudit.jobs.report.HtmlReportWriter;
import org.gradaudit.jobs.report.JUnitXmlWriter;
import org.gradaudit.jobs.report.JsonReportWriter;
import org.gradaudit.jobs.report.ReportSet;
import org.gradaudit.jobs.testing.OneBadElement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** Every case kind, selection, localization, diagnostics, determinism over partitionings and the report formats (local[2]). */
class FullAuditTest {
    private static SparkSession spark;
    private static Path dir;
    private static AuditSpec spec;
    private static AuditReport local;

    @BeforeAll
    static void start() throws IOException {
        spark = SparkSession.builder().master("local[2]").appName("FullAuditTest")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
        dir = Files.createTempDirectory("full-audit");
        Npy.write(NDArray.of(-1e-8, 0.5, 1.5), dir.resolve("kink.npy"));
        Variable x = T.vector("x");
        Variable a = T.matrix("A");
        GraphJson.write(List.of(x, a), T.sum(T.sqr(T.tanh(T.dot(a, x)))), dir.resolve("g.json"));
        Files.writeString(dir.resolve("spec.json"), "{\"name\": \"full <script>alert(1)</script>\", \"seed\": 42,"
                + " \"cases\": ["
                + "{\"name\": \"<script>alert('x')</script>\", \"expression\": \"sum(softmax(A, 1) * max(A, 0))\","
                + "  \"inputs\": {\"A\": {\"shape\": [3, 4]}}},"
                + "{\"name\": \"bad_fast\", \"builder\": \"org.gradaudit.jobs.testing.OneBadElement\","
                + "  \"inputs\": {\"x\": {\"shape\": [3, 4]}, \"w\": {\"shape\": [3, 4], \"generator\": {\"kind\": \"uniform\","
                + "  \"low\": 0.5, \"high\": 1.5}}}, \"check\": {\"mode\": \"fast\", \"nProjections\": 6}},"
                + "{\"name\": \"bad_full\", \"builder\": \"org.gradaudit.jobs.testing.OneBadElement\","
                + "  \"inputs\": {\"x\": {\"shape\": [3, 4]}, \"w\": {\"shape\": [3, 4], \"generator\": {\"kind\": \"uniform\","
                + "  \"low\": 0.5, \"high\": 1.5}}}, \"check\": {\"mode\": \"central\"}},"
                + "{\"op\": \"softmax\", \"shapes\": [[3, 4]], \"dtype\": \"float32\"},"
                + "{\"sweep\": [\"tanh\", \"dot\"]},"
                + "{\"name\": \"graph\", \"graph\": \"g.json\", \"inputs\": {\"A\": {\"shape\": [2, 3]}, \"x\": {\"shape\": [3]}}},"
                + "{\"name\": \"kink\", \"expression\": \"sum(abs(k))\", \"inputs\": {\"k\": {\"generator\": {\"kind\": \"npy\","
                + "  \"file\": \"kink.npy\"}}}},"
                + "{\"name\": \"masked\", \"expression\": \"sum(tanh(A) * B)\", \"inputs\": {\"A\": {\"shape\": [4, 5]},"
                + "  \"B\": {\"shape\": [4, 5]}}, \"mask\": {\"A\": [[0, 1], [3, 4], 2]}, \"check\": {\"maxElements\": 3}}"
                + "]}");
        spec = AuditSpec.read(dir.resolve("spec.json"));
        local = AuditJob.runLocal(spec);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
    }

    @Test
    void everyCaseKindRunsWithTheExpectedVerdict() {
        List<String> names = new ArrayList<>();
        for (CaseReport c : local.cases()) {
            names.add(c.name() + "=" + c.status());
        }
        assertEquals(List.of("<script>alert('x')</script>=PASS", "bad_fast=FAIL", "bad_full=FAIL",
                "softmax[3x4]/float32=PASS", "tanh#0/float64=PASS", "tanh#0/float32=PASS", "tanh#1/float64=PASS",
                "tanh#1/float32=PASS", "tanh#2/float64=PASS", "tanh#2/float32=PASS", "dot#0/float64=PASS",
                "dot#0/float32=PASS", "dot#1/float64=PASS", "dot#1/float32=PASS", "dot#2/float64=PASS",
                "dot#2/float32=PASS", "dot#3/float64=PASS", "dot#3/float32=PASS", "graph=PASS", "kink=FAIL",
                "masked=PASS"), names);
        assertEquals("op", local.get("softmax[3x4]/float32").kind());
        assertEquals("graph", local.get("graph").kind());
    }

    @Test
    void fullModesNameTheBadElementAndFastModeLocatesItByBisection() {
        CaseReport full = local.get("bad_full");
        assertEquals("x", full.worst().input());
        assertEquals(OneBadElement.BAD, full.worst().flatIndex());
        assertArrayEquals(new int[] {1, 3}, full.worst().index());
        CaseReport fast = local.get("bad_fast");
        assertEquals(-1, fast.worst().argument(), "fast mode reports a direction");
        assertNotNull(fast.located());
        assertEquals("x", fast.located().input());
        assertEquals(OneBadElement.BAD, fast.located().flatIndex());
        assertArrayEquals(new int[] {1, 3}, fast.located().index());
        assertEquals(1.5 * fast.located().numeric(), fast.located().analytic(), 1e-6);
        assertTrue(fast.message().contains("located by bisection at input 'x' index [1, 3] (flat 7)"), fast.message());
    }

    @Test
    void aKinkIsWarnedAboutAndStatisticsAreReported() {
        CaseReport k = local.get("kink");
        assertEquals(0, k.worst().flatIndex());
        assertTrue(k.warnings().stream().anyMatch(w -> w.startsWith("kink or bad eps at input 'k' flat 0")), k.warnings()
                .toString());
        CaseReport t = local.get("tanh#1/float64");
        assertTrue(t.warnings().isEmpty(), t.warnings().toString());
        double[] per = t.testScaledErrors();
        assertEquals(2, per.length);
        assertEquals(Math.min(per[0], per[1]), t.scaledErrMin());
        assertEquals(Math.max(per[0], per[1]), t.scaledErrMax());
        assertEquals((per[0] + per[1]) / 2, t.scaledErrMedian());
        assertEquals(t.worst().scaledErr(), t.scaledErrMax());
    }

    @Test
    void masksAndSamplingSelectTheElementsBeforeRunning() {
        CaseReport m = local.get("masked");
        assertEquals(40, m.elementsTotal());
        assertEquals(3 + 3, m.coordinatesPerTest(), "3 masked elements of A, 3 sampled of B");
        assertEquals(2 * 6, m.elementsChecked());
        assertTrue(m.warnings().contains("mask: input 'A': 3 of 20 elements"), m.warnings().toString());
        assertTrue(m.warnings().contains("sampled: input 'B': 3 of 20 elements (maxElements)"), m.warnings().toString());
        int[] sel = AuditJob.prepare(spec.seed(), spec.cases().get(spec.cases().size() - 1)).selection;
        assertArrayEquals(new int[] {1, 2, 19}, java.util.Arrays.copyOf(sel, 3), "A[0,1], A[0,2], A[3,4]");
        assertEquals(6, sel.length);
        assertArrayEquals(sel, AuditJob.prepare(spec.seed(), spec.cases().get(spec.cases().size() - 1)).selection);
    }

    @Test
    void aTimeBudgetCapsTheSampleBeforeRunning() {
        AuditSpec s = AuditSpec.parse("{\"name\": \"b\", \"cases\": [{\"name\": \"big\", \"expression\":"
                + " \"sum(tanh(dot(A, B)))\", \"inputs\": {\"A\": {\"shape\": [60, 60]}, \"B\": {\"shape\": [60, 60]}},"
                + " \"check\": {\"timeBudgetMs\": 1, \"nTests\": 1}}]}", "b.json");
        AuditReport r = AuditJob.run(spark, s);
        CaseReport c = r.get("big");
        assertEquals(CaseReport.Status.PASS, c.status());
        assertTrue(c.coordinatesPerTest() < 7200, "capped: " + c.coordinatesPerTest());
        assertEquals(c.coordinatesPerTest(), c.elementsChecked());
        assertTrue(c.warnings().get(0).startsWith("time budget 1 ms: checked " + c.coordinatesPerTest() + " of 7200"),
                c.warnings().toString());
    }

    @Test
    void reportsAreIdenticalWithOneThreeAndSeventeenPartitions() {
        for (int p : new int[] {1, 3, 17}) {
            AuditReport d = AuditJob.run(spark, spec, new AuditJob.Options(p, null, 500));
            assertEquals(p, d.partitions());
            for (int i = 0; i < d.cases().size(); i++) {
                assertEquals(local.cases().get(i), d.cases().get(i), d.cases().get(i).name() + " with " + p);
            }
            assertEquals(AuditJobTest.withoutRunFields(JsonReportWriter.toJson(local)),
                    AuditJobTest.withoutRunFields(JsonReportWriter.toJson(d)));
        }
    }

    @Test
    void htmlEscapesAllUserTextAndPutsFailuresFirst() {
        String html = HtmlReportWriter.toHtml(local);
        assertFalse(html.contains("<script"), "no raw script tag may survive");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
        assertTrue(html.contains("full &lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(html.indexOf("FAIL bad_fast") < html.indexOf("PASS &lt;script&gt;"), "failing cases first");
        assertTrue(html.indexOf("FAIL kink") < html.indexOf("PASS graph"));
        assertTrue(html.contains("<svg"), "inline plots");
        assertFalse(html.contains("src=") || html.contains("href=\"http"), "self-contained");
    }

    @Test
    void junitXmlHasOneTestcasePerCaseAndLocatedFailures() throws Exception {
        String xml = JUnitXmlWriter.toXml(local);
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(xml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Element suite = d.getDocumentElement();
        assertEquals("21", suite.getAttribute("tests"));
        assertEquals("3", suite.getAttribute("failures"));
        NodeList cases = suite.getElementsByTagName("testcase");
        assertEquals(21, cases.getLength());
        assertEquals("<script>alert('x')</script>", ((Element) cases.item(0)).getAttribute("name"));
        Element fast = (Element) cases.item(1);
        String msg = ((Element) fast.getElementsByTagName("failure").item(0)).getAttribute("message");
        assertTrue(msg.contains("located by bisection at input 'x' index [1, 3]"), msg);
    }

    @Test
    void allFormatsAreWrittenAndParquetReadsBack(@TempDir Path out) throws IOException {
        List<Path> written = ReportSet.writeAll(ReportSet.outputs(local, spark), out, false);
        assertEquals(4, written.size());
        List<CaseRow> rows = spark.read().schema(Encoders.bean(CaseRow.class).schema())
                .parquet(out.resolve("report.parquet").toString()).as(Encoders.bean(CaseRow.class)).collectAsList();
        assertEquals(21, rows.size());
        CaseRow bad = rows.stream().filter(r -> r.getCaseName().equals("bad_full")).findFirst().orElseThrow();
        assertEquals("FAIL", bad.getStatus());
        assertEquals("x", bad.getWorstInput());
        assertEquals(List.of(1, 3), bad.getWorstIndex());
        CaseRow fast = rows.stream().filter(r -> r.getCaseName().equals("bad_fast")).findFirst().orElseThrow();
        assertEquals(List.of(1, 3), fast.getLocatedIndex());
        assertThrows(JsonReportWriter.ReportExistsException.class,
                () -> ReportSet.writeAll(ReportSet.outputs(local, spark), out, false));
        ReportSet.writeAll(ReportSet.outputs(local, spark), out, true);
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of("junit.xml", "report.html", "report.json", "report.parquet"),
                    files.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary left behind");
        }
    }

    @Test
    void aFailingWriterLeavesNothingBehind(@TempDir Path out) throws IOException {
        List<ReportSet.Output> outputs = new ArrayList<>(ReportSet.outputs(local, spark));
        outputs.add(2, new ReportSet.Output() {
            @Override
            public String name() { return "broken.txt"; }

            @Override
            public void writeTo(Path target) throws IOException {
                Files.writeString(target, "half a rep");
                throw new IOException("disk full (injected)");
            }
        });
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
                () -> ReportSet.writeAll(outputs, out, false));
        assertTrue(e.getMessage().contains("disk full (injected); no report written"), e.getMessage());
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(List.of(), files.toList());
        }
        Files.writeString(out.resolve("report.json"), "previous");
        assertThrows(RuntimeException.class, () -> ReportSet.writeAll(outputs, out, true));
        assertEquals("previous", Files.readString(out.resolve("report.json")), "an existing report is untouched");
        try (Stream<Path> files = Files.list(out)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void errorsInTheNewSpecFormsNameTheField() throws IOException {
        assertTrue(spec("{\"op\": \"tahn\"}").startsWith("s.json: cases[0].op: unknown op 'tahn' in the catalog"),
                spec("{\"op\": \"tahn\"}"));
        assertTrue(spec("{\"op\": \"dot\", \"shapes\": [[3, 4]]}").startsWith("s.json: cases[0].shapes: op dot has 2"
                + " input(s); expected an array of 2 shape(s)"), spec("{\"op\": \"dot\", \"shapes\": [[3, 4]]}"));
        assertTrue(spec("{\"sweep\": \"everything\"}").startsWith("s.json: cases[0].sweep: expected \"all\" or a"));
        assertTrue(spec("{\"name\": \"m\", \"expression\": \"sum(x)\", \"inputs\": {\"x\": {\"shape\": [3]}}, \"mask\":"
                + " {\"x\": [3]}}").startsWith("s.json: cases[0].mask.x[0]: flat index 3 out of range [0, 3)"));
        assertTrue(spec("{\"name\": \"n\", \"expression\": \"sum(x)\", \"inputs\": {\"x\": {\"generator\": {\"kind\":"
                + " \"npy\", \"file\": \"nope.npy\"}}}}").startsWith("s.json: cases[0].inputs.x.generator.file: "));
        assertTrue(spec("{\"name\": \"g\", \"graph\": \"g.json\", \"inputs\": {\"x\": {\"shape\": [3]}}}")
                .startsWith("s.json: cases[0].inputs: the graph g.json has inputs [x, A] but the case declares [x]"));
        assertTrue(spec("{\"name\": \"b\", \"expression\": \"x\", \"builder\": \"a.B\", \"inputs\": {}}")
                .contains("has [expression, builder]; expected exactly one of"));
        assertTrue(spec("{\"name\": \"t\", \"expression\": \"sum(x)\", \"inputs\": {\"x\": {\"shape\": [3]}},"
                + " \"check\": {\"timeBudgetMs\": 0}}").startsWith("s.json: cases[0].check.timeBudgetMs: expected a"
                + " positive integer"));
    }

    private static String spec(String caseJson) throws IOException {
        Path f = dir.resolve("s.json");
        Files.writeString(f, "{\"name\": \"s\", \"cases\": [" + caseJson + "]}");
        return assertThrows(SpecException.class, () -> AuditSpec.read(f)).getMessage();
    }

    @Test
    void fastModeWithoutFailureHasNoLocation() {
        assertNull(local.get("softmax[3x4]/float32").located());
    }
}
