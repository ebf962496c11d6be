package org.gradaudit.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gradaudit.jobs.testing.Specs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line's argument, spec and output checks: all fail with exit code 2 before Spark starts. */
class MainTest {
    private String out;
    private String err;

    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(o, true, StandardCharsets.UTF_8),
                new PrintStream(e, true, StandardCharsets.UTF_8));
        out = o.toString(StandardCharsets.UTF_8);
        err = e.toString(StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        assertEquals(0, run("--help"));
        assertTrue(out.startsWith("Usage: gradaudit audit SPEC [options]"), out);
        assertTrue(out.contains("--parallelism N") && out.contains("Exit codes: 0 all cases passed"), out);
        assertEquals(0, run("audit", "x.json", "-h"));
    }

    @Test
    void usageErrorsExitTwoAndNameTheFlag() {
        assertEquals(2, run());
        assertEquals("gradaudit: missing command; expected 'audit', 'jacobian' or 'nightly'\nRun 'gradaudit --help' for usage.\n", err);
        assertEquals(2, run("audits", "q.json"));
        assertTrue(err.startsWith("gradaudit: unknown command 'audits'; expected 'audit', 'jacobian' or 'nightly'"), err);
        assertEquals(2, run("audit"));
        assertTrue(err.startsWith("gradaudit: audit: missing SPEC (a JSON audit spec file)"), err);
        assertEquals(2, run("audit", "q.json", "--parallelism", "0"));
        assertTrue(err.startsWith("gradaudit: --parallelism: expected a positive integer, got '0'"), err);
        assertEquals(2, run("audit", "q.json", "--chunk-size=abc"));
        assertTrue(err.startsWith("gradaudit: --chunk-size: expected a positive integer, got 'abc'"), err);
        assertEquals(2, run("audit", "q.json", "--seed", "1.5"));
        assertTrue(err.startsWith("gradaudit: --seed: expected an integer, got '1.5'"), err);
        assertEquals(2, run("audit", "q.json", "--out"));
        assertTrue(err.startsWith("gradaudit: --out: missing value"), err);
        assertEquals(2, run("audit", "q.json", "--verbose"));
        assertTrue(err.startsWith("gradaudit: unknown option '--verbose'"), err);
        assertEquals(2, run("audit", "a.json", "b.json"));
        assertTrue(err.startsWith("gradaudit: unexpected argument 'b.json'; only one SPEC is allowed"), err);
        assertEquals("", out);
    }

    @Test
    void specErrorsExitTwoAndNameTheFileAndField(@TempDir Path dir) throws IOException {
        assertEquals(2, run("audit", dir.resolve("missing.json").toString()));
        assertEquals("gradaudit: missing.json: no such file: " + dir.resolve("missing.json") + "\n", err);
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"name\": \"b\", \"cases\": [{\"name\": \"c\", \"expression\": \"sum(x)\","
                + " \"inputs\": {\"x\": {\"shape\": [2, \"3\"]}}}]}");
        assertEquals(2, run("audit", bad.toString()));
        assertEquals("gradaudit: bad.json: cases[0].inputs.x.shape: expected an array of non-negative integers, got"
                + " array [2,\"3\"]\n", err);
    }

    @Test
    void badSparkSettingsAreUsageErrorsNamingTheKey(@TempDir Path dir) {
        String spec = Specs.quickstart().toString();
        System.setProperty("spark.gradaudit.parallelism", "abc");
        try {
            assertEquals(2, run("audit", spec));
            assertEquals("gradaudit: Spark configuration spark.gradaudit.parallelism: expected a positive integer, got"
                    + " 'abc'\n", err);
            assertEquals(2, run("audit", spec, "--chunk-size", "0"), "the option is checked before the conf");
            assertTrue(err.startsWith("gradaudit: --chunk-size: expected a positive integer"), err);
        } finally {
            System.clearProperty("spark.gradaudit.parallelism");
        }
        System.setProperty(Main.DEFAULTS_PROPERTY, dir.resolve("nope.conf").toString());
        try {
            assertEquals(2, run("audit", spec));
            assertTrue(err.startsWith("gradaudit: gradaudit.spark.defaults=" + dir.resolve("nope.conf")
                    + ": cannot read: "), err);
        } finally {
            System.clearProperty(Main.DEFAULTS_PROPERTY);
        }
    }

    @Test
    void anExistingReportIsRefusedBeforeAnyWork(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("report.json"), "{}");
        assertEquals(2, run("audit", Specs.quickstart().toString(), "--out", dir.toString()));
        assertEquals("gradaudit: " + dir.resolve("report.json") + " already exists and is not empty; pass --overwrite"
                + " to replace it, or choose another --out\n", err);
        assertEquals("{}", Files.readString(dir.resolve("report.json")));
        Path file = dir.resolve("file");
        Files.writeString(file, "x");
        assertEquals(2, run("audit", Specs.quickstart().toString(), "--out", file.toString()));
        assertTrue(err.contains("exists and is not a directory"), err);
    }
}
