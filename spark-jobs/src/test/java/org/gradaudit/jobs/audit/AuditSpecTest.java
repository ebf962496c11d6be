package org.gradaudit.jobs.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.check.CheckMode;
import org.gradaudit.jobs.testing.NotABuilder;
import org.gradaudit.jobs.testing.Specs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditSpecTest {

    /** A valid one-case spec with {@code extra} spliced into the case object. */
    private static String oneCase(String caseBody) {
        return "{\"name\": \"t\", \"cases\": [" + caseBody + "]}";
    }

    private static final String GOOD_CASE =
            "{\"name\": \"c\", \"expression\": \"sum(x * y)\", \"inputs\": {\"x\": {\"shape\": [3]}, \"y\": {\"shape\": [3]}}}";

    private static String error(String json) {
        return assertThrows(SpecException.class, () -> AuditSpec.parse(json, "quickstart.json")).getMessage();
    }

    @Test
    void quickstartParsesWithInputsInDeclarationOrder() {
        AuditSpec s = AuditSpec.read(Specs.quickstart());
        assertEquals("quickstart", s.name());
        assertEquals("quickstart.json", s.source());
        assertEquals(666, s.seed());
        assertEquals(List.of("tanh_dot", "logistic_loss", "pow_sqrt_div", "broadcasting", "broken_neg", "rnn_scan"),
                s.cases().stream().map(AuditSpec.Case::name).toList());
        assertEquals(List.of("X", "w", "y"), s.cases().get(1).inputNames());
        assertEquals(List.of("A", "v", "c", "s"), s.cases().get(3).inputNames());
        assertEquals(3, s.cases().get(3).check().nTests());
        assertEquals(2, s.cases().get(0).check().nTests());
        assertEquals("org.gradaudit.jobs.examples.BrokenNegCase", s.cases().get(4).builder());
        assertNull(s.cases().get(4).expression());
    }

    @Test
    void defaultsAreTheanos() {
        AuditSpec s = AuditSpec.parse(oneCase(GOOD_CASE), "t.json");
        AuditSpec.Case c = s.cases().get(0);
        assertEquals(666, s.seed());
        assertEquals(CheckSettings.DEFAULTS, c.check());
        assertEquals(CheckMode.THEANO, c.check().mode());
        assertNull(c.check().eps());
        AuditSpec.Input x = c.inputs().get("x");
        assertEquals(DType.FLOAT64, x.dtype());
        assertEquals(AuditSpec.Generator.normal(0, 1), x.generator());
        assertEquals(0, x.seed());
    }

    @Test
    void caseCheckOverridesDefaultsFieldByField() {
        AuditSpec s = AuditSpec.parse("{\"name\": \"t\", \"defaults\": {\"nTests\": 4, \"absTol\": 0.001, \"eps\": 1e-6},"
                + " \"cases\": [{\"name\": \"c\", \"expression\": \"sum(x)\", \"inputs\": {\"x\": {\"shape\": [2]}},"
                + " \"check\": {\"mode\": \"central\", \"eps\": null}}]}", "t.json");
        CheckSettings c = s.cases().get(0).check();
        assertEquals(4, c.nTests());
        assertEquals(0.001, c.absTol());
        assertNull(c.eps());
        assertNull(c.relTol());
        assertEquals(CheckMode.CENTRAL, c.mode());
    }

    @Test
    void pointsDependOnlyOnSeedCaseInputAndInputSeed() {
        AuditSpec.Input in = new AuditSpec.Input(new int[] {2, 3}, DType.FLOAT64, AuditSpec.Generator.normal(0, 1), 7);
        NDArray a = in.generate(666, "case", "x");
        assertEquals(a, in.generate(666, "case", "x"));
        assertNotEquals(a, in.generate(667, "case", "x"));
        assertNotEquals(a, in.generate(666, "case2", "x"));
        assertNotEquals(a, in.generate(666, "case", "y"));
        assertNotEquals(a, new AuditSpec.Input(new int[] {2, 3}, DType.FLOAT64, AuditSpec.Generator.normal(0, 1), 8)
                .generate(666, "case", "x"));
        assertArrayEquals(new int[] {2, 3}, a.shape());
        NDArray u = new AuditSpec.Input(new int[] {1000}, DType.FLOAT32, AuditSpec.Generator.uniform(0.5, 2), 1)
                .generate(666, "c", "u");
        assertEquals(DType.FLOAT32, u.dtype());
        for (double v : u.toDoubleArray()) {
            assertTrue(v >= 0.5 && v <= 2, "uniform element out of range: " + v);
        }
    }

    @Test
    void shapeErrorNamesFileAndFieldPath() {
        String bad = "{\"name\": \"t\", \"cases\": [" + GOOD_CASE + ", {\"name\": \"d\", \"expression\": \"sum(x)\","
                + " \"inputs\": {\"x\": {\"shape\": \"3\"}}}]}";
        assertEquals("quickstart.json: cases[1].inputs.x.shape: expected an array of non-negative integers, "
                + "got string \"3\"", error(bad));
        assertEquals("quickstart.json: cases[0].inputs.x.shape: expected an array of non-negative integers, "
                + "got array [3,-1]", error(oneCase(
                "{\"name\": \"c\", \"expression\": \"sum(x)\", \"inputs\": {\"x\": {\"shape\": [3, -1]}}}")));
        assertEquals("quickstart.json: cases[0].inputs.x.shape: missing; expected an array of non-negative integers",
                error(oneCase("{\"name\": \"c\", \"expression\": \"sum(x)\", \"inputs\": {\"x\": {}}}")));
    }

    @Test
    void unknownFieldsAreErrors() {
        assertEquals("quickstart.json: cases[0].chek: unknown field; expected one of name, expression, builder, graph,"
                + " inputs, check, mask", error(oneCase("{\"name\": \"c\", \"expression\": \"sum(x)\", \"inputs\": {\"x\": "
                + "{\"shape\": [1]}}, \"chek\": {}}")));
        assertEquals("quickstart.json: seeds: unknown field; expected one of name, seed, defaults, cases",
                error("{\"name\": \"t\", \"seeds\": 1, \"cases\": [" + GOOD_CASE + "]}"));
        assertEquals("quickstart.json: defaults.abs_tol: unknown field; expected one of nTests, mode, eps, absTol,"
                + " relTol, nProjections, maxElements, timeBudgetMs", error("{\"name\": \"t\", \"defaults\": {\"abs_tol\": 1}, \"cases\": ["
                + GOOD_CASE + "]}"));
        assertEquals("quickstart.json: cases[0].inputs.x.generator.std: unknown field; expected one of kind, low, high",
                error(oneCase("{\"name\": \"c\", \"expression\": \"sum(x)\", \"inputs\": {\"x\": {\"shape\": [1],"
                        + " \"generator\": {\"kind\": \"uniform\", \"std\": 1}}}}")));
    }

    @Test
    void valueErrorsSayWhatWasExpected() {
        assertEquals("quickstart.json: cases[0].inputs.x.dtype: expected one of \"float16\", \"float32\", \"float64\""
                + " (gradients are checked for float inputs only), got string \"int32\"", error(oneCase(
                "{\"name\": \"c\", \"expression\": \"sum(x)\", \"inputs\": {\"x\": {\"shape\": [1], \"dtype\": \"int32\"}}}")));
        assertEquals("quickstart.json: defaults.nTests: expected a positive integer, got number 0",
                error("{\"name\": \"t\", \"defaults\": {\"nTests\": 0}, \"cases\": [" + GOOD_CASE + "]}"));
        assertEquals("quickstart.json: defaults.mode: expected \"theano\", \"central\" or \"fast\", got string \"slow\"",
                error("{\"name\": \"t\", \"defaults\": {\"mode\": \"slow\"}, \"cases\": [" + GOOD_CASE + "]}"));
        assertEquals("quickstart.json: defaults.eps: expected a positive number or null (null: the dtype default), "
                + "got number -1.0E-7", error("{\"name\": \"t\", \"defaults\": {\"eps\": -1e-7}, \"cases\": ["
                + GOOD_CASE + "]}"));
        assertEquals("quickstart.json: seed: expected an integer, got number 1.5",
                error("{\"name\": \"t\", \"seed\": 1.5, \"cases\": [" + GOOD_CASE + "]}"));
        assertEquals("quickstart.json: cases[0].inputs.x.generator: expected low < high, got low 1.0 and high 1.0",
                error(oneCase("{\"name\": \"c\", \"expression\": \"sum(x)\", \"inputs\": {\"x\": {\"shape\": [1],"
                        + " \"generator\": {\"kind\": \"uniform\", \"low\": 1, \"high\": 1}}}}")));
        assertEquals("quickstart.json: cases[0].inputs.x.generator.kind: expected \"normal\", \"uniform\" or \"npy\", got string"
                + " \"gamma\"", error(oneCase("{\"name\": \"c\", \"expression\": \"sum(x)\", \"inputs\": {\"x\": "
                + "{\"shape\": [1], \"generator\": {\"kind\": \"gamma\"}}}}")));
    }

    @Test
    void structuralErrors() {
        assertEquals("quickstart.json: name: missing; expected a non-empty string", error("{\"cases\": []}"));
        assertEquals("quickstart.json: cases: expected a non-empty array of cases, got array []",
                error("{\"name\": \"t\", \"cases\": []}"));
        assertEquals("quickstart.json: cases[1].name: duplicate case name \"c\" (also cases[0]); case names must be "
                + "unique", error("{\"name\": \"t\", \"cases\": [" + GOOD_CASE + ", " + GOOD_CASE + "]}"));
        assertEquals("quickstart.json: cases[0]: missing a case definition; expected exactly one of \"expression\","
                + " \"builder\", \"graph\", \"op\", \"sweep\"",
                error(oneCase("{\"name\": \"c\", \"inputs\": {\"x\": {\"shape\": [1]}}}")));
        assertEquals("quickstart.json: cases[0]: has [expression, builder]; expected exactly one of \"expression\","
                + " \"builder\", \"graph\", \"op\", \"sweep\"",
                error(oneCase("{\"name\": \"c\", \"expression\": \"x\", \"builder\": \"a.B\", \"inputs\": {\"x\": "
                        + "{\"shape\": [1]}}}")));
        assertEquals("quickstart.json: cases[0].inputs: expected a non-empty object of named inputs, got object {}",
                error(oneCase("{\"name\": \"c\", \"expression\": \"x\", \"inputs\": {}}")));
    }

    @Test
    void invalidJsonIsLocated() {
        String m = error("{\"name\": \"t\",\n \"cases\": [}");
        assertTrue(m.startsWith("quickstart.json: invalid JSON: line 2, column 12: "), m);
        String dup = error("{\"name\": \"t\", \"name\": \"u\", \"cases\": []}");
        assertTrue(dup.startsWith("quickstart.json: invalid JSON: line 1, column ") && dup.contains("Duplicate field 'name'"),
                dup);
        assertEquals("quickstart.json: the file is empty; expected a JSON object with \"name\" and \"cases\"", error(""));
    }

    @Test
    void expressionErrorsAreSpecErrorsWithLineAndColumn() {
        assertEquals("quickstart.json: cases[0].expression: 1:5: unknown function 'tahn'; expected one of "
                + String.join(", ", org.gradaudit.core.io.OpRegistry.names()), error(oneCase(
                "{\"name\": \"c\", \"expression\": \"sum(tahn(x))\", \"inputs\": {\"x\": {\"shape\": [3]}}}")));
        assertEquals("quickstart.json: cases[0].expression: 1:9: unknown name 'W'; expected one of the inputs [x]",
                error(oneCase("{\"name\": \"c\", \"expression\": \"sum(dot(W, x))\", \"inputs\": {\"x\": "
                        + "{\"shape\": [3]}}}")));
    }

    @Test
    void builderMustImplementGraphBuilderAndIsNeverInitialisedOtherwise() {
        String m = error(oneCase("{\"name\": \"c\", \"builder\": \"" + NotABuilder.class.getName() + "\", \"inputs\": "
                + "{\"x\": {\"shape\": [1]}}}"));
        assertEquals("quickstart.json: cases[0].builder: class \"org.gradaudit.jobs.testing.NotABuilder\" does not "
                + "implement org.gradaudit.core.check.GraphBuilder", m);
        assertFalse(NotABuilder.Probe.notABuilderTouched, "the class was initialised or constructed before the interface check");
    }

    @Test
    void builderErrors() {
        assertEquals("quickstart.json: cases[0].builder: class \"com.example.Missing\" not found on the classpath "
                + "(ship its jar with the application, e.g. spark-submit --jars)", error(oneCase(
                "{\"name\": \"c\", \"builder\": \"com.example.Missing\", \"inputs\": {\"x\": {\"shape\": [1]}}}")));
        assertEquals("quickstart.json: cases[0].builder: class \"org.gradaudit.jobs.testing.NoDefaultConstructorBuilder\""
                + " has no public no-argument constructor", error(oneCase("{\"name\": \"c\", \"builder\": "
                + "\"org.gradaudit.jobs.testing.NoDefaultConstructorBuilder\", \"inputs\": {\"x\": {\"shape\": [1]}}}")));
        assertEquals("quickstart.json: cases[0].builder: class \"org.gradaudit.core.check.GraphBuilder\" must be a "
                + "public, concrete class with a public no-argument constructor", error(oneCase("{\"name\": \"c\", "
                + "\"builder\": \"org.gradaudit.core.check.GraphBuilder\", \"inputs\": {\"x\": {\"shape\": [1]}}}")));
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        SpecException e = assertThrows(SpecException.class, () -> AuditSpec.read(dir.resolve("nope.json")));
        assertEquals("nope.json: no such file: " + dir.resolve("nope.json").toAbsolutePath(), e.getMessage());
    }
}
