package org.gradaudit.jobs.nightly;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.gradaudit.jobs.testing.Specs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line: flags, precedence and exit code 2 (all before Spark starts), and one night of
 * the shipped suite with the injected bug against the shipped baseline through {@code Main}: exit 3.
 */
class NightlyMainTest {
    private String out;
    private String err;

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try {
            // through the audit's Main (package-private run): the dispatch line is part of what is tested
            java.lang.reflect.Method m = org.gradaudit.jobs.Main.class.getDeclaredMethod("run", String[].class,
                    PrintStream.class, PrintStream.class);
            m.setAccessible(true);
            code = (Integer) m.invoke(null, args, new PrintStream(o, true, StandardCharsets.UTF_8),
                    new PrintStream(e, true, StandardCharsets.UTF_8));
        } catch (ReflectiveOperationException x) {
            throw new AssertionError(x);
        }
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    private static String suite() {
        return Specs.root().resolve("data/nightly/suite.json").toString();
    }

    @Test
    void helpPrintsTheNightlyUsage() {
        assertEquals(0, run("nightly", "--help"));
        assertTrue(out.startsWith("Usage: gradaudit nightly --suite FILE --history DIR --out DIR [options]"), out);
        assertTrue(out.contains("3 a regression against the previous run or the baseline (over 1), 4 the nightly crashed"));
        assertEquals(0, run("--help"));
        assertTrue(out.contains("gradaudit nightly --suite FILE --history DIR --out DIR [options]"), out);
    }

    @Test
    void usageErrorsExitTwoAndNameTheFlag(@TempDir Path dir) throws IOException {
        String h = dir.resolve("h").toString();
        String o = dir.resolve("o").toString();
        assertEquals(2, run("nightly", "--history", h, "--out", o));
        assertEquals("gradaudit nightly: nightly: missing --suite FILE (an audit spec; see docs/NIGHTLY.md)\n"
                + "Run 'gradaudit nightly --help' for usage.\n", err);
        assertEquals(2, run("nightly", "--suite", suite(), "--out", o));
        assertTrue(err.startsWith("gradaudit nightly: nightly: missing --history DIR (or Spark conf"
                + " spark.gradaudit.nightly.history)"), err);
        assertEquals(2, run("nightly", "--suite", suite(), "--history", h, "--out", o, "--date", "2024-13-01"));
        assertTrue(err.startsWith("gradaudit nightly: --date: expected a date YYYY-MM-DD, got '2024-13-01'"), err);
        assertEquals(2, run("nightly", "--suite", suite(), "--history", h, "--out", o, "--growth", "0.5"));
        assertTrue(err.startsWith("gradaudit nightly: --growth: expected a number >= 1, got '0.5'"), err);
        assertEquals(2, run("nightly", "--suite", suite(), "--history", h, "--out", o, "--last=0"));
        assertTrue(err.startsWith("gradaudit nightly: --last: expected a positive integer, got '0'"), err);
        assertEquals(2, run("nightly", "--suite", suite(), "--history", h, "--out", o, "--run-id", "../x"));
        assertTrue(err.startsWith("gradaudit nightly: --run-id: '../x' is not a valid run id"), err);
        assertEquals(2, run("nightly", "--suite", suite(), "--history", h, "--out", o, "--verbose"));
        assertTrue(err.startsWith("gradaudit nightly: unknown option '--verbose'"), err);
        assertEquals(2, run("nightly", "--suite", dir.resolve("nope.json").toString(), "--history", h, "--out", o));
        assertTrue(err.startsWith("gradaudit nightly: nope.json: no such file: "), err);
        Files.writeString(dir.resolve("b.json"), "{\"format\": \"gradaudit-nightly-baseline/1\", \"rows\": [{}]}");
        assertEquals(2, run("nightly", "--suite", suite(), "--history", h, "--out", o, "--baseline",
                dir.resolve("b.json").toString()));
        assertTrue(err.startsWith("gradaudit nightly: --baseline: b.json: rows[0].seedSet: expected one of [fixed,"
                + " rotating], got null"), err);
        Files.createDirectories(dir.resolve("o2"));
        Files.writeString(dir.resolve("o2/nightly.json"), "{}");
        assertEquals(2, run("nightly", "--suite", suite(), "--history", h, "--out", dir.resolve("o2").toString()));
        assertTrue(err.contains("nightly.json already exists and is not empty; pass --overwrite"), err);
        assertEquals("", out);
        assertFalse(Files.exists(dir.resolve("h")), "nothing written");
        assertFalse(Files.exists(dir.resolve("o")), "nothing written");
    }

    @Test
    void flagsWinOverSparkConfWhichWinsOverDefaults(@TempDir Path dir) {
        SparkConf conf = new SparkConf(false)
                .set(NightlyMain.CONF + "history", dir.resolve("conf-history").toString())
                .set(NightlyMain.CONF + "growth", "4")
                .set(NightlyMain.CONF + "last", "5")
                .set(NightlyMain.CONF + "runtimeMinMs", "250");
        NightlyMain.Args a = NightlyMain.parse(new String[] {"nightly", "--suite", suite(), "--out", "o",
                "--growth", "20", "--date", "2024-02-29"});
        NightlySpec s = NightlyMain.spec(a, conf, null);
        assertEquals(20.0, s.thresholds().growth(), "flag over conf");
        assertEquals(5, s.last(), "conf over default");
        assertEquals(250, s.thresholds().runtimeMinMs());
        assertEquals(2.0, s.thresholds().runtimeFactor(), "default");
        assertEquals(1e-3, s.thresholds().errorFloor(), "default");
        assertEquals(dir.resolve("conf-history"), s.history());
        assertEquals("2024-02-29", s.runId(), "the run id defaults to the date");

        SparkConf bad = new SparkConf(false).set(NightlyMain.CONF + "growth", "lots");
        NightlyMain.Args withHistory = NightlyMain.parse(new String[] {"nightly", "--suite", suite(), "--out", "o",
                "--history", dir.resolve("h").toString()});
        assertEquals("Spark configuration spark.gradaudit.nightly.growth: expected a number >= 1, got 'lots'",
                assertThrows(NightlyUsageException.class, () -> NightlyMain.spec(withHistory, bad, null)).getMessage());
        withHistory.growth = 3.0;
        assertEquals(3.0, NightlyMain.spec(withHistory, bad, null).thresholds().growth(), "a flag hides a bad conf value");
    }

    @Test
    void theShippedSuiteWithTheInjectedBugRegressesAgainstTheShippedBaseline(@TempDir Path dir) throws IOException {
        Path data = Specs.root().resolve("data/nightly");
        Path outDir = dir.resolve("out");
        System.setProperty("spark.ui.enabled", "false");                 // as conf/spark-defaults.conf
        System.setProperty("spark.sql.shuffle.partitions", "4");
        int code;
        try {
            code = run("nightly", "--suite", data.resolve("suite-injected-bug.json").toString(),
                    "--baseline", data.resolve("baseline.json").toString(), "--history", dir.resolve("h").toString(),
                    "--out", outDir.toString(), "--date", "2024-06-01", "--master", "local[2]");
        } finally {
            System.clearProperty("spark.ui.enabled");
            System.clearProperty("spark.sql.shuffle.partitions");
        }
        assertEquals(3, code, err);
        assertTrue(out.contains("**REGRESSION**"), out);
        assertTrue(out.contains("- newly failing vs baseline: `user_neg_mul` PASS -> FAIL; its definition changed"), out);
        assertTrue(out.contains("- newly failing vs baseline: `user_neg_mul (rotating seed)` PASS -> FAIL"), out);
        com.fasterxml.jackson.databind.JsonNode j = com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
                .readTree(outDir.resolve(NightlyWriters.JSON_FILE).toFile());
        java.util.List<String> failing = new java.util.ArrayList<>();
        for (com.fasterxml.jackson.databind.JsonNode c : j.get("vsBaseline")) {
            if (!c.get("kind").asText().equals("SLOWER")) {      // timings depend on the machine; nothing else may differ
                failing.add(c.get("kind").asText() + " " + c.get("key").asText());
            }
        }
        assertEquals(java.util.List.of("NEWLY_FAILING user_neg_mul", "NEWLY_FAILING user_neg_mul (rotating seed)"), failing);
        assertTrue(j.get("previousRun").isNull());
        assertTrue(out.endsWith("exit code 3 (regression)\n"), out);
        for (String f : NightlyWriters.names()) {
            assertTrue(Files.isRegularFile(outDir.resolve(f)), f);
        }
        assertEquals(java.util.List.of("2024-06-01/2024-06-01"), new HistoryStore(dir.resolve("h")).runs());
    }
}
