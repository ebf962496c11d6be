package org.gradaudit.jobs.jacobian;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.gradaudit.jobs.Main;
import org.gradaudit.jobs.testing.Specs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gradaudit jacobian}'s argument, spec and output checks: exit code 2 before Spark starts. */
class JacobianCliTest {
    private String out;
    private String err;

    @TempDir
    Path tmp;

    /** Through {@code Main.run} (package-private: called reflectively), so the subcommand dispatch is tested too. */
    private int run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try {
            java.lang.reflect.Method m = Main.class.getDeclaredMethod("run", String[].class, PrintStream.class,
                    PrintStream.class);
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

    private String example() {
        return Specs.root().resolve("data/jacobian/tanh_layer.json").toString();
    }

    @Test
    void helpPrintsTheJacobianUsage() {
        assertEquals(0, run("jacobian", "--help"));
        assertTrue(out.startsWith("Usage: gradaudit jacobian SPEC [options]"), out);
        assertTrue(out.contains("--mode M") && out.contains("--verify N") && out.contains("--sparse"), out);
        assertEquals(0, run("--help"));
        assertTrue(out.contains("gradaudit jacobian SPEC [options]"), "the main usage mentions jacobian: " + out);
    }

    @Test
    void usageErrorsExitTwoAndNameTheFlag() {
        assertEquals(2, run("jacobian"));
        assertEquals("gradaudit jacobian: jacobian: missing SPEC (a JSON Jacobian spec file)\n"
                + "Run 'gradaudit jacobian --help' for usage.\n", err);
        assertEquals(2, run("jacobian", example(), "--mode", "diagonal"));
        assertTrue(err.startsWith("gradaudit jacobian: --mode: expected rows, columns or auto, got 'diagonal'"), err);
        assertEquals(2, run("jacobian", example(), "--block", "0"));
        assertTrue(err.startsWith("gradaudit jacobian: --block: expected a positive integer, got '0'"), err);
        assertEquals(2, run("jacobian", example(), "--block=many"));
        assertTrue(err.startsWith("gradaudit jacobian: --block: expected a positive integer, got 'many'"), err);
        assertEquals(2, run("jacobian", example(), "--format", "csv"));
        assertTrue(err.startsWith("gradaudit jacobian: --format: expected parquet or npy, got 'csv'"), err);
        assertEquals(2, run("jacobian", example(), "--verify", "-1"));
        assertTrue(err.startsWith("gradaudit jacobian: --verify: expected a non-negative integer, got '-1'"), err);
        assertEquals(2, run("jacobian", example(), "--sparse", "--format", "npy"));
        assertTrue(err.startsWith("gradaudit jacobian: --sparse writes a Parquet (row, col, value) table; it cannot be"
                + " combined with --format npy"), err);
        assertEquals(2, run("jacobian", example(), "--chunk-size", "3"));
        assertTrue(err.startsWith("gradaudit jacobian: unknown option '--chunk-size'"), err);
        assertEquals(2, run("jacobian", example(), "other.json"));
        assertTrue(err.startsWith("gradaudit jacobian: unexpected argument 'other.json'; only one SPEC is allowed"), err);
        assertEquals("", out);
    }

    @Test
    void specAndOutputErrorsExitTwoBeforeAnythingRuns() throws IOException {
        Path spec = tmp.resolve("bad.json");
        Files.writeString(spec, "{\"name\": \"b\", \"function\": {\"expression\": \"tanh(x)\", \"inputs\": {\"x\":"
                + " {\"shape\": [3]}}}, \"wrt\": \"y\"}");
        assertEquals(2, run("jacobian", spec.toString()));
        assertEquals("gradaudit jacobian: bad.json: wrt: no input named \"y\"; the function's inputs are [x]\n", err);
        assertEquals(2, run("jacobian", tmp.resolve("missing.json").toString()));
        assertTrue(err.startsWith("gradaudit jacobian: missing.json: no such file: "), err);
        Path used = Files.createDirectories(tmp.resolve("used"));
        Files.writeString(used.resolve("x.txt"), "x");
        assertEquals(2, run("jacobian", example(), "--out", used.toString()));
        assertEquals("gradaudit jacobian: --out " + used + " exists and is not empty; use --overwrite to replace a"
                + " previous Jacobian output\n", err);
        System.setProperty(JacobianJob.MAX_DRIVER_BYTES_KEY, "100k");     // read through SparkConf
        try {
            assertEquals(2, run("jacobian", example(), "--verify", "30", "--out", tmp.resolve("v").toString()));
        } finally {
            System.clearProperty(JacobianJob.MAX_DRIVER_BYTES_KEY);
        }
        assertEquals("gradaudit jacobian: --verify 30 brings 144000 bytes of columns to the driver, more than"
                + " spark.gradaudit.jacobian.maxDriverBytes = 102400; verify fewer lines or raise the limit\n", err);
        assertFalse(Files.exists(tmp.resolve("v")));
        assertEquals("", out);
    }
}
