package org.gradaudit.core.check;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.junit.jupiter.api.Test;

class VerifyGradTest {
    private static final NDArray X = NDArray.of(0.3, -0.7, 1.2);
    private static final NDArray W = NDArray.of(new double[][] {{0.2, -0.1}, {0.5, 0.3}, {-0.4, 0.8}});

    @Test
    void passesOnCorrectOps() {
        VerifyGrad.verifyGrad(in -> T.sum(T.sqr(T.tanh(T.dot(in.get(0), in.get(1))))), List.of(X, W));
        VerifyGrad.verifyGrad(in -> T.mul(T.sigmoid(in.get(0)), T.exp(in.get(0))), List.of(X));
        VerifyGrad.verifyGrad(in -> T.trueDiv(T.sqrt(T.add(T.sqr(in.get(0)), 1.0)), T.add(in.get(0), 3.0)), List.of(X));
        VerifyGrad.verifyGrad(in -> T.log(T.add(T.pow(in.get(0), 2.0), 0.5)), List.of(X),
                VerifyOptions.builder().nTests(3).seed(7).build());
    }

    @Test
    void passesOnFloat32WithItsTolerances() {
        NDArray x32 = X.astype(DType.FLOAT32);
        VerifyGrad.verifyGrad(in -> T.tanh(T.mul(in.get(0), 2)), List.of(x32));
    }

    @Test
    void brokenUserOpIsCaughtAtTheRightInputAndPosition() {
        GradientError e = assertThrows(GradientError.class, () -> VerifyGrad.verifyGrad(
                in -> T.mul(in.get(0), new BrokenNeg().makeNode(in.get(1)).out()), List.of(X, X)));
        assertEquals(1, e.arg());
        assertArrayEquals(new int[] {3}, e.shape());
        // every element is wrong by a factor -1; the largest |a - n| is where |x0 * r| is largest
        assertEquals(-e.val2(), e.val1(), 1e-6);
        assertEquals("input 1", e.inputName());
        assertEquals(0, e.test());
        assertTrue(e.getMessage().startsWith("GradientError: numeric gradient and analytic gradient exceed tolerance:"),
                e.getMessage());
        assertTrue(e.getMessage().contains("At position " + e.errPos() + " of argument 1 with shape (3,),"), e.getMessage());
    }

    @Test
    void integerPointsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VerifyGrad.verifyGrad(
                in -> T.sum(in.get(0)), List.of(NDArray.of(DType.INT64, new int[] {2}, 1, 2))));
        assertEquals("verify_grad can work only with floating point inputs, but input 0 has dtype \"int64\".", e.getMessage());
    }

    @Test
    void theoreticalMessageLayout() {
        GradientError e = new GradientError(0, 1, new int[] {2}, 5, 4, 1, 0.111111, 1e-4, 1e-4, "x", 0);
        assertTrue(e.getMessage().startsWith(String.format(
                "GradientError: numeric gradient and analytic gradient exceed tolerance:%n"
                + "        At position 1 of argument 0 with shape (2,),%n"
                + "            val1 = 5.000000      ,  val2 = 4.000000%n"
                + "            abs. error = 1.000000,  abs. tolerance = 0.000100%n"
                + "            rel. error = 0.111111,  rel. tolerance = 0.000100%n")), e.getMessage());
    }

    @Test
    void unitsMergeToTheSameResultHoweverTheWorkIsSplit() {
        GradCheck check = GradCheck.prepare("split", in -> T.tanh(T.dot(in.get(0), in.get(1))), List.of(X, W),
                VerifyOptions.DEFAULTS);
        int n = check.nCoordinates();
        assertEquals(9, n);
        for (int t = 0; t < check.nTests(); t++) {
            UnitResult whole = check.run(t, 0, n);
            UnitResult a = check.run(t, 0, 4).merge(check.run(t, 4, 5)).merge(check.run(t, 5, n));
            UnitResult b = check.run(t, 5, n).merge(check.run(t, 0, 4).merge(check.run(t, 4, 5)));
            assertEquals(whole, a);
            assertEquals(whole, b);
            assertEquals(9, whole.checked());
        }
    }

    @Test
    void seedDecidesTheProjections() {
        SymbolicFunction f = in -> T.sum(T.mul(new BrokenNeg().makeNode(in.get(0)).out(), in.get(0)));
        GradCheck a = GradCheck.prepare("c", f, List.of(X), VerifyOptions.builder().seed(1).build());
        GradCheck b = GradCheck.prepare("c", f, List.of(X), VerifyOptions.builder().seed(1).build());
        GradCheck c = GradCheck.prepare("c", f, List.of(X), VerifyOptions.builder().seed(2).build());
        assertEquals(a.run(0, 0, 3), b.run(0, 0, 3));
        assertTrue(!a.run(0, 0, 3).equals(c.run(0, 0, 3)));
    }

    @Test
    void centralAndFastModesPassOnCorrectAndCatchBrokenOps() {
        SymbolicFunction good = in -> T.tanh(T.dot(in.get(0), in.get(1)));
        SymbolicFunction bad = in -> T.dot(new BrokenNeg().makeNode(in.get(0)).out(), in.get(1));
        for (CheckMode m : new CheckMode[] {CheckMode.CENTRAL, CheckMode.FAST}) {
            VerifyOptions o = VerifyOptions.builder().mode(m).build();
            VerifyGrad.verifyGrad(good, List.of(X, W), o);
            assertThrows(GradientError.class, () -> VerifyGrad.verifyGrad(bad, List.of(X, W), o), m.toString());
        }
    }
}
