package org.gradaudit.jobs.jacobian;

import static org.gradaudit.jobs.jacobian.Fixtures.assertSpecError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.gradaudit.core.NDArray;
import org.gradaudit.jobs.audit.SpecException;
import org.gradaudit.jobs.testing.Specs;
import org.junit.jupiter.api.Test;

/** The Jacobian spec, the plan (direction, block size) and the pre-run checks; no Spark. */
class JacobianSpecTest {
    private static final String INPUTS = "\"inputs\": {\"x\": {\"shape\": [3]}, \"W\": {\"shape\": [2, 3]}}";

    private static String spec(String function, String rest) {
        return "{\"name\": \"j\", \"function\": {" + function + "}" + rest + "}";
    }

    @Test
    void exampleSpecParsesWithItsNpyPoint() {
        Path file = Specs.root().resolve("data/jacobian/tanh_layer.json");
        JacobianSpec s = JacobianSpec.read(file);
        assertEquals("tanh_layer", s.name());
        assertEquals(7, s.seed());
        assertEquals("x", s.wrt());
        assertEquals(0, s.wrtIndex());
        assertEquals(List.of("x", "W", "b"), s.function().inputNames());
        assertEquals(4, s.verify().samples());
        List<NDArray> p = s.points();
        assertArrayEquals(new int[] {200}, p.get(0).shape());
        assertArrayEquals(new int[] {300, 200}, p.get(1).shape());
        assertEquals(p, s.points(), "points are a pure function of the spec");
        JacobianJob.Prepared prep = JacobianJob.prepare(s);
        assertEquals(300, prep.m());
        assertEquals(200, prep.n());
    }

    @Test
    void wrtMustNameAnInput() {
        assertSpecError(spec("\"expression\": \"tanh(dot(W, x))\", " + INPUTS, ", \"wrt\": \"z\""),
                "j.json: wrt: no input named \"z\"; the function's inputs are [x, W]");
        assertSpecError(spec("\"expression\": \"tanh(dot(W, x))\", " + INPUTS, ""),
                "j.json: wrt: missing; expected a non-empty string");
        assertSpecError(spec("\"expression\": \"tanh(dot(W, x))\", " + INPUTS, ", \"wrt\": 3"),
                "j.json: wrt: expected a non-empty string, got 3");
    }

    @Test
    void functionErrorsNameTheFieldUnderFunction() {
        assertSpecError("{\"name\": \"j\", \"wrt\": \"x\"}", "j.json: function: missing; expected an object with"
                + " \"inputs\" and one of \"expression\", \"builder\", \"graph\", \"op\" (as an audit case, without"
                + " \"name\")");
        assertSpecError(spec("\"expression\": \"tanh(dot(W, q))\", " + INPUTS, ", \"wrt\": \"x\""),
                "j.json: function.expression: 1:13: unknown name 'q'; expected one of the inputs [W, x]");
        assertSpecError(spec("\"expression\": \"tanh(x)\", \"inputs\": {\"x\": {\"shape\": \"3\"}}", ", \"wrt\": \"x\""),
                "j.json: function.inputs.x.shape: expected an array of non-negative integers, got string \"3\"");
        assertSpecError(spec("\"expression\": \"tanh(x)\", \"check\": {}, " + INPUTS, ", \"wrt\": \"x\""),
                "j.json: function.check: unknown field; expected one of expression, builder, graph, op, shapes, dtype,"
                        + " inputs");
        assertSpecError(spec("\"builder\": \"no.such.Builder\", " + INPUTS, ", \"wrt\": \"x\""),
                "j.json: function.builder: class \"no.such.Builder\" not found on the classpath (ship its jar with the"
                        + " application, e.g. spark-submit --jars)");
        assertSpecError(spec("\"expression\": \"tanh(x)\", \"op\": \"tanh\", " + INPUTS, ", \"wrt\": \"x\""),
                "j.json: function: has [expression, op]; expected exactly one of \"expression\", \"builder\","
                        + " \"graph\", \"op\", \"sweep\"");
        assertSpecError("{\"name\": \"j\", \"function\": {\"sweep\": \"all\"}, \"wrt\": \"x\"}",
                "j.json: function.sweep: unknown field; expected one of expression, builder, graph, op, shapes, dtype,"
                        + " inputs");
        assertSpecError("{\"name\": \"j\", \"function\": [], \"wrt\": \"x\"}",
                "j.json: function: expected a function object with \"inputs\" and one of \"expression\", \"builder\","
                        + " \"graph\", \"op\", got array []");
    }

    @Test
    void topLevelAndVerifyErrors() {
        String ok = "\"expression\": \"tanh(dot(W, x))\", " + INPUTS;
        assertSpecError(spec(ok, ", \"wrt\": \"x\", \"mode\": \"rows\""),
                "j.json: mode: unknown field; expected one of name, seed, function, wrt, verify");
        assertSpecError(spec(ok, ", \"wrt\": \"x\", \"verify\": {\"samples\": -1}"),
                "j.json: verify.samples: expected a non-negative integer, got -1");
        assertSpecError(spec(ok, ", \"wrt\": \"x\", \"verify\": {\"absTol\": 0}"),
                "j.json: verify.absTol: expected a positive number or null (null: the dtype default), got 0");
        assertSpecError(spec(ok, ", \"wrt\": \"x\", \"verify\": {\"tolerance\": 1}"),
                "j.json: verify.tolerance: unknown field; expected one of samples, eps, absTol, relTol");
        SpecException bad = assertThrows(SpecException.class, () -> JacobianSpec.parse("{\"name\": \"j\",", "j.json",
                null));
        assertTrue(bad.getMessage().startsWith("j.json: invalid JSON: line 1, column "), bad.getMessage());
        SpecException e = assertThrows(SpecException.class, () -> JacobianSpec.read(Path.of("/no/such/j.json")));
        assertEquals("j.json: no such file: /no/such/j.json", e.getMessage());
        JacobianSpec s = JacobianSpec.parse(spec(ok, ", \"wrt\": \"W\", \"seed\": 5"), "j.json", null);
        assertEquals(1, s.wrtIndex());
        assertEquals(0, s.verify().samples());
        assertNull(s.verify().absTol());
        assertEquals(3, s.withVerifySamples(3).verify().samples());
    }

    @Test
    void aFunctionWithoutAFloatOutputOrThatCannotBeEvaluatedIsASpecError() {
        JacobianSpec ints = JacobianSpec.parse(spec("\"expression\": \"argmax(x, 0)\", " + INPUTS, ", \"wrt\": \"x\""),
                "j.json", null);
        SpecException e = assertThrows(SpecException.class, () -> JacobianJob.prepare(ints));
        assertTrue(e.getMessage().startsWith("j.json: function: the output is "), e.getMessage());
        assertTrue(e.getMessage().endsWith("; a Jacobian needs a float tensor output"), e.getMessage());
        JacobianSpec misaligned = JacobianSpec.parse(spec("\"expression\": \"dot(W, x)\", \"inputs\": {\"x\":"
                + " {\"shape\": [4]}, \"W\": {\"shape\": [2, 3]}}", ", \"wrt\": \"x\""), "j.json", null);
        e = assertThrows(SpecException.class, () -> JacobianJob.prepare(misaligned));
        assertTrue(e.getMessage().startsWith("j.json: function: cannot build or evaluate the function at the point: "),
                e.getMessage());
    }

    @Test
    void autoPicksRowsWhenMIsAtMostNAndTheBlockComesFromTheTaskBudget() {
        JacobianJob.Options o = JacobianJob.Options.DEFAULTS;
        JacobianJob.Plan p = JacobianJob.plan(2000, 2000, o, 2);
        assertEquals(JacobianJob.Mode.ROWS, p.mode());
        assertEquals("auto: m <= n", p.modeReason());
        assertEquals((64 << 20) / (2000 * 8 * JacobianJob.INTERMEDIATE_FACTOR), p.block());
        assertEquals(2, p.blocks());
        assertEquals(2, p.partitions());
        p = JacobianJob.plan(5_000, 100, o, 2);
        assertEquals(JacobianJob.Mode.COLUMNS, p.mode());
        assertEquals(100, p.block(), "419 from the budget, clipped at the number of columns");
        assertEquals(1, p.blocks());
        p = JacobianJob.plan(50_000, 100, o, 2);
        assertEquals(41, p.block(), "64 MiB / (50,000 x 8 x 4 bytes)");
        assertEquals(3, p.blocks());
        p = JacobianJob.plan(100_000, 100_000, o.withTaskBytes(1000), 2);
        assertEquals(1, p.block(), "at least one line");
        assertEquals(100_000, p.blocks());
        assertEquals(6, p.partitions(), "3 x the default parallelism");
        p = JacobianJob.plan(10, 30, o.withMode(JacobianJob.Mode.COLUMNS).withBlock(7).withParallelism(2), 8);
        assertEquals(JacobianJob.Mode.COLUMNS, p.mode());
        assertEquals("--mode columns", p.modeReason());
        assertEquals(7, p.block());
        assertEquals("--block", p.blockSource());
        assertEquals(5, p.blocks());
        assertEquals(2, p.partitions());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> o.withBlock(0));
        assertEquals("block must be a positive number of lines, got 0", e.getMessage());
    }

    @Test
    void verificationSampleIsSeededDistinctAndSorted() {
        int[] a = Verification.sample(7, "j", 5, 100);
        assertArrayEquals(a, Verification.sample(7, "j", 5, 100));
        assertEquals(5, java.util.Arrays.stream(a).distinct().count());
        for (int i = 1; i < a.length; i++) {
            assertTrue(a[i - 1] < a[i]);
        }
        assertTrue(a[0] >= 0 && a[4] < 100);
        assertTrue(!java.util.Arrays.equals(a, Verification.sample(8, "j", 5, 100)), "another seed, another sample");
        assertArrayEquals(new int[] {0, 1, 2}, Verification.sample(7, "j", 10, 3));
    }

    @Test
    void maxErrIsTheoStyleAndFailsOnlyWhenBothTolerancesAreExceeded() {
        double[][] numeric = {{1.0, 2.0, 0.0}};
        Verification ok = Verification.compare(JacobianJob.Mode.ROWS, new int[] {4},
                List.of(new double[] {1.0 + 1e-6, 2.0, 0.0}), numeric, org.gradaudit.core.DType.FLOAT64, 1e-7, 1e-4,
                1e-4);
        assertTrue(ok.passed());
        assertEquals(4, ok.row());
        assertEquals(0, ok.col());
        Verification bad = Verification.compare(JacobianJob.Mode.COLUMNS, new int[] {2},
                List.of(new double[] {1.0, -2.0, 0.0}), numeric, org.gradaudit.core.DType.FLOAT64, 1e-7, 1e-4, 1e-4);
        assertTrue(!bad.passed());
        assertEquals(1, bad.row());
        assertEquals(2, bad.col());
        assertEquals(4.0, bad.absErr());
        assertEquals(1.0, bad.relErr());
        assertEquals("J[1, 2]: analytic -2.0000000000000000, numeric 2.0000000000000000: abs err 4.00 > absTol"
                + " 0.000100 and rel err 1.00 > relTol 0.000100", bad.message());
        Verification nan = Verification.compare(JacobianJob.Mode.ROWS, new int[] {0},
                List.of(new double[] {Double.NaN, 2.0, 0.0}), numeric, org.gradaudit.core.DType.FLOAT64, 1e-7, 1e-4, 1e-4);
        assertTrue(!nan.passed());
        assertEquals("error not finite at J[0, 0]: analytic NaN, numeric 1.0", nan.message());
    }
}
