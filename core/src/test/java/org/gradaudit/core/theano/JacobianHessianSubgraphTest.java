package org.gradaudit.core.theano;

import static org.gradaudit.core.theano.Th.assertShape;
import static org.gradaudit.core.theano.Th.assertValues;
import static org.gradaudit.core.theano.Th.eval;
import static org.gradaudit.core.theano.Th.eval1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.gradaudit.core.DisconnectedInputError;
import org.gradaudit.core.DisconnectedInputs;
import org.gradaudit.core.GradOptions;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.SubgraphGrads;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.junit.jupiter.api.Test;

/** §6 (jacobian, hessian, hessian_vector_product) and §8 (subgraph_grad) of the spec. */
class JacobianHessianSubgraphTest {
    private final Variable x = T.vector("x");
    private final Variable y = T.vector("y");
    private final Variable A = T.matrix("A");
    private final NDArray xv = NDArray.of(0.5, -1.0, 2.0);
    private final NDArray yv = NDArray.of(3.0, 4.0, -1.0);
    private final NDArray av = NDArray.of(new double[][] {{1, 2, 3}, {-1, 0.5, 2}});
    private final NDArray sq = NDArray.of(new double[][] {{1, 2, 0}, {-1, 3, 4}, {0.5, 0, -2}});

    // ---- jacobian ----

    @Test
    void jacobianOfAnElementwiseExpressionIsDiagonal() {
        NDArray j = eval1(List.of(x), Gradient.jacobian(T.mul(x, x), x), xv);
        assertShape(new int[] {3, 3}, j);
        assertValues(new double[] {1, 0, 0, 0, -2, 0, 0, 0, 4}, j, 0);
    }

    @Test
    void jacobianOfAMatrixProduct() {
        Variable f = T.dot(A, x);
        List<Variable> j = Gradient.jacobian(f, List.of(x, A));
        List<NDArray> r = eval(List.of(A, x), j, av, xv);
        assertShape(new int[] {2, 3}, r.get(0));
        assertValues(av.toDoubleArray(), r.get(0), 0);
        assertShape(new int[] {2, 2, 3}, r.get(1));
        assertValues(new double[] {0.5, -1, 2, 0, 0, 0, 0, 0, 0, 0.5, -1, 2}, r.get(1), 0);
    }

    @Test
    void jacobianRowIIsTheGradientOfElementI() {
        Variable f = T.tanh(T.mul(T.sum(T.mul(x, x)), x));       // a dense Jacobian
        NDArray j = eval1(List.of(x), Gradient.jacobian(f, x), xv);
        double s = 0.25 + 1 + 4;
        for (int i = 0; i < 3; i++) {
            double xi = xv.getFlat(i);
            double t = Math.tanh(s * xi);
            for (int k = 0; k < 3; k++) {
                double d = (1 - t * t) * (2 * xv.getFlat(k) * xi + (i == k ? s : 0));
                assertEquals(d, j.get(i, k), 1e-14, "J[" + i + "," + k + "]");
            }
        }
    }

    @Test
    void jacobianOfAScalarIsTheGradient() {
        NDArray j = eval1(List.of(x), Gradient.jacobian(T.sum(T.mul(x, x)), x), xv);
        assertShape(new int[] {3}, j);
        assertValues(new double[] {1, -2, 4}, j, 0);
    }

    @Test
    void jacobianOfAMatrixExpressionHasShapeExpressionPlusWrt() {
        // PyTensor's extension of Theano (which only took 0- and 1-d expressions)
        NDArray av = NDArray.of(new double[][] {{1, 2}, {3, 4}});
        NDArray j = eval1(List.of(A), Gradient.jacobian(T.mul(A, 2.0), A), av);
        assertShape(new int[] {2, 2, 2, 2}, j);
        assertEquals(2.0, j.get(1, 0, 1, 0), 0);
        assertEquals(0.0, j.get(1, 0, 0, 1), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradient.jacobian(Gradient.gradUndefined(null, 0, A, ""), A));
        assertTrue(e.getMessage().contains("jacobian expects a tensor Variable"), e.getMessage());
    }

    @Test
    void jacobianOfADisconnectedWrtRaisesOrIsZero() {
        DisconnectedInputError e = assertThrows(DisconnectedInputError.class,
                () -> Gradient.jacobian(T.mul(x, 2.0), A));
        assertSame(A, e.variable());
        Variable j = Gradient.jacobian(T.mul(x, 2.0), List.of(A),
                GradOptions.builder().disconnectedInputs(DisconnectedInputs.IGNORE).build()).get(0);
        NDArray r = eval1(List.of(x, A), j, xv, av);
        assertShape(new int[] {3, 2, 3}, r);
        assertValues(new double[18], r, 0);
    }

    // ---- hessian ----

    @Test
    void hessianOfACubicSumIsDiagonal() {
        NDArray h = eval1(List.of(x), Gradient.hessian(T.sum(T.pow(x, 3.0)), x), xv);
        assertShape(new int[] {3, 3}, h);
        assertValues(new double[] {3, 0, 0, 0, -6, 0, 0, 0, 12}, h, 1e-14);
    }

    @Test
    void hessianOfAQuadraticFormIsTheSymmetrisedMatrix() {
        Variable M = T.constant(sq);
        NDArray h = eval1(List.of(x), Gradient.hessian(T.dot(x, T.dot(M, x)), x), xv);
        double[] e = new double[9];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 3; k++) {
                e[3 * i + k] = sq.get(i, k) + sq.get(k, i);
            }
        }
        assertValues(e, h, 1e-14);
    }

    @Test
    void hessianGivesOnlyDiagonalBlocksAndZeroForALinearWrt() {
        Variable c = T.add(T.sum(T.mul(x, y)), T.sum(T.mul(x, x)));
        List<Variable> h = Gradient.hessian(c, List.of(x, y), GradOptions.DEFAULTS);
        assertEquals(2, h.size());
        List<NDArray> r = eval(List.of(x, y), h, xv, yv);
        assertValues(new double[] {2, 0, 0, 0, 2, 0, 0, 0, 2}, r.get(0), 0);
        assertShape(new int[] {3, 3}, r.get(1));
        assertValues(new double[9], r.get(1), 0);
    }

    @Test
    void hessianOfALinearCostIsZero() {
        NDArray h = eval1(List.of(x), Gradient.hessian(T.sum(T.mul(x, T.constant(yv))), x), xv);
        assertValues(new double[9], h, 0);
    }

    @Test
    void hessianRejectsANonScalarCost() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gradient.hessian(x, x));
        assertTrue(e.getMessage().contains("hessian expects a 0 dimensional variable as cost"), e.getMessage());
    }

    @Test
    void hessianRejectsANonVectorWrt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradient.hessian(T.sum(A), A));
        assertTrue(e.getMessage().contains("hessian expects a (list of) 1 dimensional variable as wrt"), e.getMessage());
    }

    @Test
    void hessianOfADisconnectedWrtRaises() {
        assertThrows(DisconnectedInputError.class, () -> Gradient.hessian(T.sum(x), y));
    }

    // ---- hessian_vector_product ----

    @Test
    void hessianVectorProductMatchesTheClosedForm() {
        Variable M = T.constant(sq);
        Variable p = T.vector("p");
        NDArray pv = NDArray.of(1, -2, 0.5);
        NDArray hp = eval1(List.of(x, p), Gradient.hessianVectorProduct(T.dot(x, T.dot(M, x)), x, p), xv, pv);
        double[] e = new double[3];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 3; k++) {
                e[i] += (sq.get(i, k) + sq.get(k, i)) * pv.getFlat(k);
            }
        }
        assertValues(e, hp, 1e-14);
    }

    @Test
    void hessianVectorProductIncludesCrossTerms() {
        Variable p = T.vector("p");
        Variable q = T.vector("q");
        Variable c = T.sum(T.mul(T.mul(x, x), y));           // H = [[2y, 2x], [2x, 0]] blockwise diagonal
        List<Variable> hp = Gradient.hessianVectorProduct(c, List.of(x, y), List.of(p, q), GradOptions.DEFAULTS);
        NDArray pv = NDArray.of(1, 2, 3);
        NDArray qv = NDArray.of(-1, 0.5, 2);
        List<NDArray> r = eval(List.of(x, y, p, q), hp, xv, yv, pv, qv);
        double[] ex = new double[3];
        double[] ey = new double[3];
        for (int i = 0; i < 3; i++) {
            ex[i] = 2 * yv.getFlat(i) * pv.getFlat(i) + 2 * xv.getFlat(i) * qv.getFlat(i);
            ey[i] = 2 * xv.getFlat(i) * pv.getFlat(i);
        }
        assertValues(ex, r.get(0), 1e-14);
        assertValues(ey, r.get(1), 1e-14);
    }

    @Test
    void hessianVectorProductRejectsMismatchedArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradient.hessianVectorProduct(T.sum(x), List.of(x), List.of(), GradOptions.DEFAULTS));
        assertTrue(e.getMessage().contains("1 wrt but 0 vectors"), e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> Gradient.hessianVectorProduct(T.sum(T.mul(x, x)), x, A));
        assertTrue(e2.getMessage().contains("has ndim 2 but wrt[0] has ndim 1"), e2.getMessage());
    }

    // ---- subgraph_grad ----

    private final Variable W1 = T.matrix("W1");
    private final Variable w2 = T.vector("w2");
    private final NDArray w2v = NDArray.of(0.7, -1.3);

    @Test
    void twoStageSubgraphGradEqualsOneShotGrad() {
        Variable h = T.tanh(T.dot(W1, x));
        Variable c = T.sum(T.sqr(T.mul(h, w2)));
        SubgraphGrads stage2 = Gradient.subgraphGrad(List.of(w2), List.of(h), null, c, false);
        Map<Variable, Variable> start = new LinkedHashMap<>();
        start.put(h, stage2.endGrads().get(0));
        SubgraphGrads stage1 = Gradient.subgraphGrad(List.of(W1, x), List.of(), start, null, false);
        List<Variable> staged = new ArrayList<>(stage2.wrtGrads());
        staged.addAll(stage1.wrtGrads());
        List<Variable> oneShot = Gradient.grad(c, List.of(w2, W1, x));
        List<Variable> all = new ArrayList<>(staged);
        all.addAll(oneShot);
        List<NDArray> r = eval(List.of(W1, x, w2), all, av, xv, w2v);
        for (int k = 0; k < 3; k++) {
            assertValues(r.get(3 + k).toDoubleArray(), r.get(k), 1e-15);
            assertTrue(max(r.get(k)) > 0);
        }
        assertNull(stage1.startGrads());
        assertNull(stage2.costGrads());
    }

    private static double max(NDArray a) {
        double m = 0;
        for (double d : a.toDoubleArray()) {
            m = Math.max(m, Math.abs(d));
        }
        return m;
    }

    @Test
    void subgraphGradStopsAtTheEndVariables() {
        Variable h = T.mul(x, 2.0);
        Variable c = T.sum(T.mul(h, h));
        SubgraphGrads g = Gradient.subgraphGrad(List.of(x), List.of(h), null, c, false);
        List<NDArray> r = eval(List.of(x), List.of(g.wrtGrads().get(0), g.endGrads().get(0)), xv);
        assertValues(new double[] {0, 0, 0}, r.get(0), 0);
        assertValues(new double[] {2, -4, 8}, r.get(1), 0);                 // dc/dh = 2h
    }

    @Test
    void subgraphGradDetailsSeparateStartAndCostContributions() {
        Variable h = T.mul(x, 3.0);
        Variable seed = T.vector("seed");
        Map<Variable, Variable> start = new LinkedHashMap<>();
        start.put(h, seed);
        Variable c = T.sum(T.mul(x, x));
        SubgraphGrads g = Gradient.subgraphGrad(List.of(x), List.of(), start, c, true);
        assertEquals(1, g.startGrads().size());
        assertEquals(1, g.costGrads().size());
        NDArray sv = NDArray.of(1, 1, 2);
        List<NDArray> r = eval(List.of(x, seed), List.of(g.wrtGrads().get(0), g.startGrads().get(0),
                g.costGrads().get(0)), xv, sv);
        assertValues(new double[] {3, 3, 6}, r.get(1), 0);
        assertValues(new double[] {1, -2, 4}, r.get(2), 0);
        assertValues(new double[] {4, 1, 10}, r.get(0), 0);
    }

    @Test
    void subgraphGradDetailsAreInWrtThenEndOrder() {
        Variable h = T.tanh(T.dot(W1, x));
        Variable c = T.sum(T.sqr(T.mul(h, w2)));
        SubgraphGrads g = Gradient.subgraphGrad(List.of(w2), List.of(h), null, c, true);
        assertEquals(2, g.costGrads().size());
        assertSame(g.wrtGrads().get(0), g.costGrads().get(0));
        assertSame(g.endGrads().get(0), g.costGrads().get(1));
    }

    @Test
    void subgraphGradNeedsACostOrAStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradient.subgraphGrad(List.of(x), List.of(), null, null, false));
        assertEquals("subgraphGrad: cost or start must be specified.", e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Gradient.subgraphGrad(List.of(x), List.of(), new LinkedHashMap<>(), null, false));
    }

    @Test
    void subgraphGradNeedsWrtAndEndLists() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gradient.subgraphGrad(null, List.of(), null, T.sum(x), false));
        assertEquals("subgraphGrad: wrt must be a list.", e.getMessage());
        IllegalArgumentException e2 = assertThrows(IllegalArgumentException.class,
                () -> Gradient.subgraphGrad(List.of(x), null, null, T.sum(x), false));
        assertEquals("subgraphGrad: end must be a list.", e2.getMessage());
    }
}
