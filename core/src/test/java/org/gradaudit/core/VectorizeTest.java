package org.gradaudit.core;

import static org.gradaudit.core.TestSupport.assertShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.gradaudit.core.graph.Vectorize;
import org.gradaudit.core.ops.Scan;
import org.junit.jupiter.api.Test;

/** The vectorization transform and the vectorized Jacobian, against loops over the batch. */
class VectorizeTest {
    private static final NDArray X = NDArray.of(0.3, -0.7, 1.2);
    private static final NDArray W = NDArray.of(new double[][] {{0.2, -0.1}, {0.5, 0.3}, {-0.4, 0.8}});
    private static final NDArray M = NDArray.of(new double[][] {{0.2, -0.1, 0.3}, {0.5, 0.3, -0.6}});

    private static List<NDArray> bothForms(Variable expr, List<Variable> wrt, List<Variable> inputs, NDArray... values) {
        List<Variable> loop = Gradient.jacobian(expr, wrt, GradOptions.DEFAULTS, false);
        List<Variable> vec = Gradient.jacobian(expr, wrt, GradOptions.DEFAULTS, true);
        List<Variable> all = new ArrayList<>(loop);
        all.addAll(vec);
        return Function.compile(inputs, all).call(values);
    }

    private static void assertFormsAgree(List<NDArray> r) {
        int n = r.size() / 2;
        for (int k = 0; k < n; k++) {
            assertTrue(r.get(k).allClose(r.get(n + k), 1e-13, 1e-15), "loop " + r.get(k) + " vs vectorized " + r.get(n + k));
        }
    }

    @Test
    void vectorizedJacobianEqualsTheLoopForm() {
        Variable x = T.vector("x");
        Variable w = T.matrix("W");
        Variable m = T.matrix("M");
        assertFormsAgree(bothForms(T.tanh(T.dot(x, w)), List.of(x, w), List.of(x, w), X, W));
        assertFormsAgree(bothForms(T.sigmoid(T.dot(m, x)), List.of(x, m), List.of(x, m), X, M));
        assertFormsAgree(bothForms(T.mul(T.exp(x), T.sum(T.sqr(x))), List.of(x), List.of(x), X));
        assertFormsAgree(bothForms(T.softmax(T.dot(x, w)), List.of(x, w), List.of(x, w), X, W));
        // an op without a batching rule (Cholesky) goes through the loop fallback
        Variable a = T.matrix("A");
        Variable spd = T.add(T.dot(a, T.transpose(a)), T.mul(new org.gradaudit.core.ops.EyeLike(DType.FLOAT64).makeNode(T.sum(a, 1)).out(), 3.0));
        assertFormsAgree(bothForms(T.flatten(T.cholesky(spd)), List.of(a), List.of(a),
                NDArray.of(new double[][] {{0.2, -0.1}, {0.5, 0.3}})));
    }

    @Test
    void anyNdimExpressionHasShapeExpressionShapePlusWrtShape() {
        Variable m = T.matrix("M");
        Variable x = T.vector("x");
        Variable y = T.mul(T.tanh(m), x);                           // (2, 3) expression
        List<NDArray> r = bothForms(y, List.of(m, x), List.of(m, x), M, X);
        assertShape(new int[] {2, 3, 2, 3}, r.get(0));
        assertShape(new int[] {2, 3, 3}, r.get(1));
        assertFormsAgree(r);
        // d y[i,j] / d x[k] = tanh(M[i,j]) [j == k]
        assertEquals(Math.tanh(M.get(1, 2)), r.get(1).get(1, 2, 2), 1e-15);
        assertEquals(0, r.get(1).get(1, 2, 1), 0);
    }

    @Test
    void disconnectedWrtUnderIgnoreGivesZerosOfTheFullShapeInBothForms() {
        Variable x = T.vector("x");
        Variable z = T.matrix("z");
        GradOptions ignore = GradOptions.builder().disconnectedInputs(DisconnectedInputs.IGNORE).build();
        List<Variable> vec = Gradient.jacobian(T.sqr(x), List.of(z), ignore, true);
        List<Variable> loop = Gradient.jacobian(T.sqr(x), List.of(z), ignore, false);
        List<NDArray> r = Function.compile(List.of(x, z), List.of(vec.get(0), loop.get(0))).call(X, M);
        assertShape(new int[] {3, 2, 3}, r.get(0));
        assertEquals(r.get(0), r.get(1));
        assertEquals(0, java.util.Arrays.stream(r.get(0).toDoubleArray()).map(Math::abs).sum(), 0);
    }

    @Test
    void vectorizeIsAPublicTransform() {
        Variable x = T.vector("x");
        Variable w = T.matrix("W");
        Variable y = T.sum(T.tanh(T.dot(x, w)), 0);
        Variable xs = T.matrix("xs");
        Variable ys = Vectorize.vectorize(List.of(y), Map.of(x, xs)).get(0);
        NDArray batch = NDArray.of(new double[][] {{0.3, -0.7, 1.2}, {1, 2, 3}, {0, 0, 0.5}, {-1, 0.25, 0}});
        NDArray got = Function.compile(List.of(xs, w), ys).call1(batch, W);
        Function one = Function.compile(List.of(x, w), y);
        assertShape(new int[] {4}, got);
        for (int b = 0; b < 4; b++) {
            NDArray row = NDArray.of(java.util.Arrays.copyOfRange(batch.toDoubleArray(), b * 3, b * 3 + 3));
            assertEquals(one.call1(row, W).item(), got.getFlat(b), 1e-15);
        }
        assertThrows(IllegalArgumentException.class, () -> Vectorize.vectorize(List.of(y), Map.of(x, T.vector("bad"))));
    }

    @Test
    void vectorizedJacobianUsesNoLoopForSupportedOps() {
        Variable x = T.vector("x");
        Variable w = T.matrix("W");
        Variable j = Gradient.jacobian(T.tanh(T.dot(w, x)), List.of(x), GradOptions.DEFAULTS, true).get(0);
        assertTrue(Function.compile(List.of(x, w), j).program().ops().stream().noneMatch(op -> op instanceof Scan));
    }
}
