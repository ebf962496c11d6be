package org.gradaudit.core.theano;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.CheckMode;
import org.gradaudit.core.check.GradCheck;
import org.gradaudit.core.check.GradientError;
import org.gradaudit.core.check.NumericGrad;
import org.gradaudit.core.check.RopCheck;
import org.gradaudit.core.check.ScalarFunction;
import org.gradaudit.core.check.SymbolicFunction;
import org.gradaudit.core.check.Tolerances;
import org.gradaudit.core.check.VerifyGrad;
import org.gradaudit.core.check.VerifyOptions;
import org.junit.jupiter.api.Test;

/** §9 of the spec: numeric_grad, verify_grad, GradientError; plus the second-order and R-op checks. */
class NumericCheckTest {

    /** sum(x^2) in the dtype of its argument. */
    private static final ScalarFunction SUM_SQ = args -> {
        NDArray a = args[0];
        DType d = a.dtype();
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s = d.coerce(s + d.coerce(a.getFlat(i) * a.getFlat(i)));
        }
        return NDArray.scalar(d, s);
    };

    // ---- numeric_grad ----

    @Test
    void numericGradFloat64WorkedReference() {
        NumericGrad ng = new NumericGrad(SUM_SQ, List.of(NDArray.of(1.0, 2.0)));
        assertEquals(1e-7, ng.eps(), 0);
        assertEquals(DType.FLOAT64, ng.workingDType());
        assertEquals(2.0000001033082526, ng.gf().get(0).getFlat(0), 0);
        assertEquals(4.000000091153311, ng.gf().get(0).getFlat(1), 0);
    }

    @Test
    void numericGradFloat32WorkedReference() {
        NumericGrad ng = new NumericGrad(SUM_SQ, List.of(NDArray.of(DType.FLOAT32, new int[] {2}, 1, 2)));
        assertEquals(3e-4, ng.eps(), 0);
        assertEquals(DType.FLOAT32, ng.workingDType());
        assertEquals(DType.FLOAT32, ng.gf().get(0).dtype());
        assertEquals(2.0011265f, (float) ng.gf().get(0).getFlat(0), 0);
        assertEquals(3.9990742f, (float) ng.gf().get(0).getFlat(1), 0);
    }

    @Test
    void numericGradMixedDtypesWorksInTheMostPreciseWithTheLargestStep() {
        ScalarFunction f = args -> NDArray.scalar(args[0].getFlat(0) * args[0].getFlat(0)
                + args[1].getFlat(0) * args[1].getFlat(0));
        NumericGrad ng = new NumericGrad(f, List.of(NDArray.of(DType.FLOAT32, new int[] {1}, 1),
                NDArray.of(DType.FLOAT64, new int[] {1}, 2)));
        assertEquals(DType.FLOAT64, ng.workingDType());
        assertEquals(3e-4, ng.eps(), 0);
        assertEquals(2.0003, ng.gf().get(0).getFlat(0), 1e-9);
        assertEquals(4.0003, ng.gf().get(1).getFlat(0), 1e-9);
    }

    @Test
    void numericGradStepTable() {
        assertEquals(1e-7, Tolerances.typeEps(DType.FLOAT64), 0);
        assertEquals(3e-4, Tolerances.typeEps(DType.FLOAT32), 0);
        assertEquals(1e-1, Tolerances.typeEps(DType.FLOAT16), 0);
        assertEquals(1e-4, Tolerances.typeTol(DType.FLOAT64), 0);
        assertEquals(1e-2, Tolerances.typeTol(DType.FLOAT32), 0);
        assertEquals(5e-2, Tolerances.typeTol(DType.FLOAT16), 0);
        NumericGrad h = new NumericGrad(SUM_SQ, List.of(NDArray.of(DType.FLOAT16, new int[] {1}, 1)));
        assertEquals(0.1, h.eps(), 0);
        NumericGrad given = new NumericGrad(SUM_SQ, List.of(NDArray.of(1.0, 2.0)), 1e-3, null);
        assertEquals(1e-3, given.eps(), 0);
        assertEquals(2.001, given.gf().get(0).getFlat(0), 1e-9);
    }

    @Test
    void numericGradIsAOneSidedDifference() {
        ScalarFunction cube = args -> NDArray.scalar(Math.pow(args[0].getFlat(0), 3));
        NumericGrad ng = new NumericGrad(cube, List.of(NDArray.of(2.0)), 0.01, null);
        assertEquals((Math.pow(2.01, 3) - 8) / 0.01, ng.gf().get(0).getFlat(0), 1e-12);   // 12.0601, not 12.0001
    }

    @Test
    void numericGradRejectsIntegerPoints() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NumericGrad(SUM_SQ, List.of(NDArray.of(DType.INT32, new int[] {1}, 1))));
        assertTrue(e.getMessage().contains("input 0 has dtype \"int32\""), e.getMessage());
    }

    @Test
    void absRelErrUsesTheFloorOf1eMinus8() {
        NumericGrad.AbsRel r = NumericGrad.absRelErr(NDArray.of(1e-9, 0, 3), NDArray.of(0, 0, 1));
        assertEquals(1e-9, r.abs().getFlat(0), 0);
        assertEquals(0.1, r.rel().getFlat(0), 1e-15);
        assertEquals(0, r.rel().getFlat(1), 0);
        assertEquals(2, r.abs().getFlat(2), 0);
        assertEquals(0.5, r.rel().getFlat(2), 0);
    }

    @Test
    void maxErrWorkedReferences() {
        NumericGrad ng = new NumericGrad(SUM_SQ, List.of(NDArray.of(1.0, 2.0)));
        NumericGrad.MaxErr pass = ng.maxErr(List.of(NDArray.of(2, 4)), 1e-4, 1e-4);
        assertEquals(0, pass.maxArg());
        assertEquals(0, pass.maxPos());
        assertEquals(1.033e-07, pass.absErr(), 1e-10);
        assertEquals(2.583e-08, pass.relErr(), 1e-11);
        assertEquals(2.583e-4, pass.scaled(), 1e-7);
        NumericGrad.MaxErr fail = ng.maxErr(List.of(NDArray.of(2, 5)), 1e-4, 1e-4);
        assertEquals(0, fail.maxArg());
        assertEquals(1, fail.maxPos());
        assertEquals(0.9999999088466893, fail.absErr(), 1e-15);
        assertEquals(0.11111109985761608, fail.relErr(), 1e-15);
        assertEquals(1111.1, fail.scaled(), 0.02);
    }

    @Test
    void maxErrPicksTheArgumentWithTheLargestScaledError() {
        ScalarFunction f = args -> NDArray.scalar(args[0].getFlat(0) + args[1].getFlat(0) * 2 + args[1].getFlat(1));
        NumericGrad ng = new NumericGrad(f, List.of(NDArray.of(1.0), NDArray.of(1.0, 1.0)));
        NumericGrad.MaxErr m = ng.maxErr(List.of(NDArray.of(1.5), NDArray.of(2, 3)), 1e-4, 1e-4);
        assertEquals(1, m.maxArg());
        assertEquals(1, m.maxPos());
        assertEquals(2, m.absErr(), 1e-6);
    }

    @Test
    void absRelErrorsRejectsWrongCountAndShape() {
        NumericGrad ng = new NumericGrad(SUM_SQ, List.of(NDArray.of(1.0, 2.0)));
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> ng.absRelErrors(List.of(NDArray.of(2, 4), NDArray.of(1))));
        assertTrue(count.getMessage().startsWith("argument has wrong number of elements"), count.getMessage());
        IllegalArgumentException shape = assertThrows(IllegalArgumentException.class,
                () -> ng.absRelErrors(List.of(NDArray.of(2, 4, 6))));
        assertTrue(shape.getMessage().startsWith("argument element 0 has wrong shapes [3], [2]"), shape.getMessage());
    }

    @Test
    void maxErrRejectsNonFiniteErrors() {
        NumericGrad ng = new NumericGrad(SUM_SQ, List.of(NDArray.of(1.0, 2.0)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ng.maxErr(List.of(NDArray.of(Double.NaN, 4)), 1e-4, 1e-4));
        assertTrue(e.getMessage().startsWith("abs_err not finite"), e.getMessage());
    }

    // ---- verify_grad ----

    /** a * b elementwise with a gradient for b that is wrong (by gz) at position 2 only. */
    static final class WrongAt extends Op {
        private static final long serialVersionUID = 1L;

        @Override
        public Apply makeNode(List<Variable> inputs) {
            return Apply.create(this, inputs, List.of(inputs.get(0).type()));
        }

        @Override
        public NDArray[] perform(NDArray[] in) {
            double[] d = new double[in[0].size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = in[0].getFlat(i) * in[1].getFlat(i);
            }
            return new NDArray[] {NDArray.of(in[0].dtype(), in[0].shape(), d)};
        }

        @Override
        public List<Variable> grad(List<Variable> inputs, List<Variable> og) {
            Variable mask = T.constant(NDArray.of(0, 0, 1, 0));
            return List.of(T.mul(og.get(0), inputs.get(1)),
                    T.add(T.mul(og.get(0), inputs.get(0)), T.mul(og.get(0), mask)));
        }
    }

    private static final NDArray A = NDArray.of(0.5, -2, 1, 3);
    private static final NDArray B = NDArray.of(1.5, 0.25, -1, 2);
    private static final SymbolicFunction WRONG = in -> new WrongAt().makeNode(in).out();
    private static final SymbolicFunction GOOD = in -> T.mul(T.tanh(in.get(0)), T.exp(in.get(1)));

    @Test
    void verifyGradDefaults() {
        VerifyOptions d = VerifyOptions.DEFAULTS;
        assertEquals(2, d.nTests());
        assertEquals(666, d.seed());
        assertEquals(CheckMode.THEANO, d.mode());
        assertEquals(null, d.eps());
        assertEquals(null, d.absTol());
        assertEquals(null, d.relTol());
    }

    @Test
    void verifyGradTolerancesFollowTheLoosestDtype() {
        NDArray a32 = NDArray.of(DType.FLOAT32, new int[] {4}, 0.5, -2, 1, 3);
        GradCheck mixed = GradCheck.prepare("", GOOD, List.of(a32, B), VerifyOptions.DEFAULTS);
        assertEquals(1e-2, mixed.absTol(), 0);
        assertEquals(1e-2, mixed.relTol(), 0);
        assertEquals(3e-4, mixed.eps(), 0);
        assertEquals(DType.FLOAT64, mixed.workingDType());
        assertEquals(2, mixed.nTests());
        GradCheck f64 = GradCheck.prepare("", GOOD, List.of(A, B), VerifyOptions.DEFAULTS);
        assertEquals(1e-4, f64.absTol(), 0);
        assertEquals(1e-4, f64.relTol(), 0);
        assertEquals(1e-7, f64.eps(), 0);
        GradCheck given = GradCheck.prepare("", GOOD, List.of(A, B),
                VerifyOptions.builder().absTol(0.3).relTol(0.2).eps(1e-5).nTests(5).build());
        assertEquals(0.3, given.absTol(), 0);
        assertEquals(0.2, given.relTol(), 0);
        assertEquals(1e-5, given.eps(), 0);
        assertEquals(5, given.nTests());
    }

    @Test
    void verifyGradPassesOnCorrectGraphs() {
        assertDoesNotThrow(() -> VerifyGrad.verifyGrad(GOOD, List.of(A, B)));
        assertDoesNotThrow(() -> VerifyGrad.verifyGrad(in -> T.sum(T.sqr(T.dot(in.get(0), in.get(1)))),
                List.of(NDArray.of(new double[][] {{1, 2}, {0.5, -1}}), NDArray.of(0.3, -0.7))));
        assertDoesNotThrow(() -> VerifyGrad.verifyGrad(in -> T.tanh(T.mul(in.get(0), 2.0)),
                List.of(NDArray.of(DType.FLOAT32, new int[] {3}, 0.1, -0.4, 0.9))));
    }

    @Test
    void wrongUserOpIsCaughtAtTheRightArgumentAndPosition() {
        GradientError e = assertThrows(GradientError.class, () -> VerifyGrad.verifyGrad(WRONG, List.of(A, B)));
        assertEquals(1, e.arg());
        assertEquals(2, e.errPos());
        assertEquals(List.of(4), java.util.Arrays.stream(e.shape()).boxed().toList());
        assertEquals(0, e.test());
        assertEquals("input 1", e.inputName());
        assertEquals(1e-4, e.absTol(), 0);
        assertEquals(1e-4, e.relTol(), 0);
        // analytic r * (a2 + 1) = 2r, numeric r * a2 = r, for a projection weight r in [0.5, 1.5)
        assertEquals(0.5, e.val2() / e.val1(), 1e-6);
        assertTrue(e.val1() >= 1.0 && e.val1() < 3.0, "val1 = " + e.val1());
        assertEquals(Math.abs(e.val1() - e.val2()), e.absErr(), 1e-6);
        assertEquals(1.0 / 3, e.relErr(), 1e-6);
        String expected = String.format(Locale.ROOT, "GradientError: numeric gradient and analytic gradient exceed"
                + " tolerance:%n        At position 2 of argument 1 with shape (4,),%n"
                + "            val1 = %f      ,  val2 = %f%n"
                + "            abs. error = %f,  abs. tolerance = 0.000100%n"
                + "            rel. error = 0.333333,  rel. tolerance = 0.000100%n",
                e.val1(), e.val2(), e.absErr());
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }

    @Test
    void gradientErrorMessageLayoutMatchesTheTheanoExample() {
        GradientError e = new GradientError(0, 1, new int[] {2}, 5, 4, 1, 0.111111, 1e-4, 1e-4, "x", 0);
        String[] lines = e.getMessage().split("\\R");
        assertEquals("GradientError: numeric gradient and analytic gradient exceed tolerance:", lines[0]);
        assertEquals("        At position 1 of argument 0 with shape (2,),", lines[1]);
        assertEquals("            val1 = 5.000000      ,  val2 = 4.000000", lines[2]);
        assertEquals("            abs. error = 1.000000,  abs. tolerance = 0.000100", lines[3]);
        assertEquals("            rel. error = 0.111111,  rel. tolerance = 0.000100", lines[4]);
        assertEquals(0, e.arg());
        assertEquals(1, e.errPos());
        assertEquals(5, e.val1(), 0);
        assertEquals(4, e.val2(), 0);
        assertEquals(1, e.absErr(), 0);
        assertEquals(0.111111, e.relErr(), 0);
        GradientError m = new GradientError(1, 4, new int[] {2, 3}, 1, 2, 1, 0.3, 1e-2, 1e-2, null, 1);
        assertEquals("        At position 4 of argument 1 with shape (2, 3),", m.getMessage().split("\\R")[1]);
    }

    @Test
    void verifyGradRejectsIntegerPoints() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> VerifyGrad.verifyGrad(GOOD, List.of(A, NDArray.of(DType.INT32, new int[] {4}, 1, 2, 3, 4))));
        assertEquals("verify_grad can work only with floating point inputs, but input 1 has dtype \"int32\".",
                e.getMessage());
    }

    @Test
    void centralAndFastModesPassCorrectGraphsAndCatchTheWrongOp() {
        for (CheckMode mode : new CheckMode[] {CheckMode.CENTRAL, CheckMode.FAST}) {
            VerifyOptions o = VerifyOptions.builder().mode(mode).build();
            assertDoesNotThrow(() -> VerifyGrad.verifyGrad(GOOD, List.of(A, B), o), mode.toString());
            GradientError e = assertThrows(GradientError.class, () -> VerifyGrad.verifyGrad(WRONG, List.of(A, B), o));
            if (mode == CheckMode.CENTRAL) {
                assertEquals(1, e.arg());
                assertEquals(2, e.errPos());
                assertEquals(0.5, e.val2() / e.val1(), 1e-8);
            } else {
                assertEquals(-1, e.arg(), "fast mode reports a random direction, not an input");
            }
        }
    }

    @Test
    void centralDifferencesAreMoreAccurateThanOneSided() {
        SymbolicFunction cube = in -> T.pow(in.get(0), 3.0);
        VerifyOptions bigStep = VerifyOptions.builder().eps(1e-2).nTests(1).build();
        assertThrows(GradientError.class, () -> VerifyGrad.verifyGrad(cube, List.of(NDArray.of(2.0)), bigStep));
        assertDoesNotThrow(() -> VerifyGrad.verifyGrad(cube, List.of(NDArray.of(2.0)),
                bigStep.toBuilder().mode(CheckMode.CENTRAL).absTol(1e-3).relTol(1e-3).build()));
    }

    @Test
    void seedsAreReproducible() {
        VerifyOptions s666 = VerifyOptions.builder().seed(666).build();
        GradientError a = assertThrows(GradientError.class, () -> VerifyGrad.verifyGrad(WRONG, List.of(A, B), s666));
        GradientError b = assertThrows(GradientError.class, () -> VerifyGrad.verifyGrad(WRONG, List.of(A, B), s666));
        assertEquals(a.val1(), b.val1(), 0);
        assertEquals(a.val2(), b.val2(), 0);
        GradientError c = assertThrows(GradientError.class, () -> VerifyGrad.verifyGrad(WRONG, List.of(A, B),
                VerifyOptions.builder().seed(7).build()));
        assertNotEquals(a.val1(), c.val1());
        GradientError r1 = assertThrows(GradientError.class, () -> VerifyGrad.verifyGrad(WRONG, List.of(A, B),
                VerifyOptions.builder().rng(new SplittableRandom(3)).build()));
        GradientError r2 = assertThrows(GradientError.class, () -> VerifyGrad.verifyGrad(WRONG, List.of(A, B),
                VerifyOptions.builder().rng(new SplittableRandom(3)).build()));
        assertEquals(r1.val1(), r2.val1(), 0);
    }

    @Test
    void analyticGradientOfTheCheckIsTheProjectedGradient() {
        GradCheck check = GradCheck.prepare("", in -> T.mul(in.get(0), 3.0), List.of(A), VerifyOptions.DEFAULTS);
        NDArray g0 = check.analytic(0)[0];
        NDArray g1 = check.analytic(1)[0];
        for (int i = 0; i < 4; i++) {
            double r = g0.getFlat(i) / 3;
            assertTrue(r >= 0.5 && r < 1.5, "projection weight " + r + " in [0.5, 1.5)");
        }
        assertNotEquals(g0.getFlat(0), g1.getFlat(0), "each test draws its own projection");
    }

    // ---- second order and R-op checks ----

    /** Computes -x but claims its gradient is +gz (a wrong first derivative). */
    static final class BrokenNeg extends Op {
        private static final long serialVersionUID = 1L;

        @Override
        public Apply makeNode(List<Variable> inputs) {
            return Apply.create(this, inputs, List.of(inputs.get(0).type()));
        }

        @Override
        public NDArray[] perform(NDArray[] in) {
            double[] d = in[0].toDoubleArray();
            for (int i = 0; i < d.length; i++) {
                d[i] = -d[i];
            }
            return new NDArray[] {NDArray.of(in[0].dtype(), in[0].shape(), d)};
        }

        @Override
        public List<Variable> grad(List<Variable> inputs, List<Variable> og) {
            return List.of(og.get(0));
        }
    }

    /** x^2 whose gradient -2 * brokenNeg(x) = 2x is right but whose second derivative is -2. */
    static final class SquareWrongSecondOrder extends Op {
        private static final long serialVersionUID = 1L;

        @Override
        public Apply makeNode(List<Variable> inputs) {
            return Apply.create(this, inputs, List.of(inputs.get(0).type()));
        }

        @Override
        public NDArray[] perform(NDArray[] in) {
            double[] d = in[0].toDoubleArray();
            for (int i = 0; i < d.length; i++) {
                d[i] = d[i] * d[i];
            }
            return new NDArray[] {NDArray.of(in[0].dtype(), in[0].shape(), d)};
        }

        @Override
        public List<Variable> grad(List<Variable> inputs, List<Variable> og) {
            return List.of(T.mul(og.get(0), T.mul(new BrokenNeg().makeNode(inputs.get(0)).out(), -2.0)));
        }
    }

    @Test
    void verifyGrad2PassesOnCorrectGraphsAndCatchesAWrongSecondDerivative() {
        NDArray p = NDArray.of(0.3, -0.8, 1.1);
        assertDoesNotThrow(() -> VerifyGrad.verifyGrad2(in -> T.mul(T.tanh(in.get(0)), T.exp(in.get(1))),
                List.of(p, NDArray.of(0.2, 0.1, -0.5)), VerifyOptions.DEFAULTS));
        assertDoesNotThrow(() -> VerifyGrad.verifyGrad2(in -> T.sum(T.pow(T.dot(in.get(1), in.get(0)), 3.0)),
                List.of(p, NDArray.of(new double[][] {{1, 0.5, -1}, {0.2, 0.3, 0.4}})), VerifyOptions.DEFAULTS));
        SymbolicFunction sq = in -> new SquareWrongSecondOrder().makeNode(in.get(0)).out();
        assertDoesNotThrow(() -> VerifyGrad.verifyGrad(sq, List.of(p)), "the first derivative is right");
        GradientError e = assertThrows(GradientError.class,
                () -> VerifyGrad.verifyGrad2(sq, List.of(p), VerifyOptions.DEFAULTS));
        assertEquals(0, e.arg());
        assertEquals(-1.0, e.val1() / e.val2(), 1e-5, "analytic -2 q r against numeric 2 q r");
    }

    /** 2x with a correct gradient and a wrong R-op (3t). */
    static final class WrongRop extends Op {
        private static final long serialVersionUID = 1L;

        @Override
        public Apply makeNode(List<Variable> inputs) {
            return Apply.create(this, inputs, List.of(inputs.get(0).type()));
        }

        @Override
        public NDArray[] perform(NDArray[] in) {
            double[] d = in[0].toDoubleArray();
            for (int i = 0; i < d.length; i++) {
                d[i] = 2 * d[i];
            }
            return new NDArray[] {NDArray.of(in[0].dtype(), in[0].shape(), d)};
        }

        @Override
        public List<Variable> grad(List<Variable> inputs, List<Variable> og) {
            return List.of(T.mul(og.get(0), 2.0));
        }

        @Override
        public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> t) {
            return List.of(DisconnectedType.is(t.get(0)) ? t.get(0) : T.mul(t.get(0), 3.0));
        }
    }

    @Test
    void ropCheckPassesOnCorrectGraphsAndCatchesAWrongROp() {
        NDArray p = NDArray.of(0.3, -0.8, 1.1);
        NDArray m = NDArray.of(new double[][] {{1, 0.5, -1}, {0.2, 0.3, 0.4}});
        assertDoesNotThrow(() -> RopCheck.verifyRop(in -> T.tanh(T.dot(in.get(1), in.get(0))), List.of(p, m)));
        assertDoesNotThrow(() -> RopCheck.verifyRop(in -> T.mul(T.sigmoid(in.get(0)), T.sum(T.sqr(in.get(0)))),
                List.of(p)));
        assertDoesNotThrow(() -> RopCheck.verifyRop(in -> new WrongRop().makeNode(in.get(0)).out(), List.of(p),
                VerifyOptions.DEFAULTS, org.gradaudit.core.RopOptions.builder().useDoubleLop(true).build()),
                "double L-op does not use the wrong R-op");
        GradientError e = assertThrows(GradientError.class,
                () -> RopCheck.verifyRop(in -> new WrongRop().makeNode(in.get(0)).out(), List.of(p)));
        assertEquals(1.5, e.val1() / e.val2(), 1e-6, "3t against 2t");
    }
}
