package org.gradaudit.jobs.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.gradaudit.core.check.GradCheck;
import org.gradaudit.core.check.UnitResult;
import org.gradaudit.jobs.report.JsonReportWriter;
import org.gradaudit.jobs.testing.Specs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit job on a local[2] session shared by the class. */
class AuditJobTest {
    private static SparkSession spark;
    private static AuditSpec mixed;
    private static AuditReport mixedLocal;

    @BeforeAll
    static void start() throws IOException {
        spark = SparkSession.builder()
                .master("local[2]")
                .appName("AuditJobTest")
                .config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.sql.shuffle.partitions", "4")
                .getOrCreate();
        mixed = resourceSpec("specs/mixed.json");
        mixedLocal = AuditJob.runLocal(mixed);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
            spark = null;
        }
    }

    static AuditSpec resourceSpec(String name) throws IOException {
        try (InputStream in = AuditJobTest.class.getClassLoader().getResourceAsStream(name)) {
            assertNotNull(in, name);
            return AuditSpec.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name);
        }
    }

    @Test
    void localReportHasTheExpectedStatuses() {
        assertEquals(CaseReport.Status.PASS, mixedLocal.get("tanh_dot").status());
        assertEquals(CaseReport.Status.PASS, mixedLocal.get("softplus_central").status());
        assertEquals(CaseReport.Status.PASS, mixedLocal.get("fast_mode").status());
        assertEquals(CaseReport.Status.PASS, mixedLocal.get("float32_pow").status());
        assertEquals(CaseReport.Status.FAIL, mixedLocal.get("broken_neg").status());
        assertEquals(CaseReport.Status.ERROR, mixedLocal.get("misaligned_dot").status());
        assertEquals(CaseReport.Status.ERROR, mixedLocal.get("throwing_builder").status());
        assertEquals(CaseReport.Status.ERROR, mixedLocal.get("exploding_on_executor").status());
        assertEquals(CaseReport.Status.PASS, mixedLocal.get("empty_input").status());
        assertEquals(CaseReport.Status.PASS, mixedLocal.get("only_empty").status());
        assertEquals(1, mixedLocal.exitCode());
        assertEquals(3, mixedLocal.get("softplus_central").nTests());
        assertEquals(7, mixedLocal.get("fast_mode").coordinatesPerTest());
        assertEquals(3e-4, mixedLocal.get("float32_pow").eps());
        assertEquals(1e-2, mixedLocal.get("float32_pow").absTol());
    }

    @Test
    void distributedEqualsLocalBitForBitUnderTwoPartitionings() {
        AuditReport oneByOne = AuditJob.run(spark, mixed, new AuditJob.Options(1, 1, 500));
        AuditReport chunksOf4 = AuditJob.run(spark, mixed, new AuditJob.Options(3, 4, 500));
        AuditReport measured = AuditJob.run(spark, mixed);
        long prepared = mixedLocal.cases().stream().filter(c -> c.status() != CaseReport.Status.ERROR
                || c.message().startsWith("test ")).count();
        assertTrue(oneByOne.units() > chunksOf4.units() && chunksOf4.units() > prepared * 2,
                "the partitionings must actually differ: " + oneByOne.units() + " vs " + chunksOf4.units() + " units");
        assertEquals(1, oneByOne.partitions());
        assertEquals(3, chunksOf4.partitions());
        for (AuditReport d : List.of(oneByOne, chunksOf4, measured)) {
            assertEquals(mixedLocal, d);
            for (int i = 0; i < d.cases().size(); i++) {       // also field by field, for a readable failure
                assertEquals(mixedLocal.cases().get(i), d.cases().get(i), d.cases().get(i).name());
            }
            assertEquals(withoutRunFields(JsonReportWriter.toJson(mixedLocal)), withoutRunFields(JsonReportWriter.toJson(d)));
        }
    }

    @Test
    void reportEqualityIsNotVacuous() {
        AuditReport otherSeed = AuditJob.runLocal(mixed.withSeed(mixed.seed() + 1));
        assertNotEquals(mixedLocal, otherSeed);
        assertNotEquals(mixedLocal.get("tanh_dot"), otherSeed.get("tanh_dot"));
        assertEquals(mixedLocal, AuditJob.runLocal(mixed));
    }

    @Test
    void brokenOpIsReportedAtInputXAndEveryElementOfXIsWrong() {
        CaseReport c = mixedLocal.get("broken_neg");
        assertEquals(CaseReport.Status.FAIL, c.status());
        CaseReport.Worst w = c.worst();
        assertEquals("x", w.input());
        assertEquals(0, w.argument());
        assertEquals(0, w.test(), "verify_grad raises at the first failing test");
        assertArrayEquals(new int[] {6}, w.shape());
        assertEquals(w.flatIndex(), w.index()[0]);
        // d(-x * w)/dx = -w r: the broken rule gives +w r, the finite difference -w r (to ~1e-8 relative).
        assertEquals(-w.numeric(), w.analytic(), 1e-6 * Math.abs(w.numeric()));
        assertTrue(Math.abs(w.analytic()) >= 0.25, "w and r are both >= 0.5");
        // The reported analytic value is the core's analytic gradient at that element, bit for bit.
        GradCheck check = AuditJob.prepare(mixed.seed(), mixed.cases().get(4)).check;
        assertEquals(w.analytic(), check.analytic(w.test())[0].getFlat(w.flatIndex()));
        // All 6 elements of x fail in both tests (scaled error >= 1); none of w's 6 do.
        long[] h = c.histogram();
        long atLeastOne = 0;
        for (int b = 0; b < h.length; b++) {
            if (UnitResult.binLowerExponent(b) >= 0 && b > 0) {
                atLeastOne += h[b];
            }
        }
        assertEquals(2 * 6, atLeastOne);
        assertEquals(2 * 12, c.elementsChecked());
        assertTrue(c.message().startsWith("test 0, input 'x' at index [" + w.flatIndex() + "]"), c.message());
    }

    @Test
    void casesThatFailToBuildOrRunAreErrorsAndTheRestRuns() {
        CaseReport misaligned = mixedLocal.get("misaligned_dot");
        assertTrue(misaligned.message().contains("not aligned"), misaligned.message());
        assertNull(misaligned.worst());
        assertNull(misaligned.eps(), "eps is unknown when preparation fails and no override was given");
        CaseReport throwing = mixedLocal.get("throwing_builder");
        assertEquals("IllegalArgumentException: builder org.gradaudit.jobs.testing.ThrowingBuilder: the constructor"
                + " threw IllegalStateException: this builder cannot be constructed", throwing.message());
        CaseReport exploding = mixedLocal.get("exploding_on_executor");
        assertEquals("test 0: IllegalStateException: Limited: input element >= 10", exploding.message());
        assertEquals(1e-7, exploding.eps());
    }

    @Test
    void emptyInputsAreCheckedAsNothing() {
        CaseReport onlyEmpty = mixedLocal.get("only_empty");
        assertEquals(0, onlyEmpty.elementsChecked());
        assertNull(onlyEmpty.worst());
        CaseReport some = mixedLocal.get("empty_input");
        assertEquals(2 * 2, some.elementsChecked());
        assertEquals("y", some.worst().input());
    }

    @Test
    void planHonoursAFixedChunkAndCoversEveryCoordinateOnce() {
        List<AuditJob.Prepared> prepared = AuditJob.prepareAll(mixed);
        AuditJob.Plan plan = AuditJob.plan(prepared, new AuditJob.Options(2, 3, 500), 2);
        int expected = 0;
        for (AuditJob.Prepared p : prepared) {
            if (p.check != null) {
                int n = p.check.nCoordinates();
                expected += p.check.nTests() * Math.max(1, (n + 2) / 3);
                assertEquals(Math.min(3, Math.max(n, 1)), plan.chunks().get(p.spec.name()));
            }
        }
        assertEquals(expected, plan.units());
        // the slices deal the units out in turn: every unit in exactly one, sizes within one
        List<List<AuditJob.WorkUnit>> slices = plan.slices();
        assertEquals(plan.partitions(), slices.size());
        java.util.Set<AuditJob.WorkUnit> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        int smallest = Integer.MAX_VALUE;
        int largest = 0;
        for (List<AuditJob.WorkUnit> slice : slices) {
            for (AuditJob.WorkUnit u : slice) {
                assertTrue(seen.add(u), "unit " + u + " in two slices");
            }
            smallest = Math.min(smallest, slice.size());
            largest = Math.max(largest, slice.size());
        }
        assertEquals(plan.units(), seen.size());
        assertTrue(largest - smallest <= 1, smallest + " to " + largest + " units per slice");
        AuditJob.Plan measured = AuditJob.plan(prepared, AuditJob.Options.DEFAULTS, 2);
        assertTrue(measured.partitions() >= 2, "at least Spark's default parallelism: " + measured.partitions());
        assertEquals(measured.chunks().get("tanh_dot"), 24, "a case of 24 cheap coordinates fits in one ~0.5 s unit");
    }

    @Test
    void unitsAreSizedFromAFixedAndAPerCoordinateCost() {
        AuditJob.UnitCost cost = new AuditJob.UnitCost(0.1, 0.001);
        assertEquals(400, cost.chunk(0.5, 10_000), "(0.5 s - 0.1 s fixed) / 1 ms per coordinate");
        assertEquals(50, cost.chunk(0.5, 50), "never more than the coordinates");
        AuditJob.UnitCost heavy = new AuditJob.UnitCost(1.0, 0.01);
        assertEquals(100, heavy.chunk(0.5, 10_000), "a fixed part above the target: at least as much work per coordinate");
        assertEquals(1.5, heavy.seconds(50), 1e-12);
        // one partition per 0.5 s of work, between one and MAX_TASKS_PER_CORE per core, at most one per unit
        assertEquals(6, AuditJob.partitions(3.0, 500, 1000, 2));
        assertEquals(2, AuditJob.partitions(0.1, 500, 1000, 2));
        assertEquals(2 * AuditJob.MAX_TASKS_PER_CORE, AuditJob.partitions(300, 500, 1000, 2));
        assertEquals(5, AuditJob.partitions(300, 500, 5, 2));
        assertEquals(1, AuditJob.partitions(0, 500, 0, 2));
    }

    @Test
    void reportIsWrittenAtomicallyAndNotOverwrittenUnlessAsked(@TempDir Path dir) throws IOException {
        Path file = JsonReportWriter.write(mixedLocal, dir, false);
        assertEquals(dir.resolve("report.json"), file);
        JsonNode root = JsonMapper.builder().build().readTree(file.toFile());
        assertEquals("mixed", root.get("name").asText());
        assertEquals(11, root.get("summary").get("cases").asInt());
        assertEquals(7, root.get("summary").get("passed").asInt());       // rnn_scan (Scan's BPTT) among them
        assertEquals(1, root.get("summary").get("failed").asInt());
        assertEquals(3, root.get("summary").get("errors").asInt());
        JsonNode broken = root.get("cases").get(4);
        assertEquals("broken_neg", broken.get("name").asText());
        assertEquals("FAIL", broken.get("status").asText());
        assertEquals("x", broken.get("where").get("input").asText());
        assertEquals(mixedLocal.get("broken_neg").worst().analytic(), broken.get("analytic").asDouble());
        assertEquals(mixedLocal.get("broken_neg").worst().numeric(), broken.get("numeric").asDouble());
        for (String f : List.of("maxAbsErr", "maxRelErr", "scaledErr", "absTol", "relTol", "eps", "nTests", "seed",
                "mode", "elementsChecked", "timeMs")) {
            assertTrue(broken.has(f), "missing field " + f);
        }
        assertEquals("ERROR", root.get("cases").get(5).get("status").asText());
        assertTrue(root.get("cases").get(5).get("eps").isNull());

        String before = Files.readString(file);
        JsonReportWriter.ReportExistsException e = assertThrows(JsonReportWriter.ReportExistsException.class,
                () -> JsonReportWriter.write(AuditJob.runLocal(mixed.withSeed(1)), dir, false));
        assertTrue(e.getMessage().endsWith("report.json already exists and is not empty; pass --overwrite to replace it,"
                + " or choose another --out"), e.getMessage());
        assertEquals(before, Files.readString(file));
        JsonReportWriter.write(AuditJob.runLocal(mixed.withSeed(1)), dir, true);
        assertNotEquals(before, Files.readString(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file may be left behind");
        }
    }

    @Test
    void quickstartPassesExceptTheBrokenOp() {
        AuditReport r = AuditJob.run(spark, AuditSpec.read(Specs.quickstart()));
        for (CaseReport c : r.cases()) {
            assertEquals(c.name().equals("broken_neg") ? CaseReport.Status.FAIL : CaseReport.Status.PASS, c.status(),
                    c.toString());
        }
        assertFalse(r.allPassed());
        assertEquals(AuditJob.runLocal(AuditSpec.read(Specs.quickstart())), r);
    }

    /** The JSON without the fields that legitimately differ between runs. */
    static String withoutRunFields(String json) {
        return json.replaceAll("(?m)^\\s*\"(runId|startedAt|engine|units|partitions|elapsedMs|timeMs)\" : .*$", "");
    }
}
