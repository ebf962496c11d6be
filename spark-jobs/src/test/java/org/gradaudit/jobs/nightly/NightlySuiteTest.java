package org.gradaudit.jobs.nightly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.gradaudit.jobs.audit.AuditSpec;
import org.gradaudit.jobs.audit.SpecException;
import org.gradaudit.jobs.testing.Specs;
import org.junit.jupiter.api.Test;

/** Suite files: the audit spec plus the rotating selection; the rotating seed; the baseline file format. */
class NightlySuiteTest {
    private static final String CASES = "\"cases\": [{\"sweep\": [\"tanh\"]}, {\"name\": \"u\", \"expression\": \"sum(x)\","
            + " \"inputs\": {\"x\": {\"shape\": [2]}}}]";

    private static NightlySuite parse(String nightly) {
        return NightlySuite.parse("{\"name\": \"s\", " + CASES + (nightly == null ? "" : ", \"nightly\": " + nightly) + "}",
                "s.json", null);
    }

    @Test
    void everyCaseRotatesByDefaultAndASelectionTakesCaseOrOpNames() {
        assertEquals(7, parse(null).rotatingCases().size(), "tanh's 3 shape sets x 2 dtypes + u");
        assertEquals(7, parse("{\"rotating\": \"all\"}").rotatingCases().size());
        assertEquals(List.of(), parse("{\"rotating\": \"none\"}").rotatingCases());
        assertNull(parse("{\"rotating\": \"none\"}").rotatingSpec(LocalDate.of(2024, 1, 1)));
        NightlySuite s = parse("{\"rotating\": [\"u\", \"tanh#0/float32\"]}");
        assertEquals(List.of("tanh#0/float32", "u"), s.rotatingCases(), "in suite order");
        AuditSpec rot = s.rotatingSpec(LocalDate.of(2024, 1, 1));
        assertEquals(List.of("tanh#0/float32", "u"), rot.cases().stream().map(AuditSpec.Case::name).toList());
        assertEquals(NightlySuite.rotatingSeed(666, LocalDate.of(2024, 1, 1)), rot.seed());
        assertEquals(6, parse("{\"rotating\": [\"tanh\"]}").rotatingCases().size(), "an op name selects its sweep");
    }

    @Test
    void theRotatingSeedIsAStableFunctionOfSeedAndDate() {
        long a = NightlySuite.rotatingSeed(666, LocalDate.of(2024, 1, 1));
        assertEquals(a, NightlySuite.rotatingSeed(666, LocalDate.of(2024, 1, 1)));
        assertNotEquals(a, NightlySuite.rotatingSeed(666, LocalDate.of(2024, 1, 2)));
        assertNotEquals(a, NightlySuite.rotatingSeed(667, LocalDate.of(2024, 1, 1)));
        assertTrue(a >= 0 && a <= Integer.MAX_VALUE);
        assertEquals(483292353L, a, "pinned: FNV-1a + SplitMix64 is the same on every JVM");
    }

    @Test
    void errorsNameTheFileAndTheField() {
        assertEquals("s.json: nightly.rotating[1]: \"nope\" names no case and no catalogue op of the suite's cases",
                assertThrows(SpecException.class, () -> parse("{\"rotating\": [\"u\", \"nope\"]}")).getMessage());
        assertEquals("s.json: nightly.seeds: unknown field; expected rotating",
                assertThrows(SpecException.class, () -> parse("{\"seeds\": [1]}")).getMessage());
        assertTrue(assertThrows(SpecException.class, () -> parse("{\"rotating\": 3}")).getMessage()
                .startsWith("s.json: nightly.rotating: expected \"all\", \"none\" or an array"));
        SpecException inner = assertThrows(SpecException.class, () -> NightlySuite.parse("{\"name\": \"s\", \"cases\":"
                + " [{\"sweep\": [\"tanhh\"]}]}", "s.json", null));
        assertTrue(inner.getMessage().startsWith("s.json: cases[0].sweep[0]: unknown op 'tanhh'"), inner.getMessage());
        assertTrue(assertThrows(SpecException.class, () -> NightlySuite.parse("{\"name\": ", "s.json", null))
                .getMessage().startsWith("s.json: invalid JSON: line 1"));
    }

    @Test
    void theShippedSuitesParseAndDifferOnlyInTheUserCase() {
        Path data = Specs.root().resolve("data/nightly");
        NightlySuite ok = NightlySuite.read(data.resolve("suite.json"));
        NightlySuite bug = NightlySuite.read(data.resolve("suite-injected-bug.json"));
        assertEquals(ok.spec().cases().stream().map(AuditSpec.Case::name).toList(),
                bug.spec().cases().stream().map(AuditSpec.Case::name).toList());
        assertEquals("org.gradaudit.jobs.examples.BrokenNegCase",
                bug.spec().cases().get(bug.spec().cases().size() - 1).builder());
        List<HistoryRow> baseline = Baseline.parse(read(data.resolve(Baseline.FILE)), Baseline.FILE);
        assertEquals(2 * ok.spec().cases().size(), baseline.size(), "the baseline pins every case, fixed and rotating");
        assertTrue(baseline.stream().allMatch(r -> r.getStatus().equals("PASS")));
    }

    @Test
    void baselineFilesAreValidatedFieldByField() {
        String head = "{\"format\": \"gradaudit-nightly-baseline/1\", \"rows\": [";
        assertEquals("--baseline: b.json: rows[1].status: expected one of [PASS, FAIL, ERROR], got \"OK\"",
                assertThrows(NightlyUsageException.class, () -> Baseline.parse(head
                        + "{\"seedSet\": \"fixed\", \"caseName\": \"a\", \"status\": \"PASS\"},"
                        + "{\"seedSet\": \"fixed\", \"caseName\": \"b\", \"status\": \"OK\"}]}", "b.json")).getMessage());
        assertEquals("--baseline: b.json: rows[0].scaledErr: expected a number (or \"NaN\", \"Infinity\"), got \"big\"",
                assertThrows(NightlyUsageException.class, () -> Baseline.parse(head
                        + "{\"seedSet\": \"fixed\", \"caseName\": \"a\", \"status\": \"PASS\", \"scaledErr\": \"big\"}]}",
                        "b.json")).getMessage());
        assertEquals("--baseline: b.json: rows[0].colour: unknown field; expected one of seedSet, caseName, status, kind,"
                + " definition, inputs, message, mode, nTests, seed, scaledErr, absErr, relErr, worstInput, worstIndex,"
                + " elementsChecked, timeMs, startedAt",
                assertThrows(NightlyUsageException.class, () -> Baseline.parse(head
                        + "{\"seedSet\": \"fixed\", \"caseName\": \"a\", \"status\": \"PASS\", \"colour\": 1}]}",
                        "b.json")).getMessage());
        assertEquals("--baseline: b.json: rows[1]: duplicate row for case \"a\" (fixed)",
                assertThrows(NightlyUsageException.class, () -> Baseline.parse(head
                        + "{\"seedSet\": \"fixed\", \"caseName\": \"a\", \"status\": \"PASS\"},"
                        + "{\"seedSet\": \"fixed\", \"caseName\": \"a\", \"status\": \"FAIL\"}]}", "b.json")).getMessage());
        assertTrue(assertThrows(NightlyUsageException.class, () -> Baseline.parse("{\"rows\": []}", "b.json"))
                .getMessage().startsWith("--baseline: b.json: format: expected \"gradaudit-nightly-baseline/1\""));
        HistoryRow nan = Baseline.parse(head + "{\"seedSet\": \"rotating\", \"caseName\": \"a\", \"status\": \"FAIL\","
                + " \"scaledErr\": \"NaN\", \"timeMs\": 7}]}", "b.json").get(0);
        assertTrue(nan.getScaledErr().isNaN());
        assertEquals(7, nan.getTimeMs());
    }

    @Test
    void aBaselineWrittenByARunReadsBackAsTheSameRows() {
        NightlyReport r = NightlyWritersTest.report();
        List<HistoryRow> back = Baseline.parse(Baseline.toJson(r), "baseline.json");
        assertEquals(r.rows().size(), back.size());
        for (int i = 0; i < back.size(); i++) {
            HistoryRow want = r.rows().get(i);
            want.setStartedAt(null);
            want.setSuite(r.suite());
            assertTrue(want.sameResult(back.get(i)), want + " vs " + back.get(i));
            assertEquals(want.getTimeMs(), back.get(i).getTimeMs());
        }
    }

    private static String read(Path p) {
        try {
            return java.nio.file.Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
