package org.gradaudit.core.theano;

import static org.gradaudit.core.theano.Th.assertValues;
import static org.gradaudit.core.theano.Th.eval;
import static org.gradaudit.core.theano.Th.eval1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedInputError;
import org.gradaudit.core.DisconnectedInputs;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.GradOptions;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.ReturnDisconnected;
import org.gradaudit.core.RopOptions;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.junit.jupiter.api.Test;

/** §4 (Lop) and §5 (Rop) of the spec. */
class LopRopTest {
    private static final String ROP_DISCONNECTED = " method was asked to compute the gradient with respect to a"
            + " variable that is not part of the computational graph of variables in wrt, or is used only by a"
            + " non-differentiable operator: ";

    private final Variable x = T.vector("x");
    private final Variable v = T.vector("v");
    private final Variable u = T.vector("u");
    private final Variable A = T.matrix("A");
    private final NDArray xv = NDArray.of(0.5, -1.0, 2.0);
    private final NDArray vv = NDArray.of(1.0, 2.0, -3.0);
    private final NDArray uv = NDArray.of(-0.5, 4.0, 0.25);
    private final NDArray av = NDArray.of(new double[][] {{1, 2, 3}, {-1, 0.5, 2}});

    private static OpContractTest.UserOp noRop() {
        return new OpContractTest.UserOp("NoRop", (o, in, og) -> List.of(og.get(0)));
    }

    private static RopOptions.Builder ropts() {
        return RopOptions.builder();
    }

    // ---- Lop ----

    @Test
    void lopIsTheVectorJacobianProduct() {
        Variable g = Gradient.lop(T.tanh(x), x, v);
        NDArray r = eval1(List.of(x, v), g, xv, vv);
        double[] e = new double[3];
        for (int i = 0; i < 3; i++) {
            double t = Math.tanh(xv.getFlat(i));
            e[i] = vv.getFlat(i) * (1 - t * t);
        }
        assertValues(e, r, 1e-15);
    }

    @Test
    void lopOfSeveralOutputsSumsTheirContributions() {
        List<Variable> g = Gradient.lop(List.of(T.mul(x, 2.0), T.mul(x, x)), List.of(x), List.of(u, v));
        NDArray r = eval1(List.of(x, u, v), g.get(0), xv, uv, vv);
        double[] e = new double[3];
        for (int i = 0; i < 3; i++) {
            e[i] = 2 * uv.getFlat(i) + 2 * xv.getFlat(i) * vv.getFlat(i);
        }
        assertValues(e, r, 1e-15);
    }

    @Test
    void lopOfAMatrixProductIsTheTransposedProduct() {
        Variable y = T.dot(A, x);
        Variable w = T.vector("w");
        List<Variable> g = Gradient.lop(List.of(y), List.of(x, A), List.of(w));
        List<NDArray> r = eval(List.of(A, x, w), g, av, xv, NDArray.of(2, -1));
        assertValues(new double[] {3, 3.5, 4}, r.get(0), 1e-15);                 // A^T w
        assertValues(new double[] {1, -2, 4, -0.5, 1, -2}, r.get(1), 1e-15);    // w x^T
    }

    @Test
    void lopRejectsLengthMismatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradient.lop(List.of(x, T.mul(x, 2.0)), List.of(x), List.of(v)));
        assertTrue(e.getMessage().contains("f has 2 variables but evalPoints has 1"), e.getMessage());
    }

    @Test
    void lopRejectsNdimMismatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradient.lop(T.tanh(x), x, T.matrix("M")));
        assertTrue(e.getMessage().contains("mismatched dimensionality: 1"), e.getMessage());
        assertTrue(e.getMessage().contains("versus 2"), e.getMessage());
    }

    @Test
    void lopRejectsIntegerEvalPoints() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradient.lop(T.tanh(x), x, T.ivector("iv")));
        assertTrue(e.getMessage().startsWith("Gradients must always be NullType, DisconnectedType, or float"),
                e.getMessage());
    }

    @Test
    void lopDisconnectedWrtRaisesUnlessIgnored() {
        Variable y = T.vector("y");
        DisconnectedInputError e = assertThrows(DisconnectedInputError.class,
                () -> Gradient.lop(T.tanh(x), y, v));
        assertSame(y, e.variable());
        List<Variable> g = Gradient.lop(List.of(T.tanh(x)), List.of(y), List.of(v),
                GradOptions.builder().disconnectedInputs(DisconnectedInputs.IGNORE).build());
        assertValues(new double[] {0, 0}, eval1(List.of(y), g.get(0), NDArray.of(1, 2)), 0);
    }

    // ---- Rop through op R-ops ----

    @Test
    void ropOfElementwiseOps() {
        Variable f = T.mul(T.tanh(x), T.exp(x));
        NDArray r = eval1(List.of(x, v), Gradient.rop(f, x, v), xv, vv);
        double[] e = new double[3];
        for (int i = 0; i < 3; i++) {
            double a = xv.getFlat(i);
            double t = Math.tanh(a);
            e[i] = ((1 - t * t) * Math.exp(a) + t * Math.exp(a)) * vv.getFlat(i);
        }
        assertValues(e, r, 1e-14);
    }

    @Test
    void ropOfAMatrixProduct() {
        Variable y = T.dot(A, x);
        NDArray rx = eval1(List.of(A, x, v), Gradient.rop(y, x, v), av, xv, vv);
        assertValues(new double[] {1 + 4 - 9, -1 + 1 - 6}, rx, 1e-15);           // A v
        Variable V = T.matrix("V");
        NDArray va = NDArray.of(new double[][] {{0, 1, 0}, {2, 0, -1}});
        NDArray ra = eval1(List.of(A, x, V), Gradient.rop(y, A, V), av, xv, va);
        assertValues(new double[] {-1, 1 - 2}, ra, 1e-15);                        // V x
        List<Variable> both = Gradient.rop(List.of(y), List.of(A, x), List.of(V, v));
        NDArray rb = eval1(List.of(A, x, V, v), both.get(0), av, xv, va, vv);
        assertValues(new double[] {-4 - 1, -6 - 1}, rb, 1e-15);                   // A v + V x
    }

    @Test
    void ropOfSumTransposeAndBroadcast() {
        Variable m = T.matrix("m");
        Variable f = T.sum(T.add(T.transpose(m), x.dimshuffle(0, "x")), 1);    // (3 x 2) -> 3
        Variable M = T.matrix("M");
        NDArray mv = NDArray.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        NDArray tm = NDArray.of(new double[][] {{1, 0, 2}, {0, -1, 1}});
        List<Variable> r = Gradient.rop(List.of(f), List.of(m, x), List.of(M, v));
        NDArray val = eval1(List.of(m, x, M, v), r.get(0), mv, xv, tm, vv);
        assertValues(new double[] {1 + 2 * 1, -1 + 2 * 2, 3 + 2 * -3}, val, 1e-15);
    }

    @Test
    void ropOfAWrtItselfIsItsEvalPoint() {
        NDArray r = eval1(List.of(v), Gradient.rop(x, x, v), vv);
        assertValues(vv.toDoubleArray(), r, 0);
    }

    @Test
    void ropTreatsOtherRootsAsConstants() {
        Variable y = T.vector("y");
        NDArray r = eval1(List.of(x, y, v), Gradient.rop(T.mul(x, y), x, v), xv, uv, vv);
        assertValues(new double[] {-0.5, 8, -0.75}, r, 0);
    }

    @Test
    void ropRejectsMismatchedDimensionality() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradient.rop(T.tanh(x), x, T.matrix("M")));
        assertTrue(e.getMessage().contains("mismatched dimensionalities: 1"), e.getMessage());
        assertTrue(e.getMessage().contains(" and 2"), e.getMessage());
        assertTrue(e.getMessage().contains("elements 0 of wrt and evalPoints"), e.getMessage());
    }

    @Test
    void ropRejectsLengthMismatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradient.rop(List.of(T.tanh(x)), List.of(x, A), List.of(v)));
        assertTrue(e.getMessage().contains("wrt has 2 variables but evalPoints has 1"), e.getMessage());
    }

    @Test
    void ropRejectsIntegerEvalPointsForFloatWrt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradient.rop(T.tanh(x), x, T.ivector("iv")));
        assertTrue(e.getMessage().contains("tangents of float variables must be float"), e.getMessage());
    }

    @Test
    void ropCastsAFloat32EvalPointToTheWrtDtype() {
        Variable v32 = T.fvector("v32");
        Variable r = Gradient.rop(T.mul(x, 3.0), x, v32);
        assertEquals(DType.FLOAT64, r.dtype());
        NDArray val = eval1(List.of(x, v32), r, NDArray.of(7, 8), NDArray.of(DType.FLOAT32, new int[] {2}, 0.5, 1));
        assertValues(new double[] {1.5, 3}, val, 0);
    }

    @Test
    void ropOfAnOpWithoutROpIsAnErrorNamingTheOp() {
        OpContractTest.UserOp op = noRop();
        Variable f = T.tanh(op.makeNode(x).out());
        Op.RopNotImplementedError e = assertThrows(Op.RopNotImplementedError.class, () -> Gradient.rop(f, x, v));
        assertSame(op, e.op());
        assertTrue(e.getMessage().startsWith("NoRop of class UserOp does not implement rOp"), e.getMessage());
        assertTrue(e instanceof UnsupportedOperationException);
    }

    @Test
    void fallbackToDoubleLopComputesTheMissingROp() {
        Variable y = T.vector("y");
        Variable f = T.mul(T.tanh(noRop().makeNode(x).out()), y);
        Variable r = Gradient.rop(List.of(f), List.of(x), List.of(v), ropts().fallbackToDoubleLop(true).build()).get(0);
        NDArray val = eval1(List.of(x, y, v), r, xv, uv, vv);
        double[] e = new double[3];
        for (int i = 0; i < 3; i++) {
            double t = Math.tanh(xv.getFlat(i));
            e[i] = (1 - t * t) * uv.getFlat(i) * vv.getFlat(i);
        }
        assertValues(e, val, 1e-15);
        Variable rd = Gradient.rop(List.of(f), List.of(x), List.of(v), ropts().useDoubleLop(true).build()).get(0);
        assertValues(e, eval1(List.of(x, y, v), rd, xv, uv, vv), 1e-15);
    }

    @Test
    void doubleLopAndOpROpsAgreeOnSeveralGraphs() {
        Variable B = T.matrix("B");
        NDArray bv = NDArray.of(new double[][] {{0.3, -1, 2}, {1, 0.5, -0.25}});
        List<Function<Variable[], Variable>> graphs = List.of(
                in -> T.tanh(T.dot(in[1], in[0])),
                in -> T.mul(T.sum(T.mul(in[0], in[0])), in[0]),
                in -> T.trueDiv(T.exp(in[0]), T.add(T.sqr(in[0]), 1.0)),
                in -> T.sigmoid(T.add(in[1], in[0])),
                in -> T.dot(T.transpose(in[1]), T.sum(in[1], 1)),
                in -> T.sum(T.pow(T.sqrt(T.add(T.sqr(in[1]), 1.0)), 3.0)));
        for (int k = 0; k < graphs.size(); k++) {
            Variable f = graphs.get(k).apply(new Variable[] {x, A});
            List<Variable> wrt = List.of(x, A);
            List<Variable> pts = List.of(v, B);
            RopOptions ignore = ropts().disconnectedOutputs(DisconnectedInputs.IGNORE).build();
            Variable viaOps = Gradient.rop(List.of(f), wrt, pts, ignore).get(0);
            Variable viaLop = Gradient.rop(List.of(f), wrt, pts, ropts().disconnectedOutputs(DisconnectedInputs.IGNORE).useDoubleLop(true).build()).get(0);
            List<NDArray> r = eval(List.of(x, A, v, B), List.of(viaOps, viaLop), xv, av, vv, bv);
            double[] expected = r.get(0).toDoubleArray();
            assertTrue(expected.length > 0);
            assertValues(expected, r.get(1), 1e-12 * (1 + maxAbs(expected)));
            assertTrue(maxAbs(expected) > 0, "graph " + k + " has a non-trivial R-op");
        }
    }

    private static double maxAbs(double[] d) {
        double m = 0;
        for (double e : d) {
            m = Math.max(m, Math.abs(e));
        }
        return m;
    }

    // ---- disconnected outputs ----

    @Test
    void outputNotDependingOnWrtRaisesByDefault() {
        Variable y = T.vector("y");
        Variable f = T.tanh(y).setName("f");
        for (boolean doubleLop : new boolean[] {false, true}) {
            DisconnectedInputError e = assertThrows(DisconnectedInputError.class,
                    () -> Gradient.rop(List.of(f), List.of(x), List.of(v), ropts().useDoubleLop(doubleLop).build()));
            assertTrue(e.getMessage().endsWith(ROP_DISCONNECTED + "f"), e.getMessage());
            assertSame(f, e.variable());
        }
    }

    @Test
    void outputReachedOnlyThroughNonDifferentiableOpsIsDisconnected() {
        Variable viaComparison = T.cast(T.gt(x, 0.0), DType.FLOAT64).setName("cmp");
        DisconnectedInputError e = assertThrows(DisconnectedInputError.class,
                () -> Gradient.rop(viaComparison, x, v));
        assertTrue(e.getMessage().endsWith(ROP_DISCONNECTED + "cmp"), e.getMessage());
        Variable viaStop = T.mul(Gradient.disconnectedGrad(x), 2.0).setName("stop");
        assertThrows(DisconnectedInputError.class, () -> Gradient.rop(viaStop, x, v));
    }

    @Test
    void disconnectedOutputWarnsAndGivesZeros() {
        Variable y = T.vector("y");
        Variable f = T.tanh(y).setName("f");
        Th.Warnings w = new Th.Warnings();
        Variable r = Gradient.rop(List.of(f), List.of(x), List.of(v),
                ropts().disconnectedOutputs(DisconnectedInputs.WARN).warnings(w).build()).get(0);
        assertEquals(1, w.messages.size());
        assertTrue(w.messages.get(0).endsWith(ROP_DISCONNECTED + "f"), w.messages.get(0));
        assertValues(new double[] {0, 0}, eval1(List.of(y), r, NDArray.of(1, 2)), 0);
    }

    @Test
    void disconnectedOutputIgnoredWithEachReturnMode() {
        Variable y = T.vector("y");
        Variable f = T.tanh(y);
        Th.Warnings w = new Th.Warnings();
        RopOptions.Builder b = ropts().disconnectedOutputs(DisconnectedInputs.IGNORE).warnings(w);
        Variable zero = Gradient.rop(List.of(f), List.of(x), List.of(v), b.build()).get(0);
        assertEquals(DType.FLOAT64, zero.dtype());
        assertValues(new double[] {0, 0}, eval1(List.of(y), zero, NDArray.of(1, 2)), 0);
        assertNull(Gradient.rop(List.of(f), List.of(x), List.of(v),
                b.returnDisconnected(ReturnDisconnected.NONE).build()).get(0));
        assertTrue(DisconnectedType.is(Gradient.rop(List.of(f), List.of(x), List.of(v),
                b.returnDisconnected(ReturnDisconnected.DISCONNECTED).build()).get(0)));
        assertEquals(List.of(), w.messages);
    }

    @Test
    void severalOutputsKeepListFormAndOrder() {
        Variable y = T.vector("y");
        List<Variable> r = Gradient.rop(List.of(T.mul(x, 2.0), T.tanh(y), T.mul(x, x)), List.of(x), List.of(v),
                ropts().disconnectedOutputs(DisconnectedInputs.IGNORE).build());
        assertEquals(3, r.size());
        List<NDArray> val = eval(List.of(x, y, v), new ArrayList<>(r), xv, uv, vv);
        assertValues(new double[] {2, 4, -6}, val.get(0), 0);
        assertValues(new double[] {0, 0, 0}, val.get(1), 0);
        assertValues(new double[] {1, -4, -12}, val.get(2), 0);
    }
}
