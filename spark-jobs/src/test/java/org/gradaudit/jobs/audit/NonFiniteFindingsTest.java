package org.gradaudit.jobs.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * NaN and Inf that appear inside a check, at a finite point, are findings (FAIL with a non-finite
 * error naming the input and element), never crashes: a function that overflows, and a function
 * that is finite at the point but not one step away, so that its numeric gradient is NaN while the
 * analytic one is finite. In every check mode.
 */
class NonFiniteFindingsTest {
    private static String spec(String mode) {
        return "{\"name\": \"nf\", \"defaults\": {\"mode\": \"" + mode + "\"}, \"cases\": ["
                + "{\"name\": \"overflow\", \"expression\": \"sum(exp(x * 1000))\", \"inputs\": {\"x\": {\"shape\": [3],"
                + " \"generator\": {\"kind\": \"uniform\", \"low\": 1, \"high\": 2}}}},"
                + "{\"name\": \"nan_numeric\", \"expression\": \"sum(sqrt(-x))\", \"inputs\": {\"x\": {\"shape\": [3],"
                + " \"generator\": {\"kind\": \"uniform\", \"low\": -5e-8, \"high\": -2e-8}}}},"
                + "{\"name\": \"fine\", \"expression\": \"sum(tanh(x))\", \"inputs\": {\"x\": {\"shape\": [3]}}}]}";
    }

    @Test
    void nonFiniteValuesInsideACheckAreFailingFindings() {
        for (String mode : List.of("theano", "central", "fast")) {
            AuditReport r = AuditJob.runLocal(AuditSpec.parse(spec(mode), "nf.json"));
            assertEquals(1, r.exitCode(), mode);
            for (int i = 0; i < 2; i++) {
                CaseReport c = r.cases().get(i);
                assertEquals(CaseReport.Status.FAIL, c.status(), mode + " " + c.name() + ": " + c.message());
                assertTrue(c.message().contains("non-finite"), mode + " " + c.name() + ": " + c.message());
                assertTrue(c.message().contains("x"), c.message());
            }
            assertEquals(CaseReport.Status.PASS, r.cases().get(2).status(), mode);
        }
    }
}
