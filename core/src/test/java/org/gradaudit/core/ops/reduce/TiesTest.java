package org.gradaudit.core.ops.reduce;

import static org.gradaudit.core.TestSupport.assertValues;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.gradaudit.core.Function;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.junit.jupiter.api.Test;

/**
 * The tie rule of max/min (ExtremumReduction): the L-op routes the gradient to every tied
 * extremum, the R-op sums the tangents of every tied extremum, and the two are adjoint at ties.
 */
class TiesTest {
    private static final NDArray V = NDArray.of(1, 3, 3, 2);
    // rows: ties at the max (5, 5), ties at the min (-1, -1), no tie
    private static final NDArray M = NDArray.of(new double[][] {{5, 0, 5, 1}, {-1, 2, 4, -1}, {0.5, 0.25, 0.75, 0}});

    private static NDArray lop(Variable x, Variable y, Variable c, NDArray xv, NDArray cv) {
        Variable g = Gradient.lop(y, x, c);
        return Function.compile(List.of(x, c), g).call1(xv, cv);
    }

    private static NDArray rop(Variable x, Variable y, Variable t, NDArray xv, NDArray tv) {
        Variable j = Gradient.rop(y, x, t);
        return Function.compile(List.of(x, t), j).call1(xv, tv);
    }

    private static double dot(NDArray a, NDArray b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += a.getFlat(i) * b.getFlat(i);
        }
        return s;
    }

    @Test
    void gradientOfMaxGoesToEveryTiedMaximum() {
        Variable x = T.vector("x");
        NDArray g = Function.compile(List.of(x), Gradient.grad(T.max(x), x)).call1(V);
        assertValues(new double[] {0, 1, 1, 0}, g, 0);
        NDArray gm = Function.compile(List.of(x), Gradient.grad(T.min(x), x)).call1(NDArray.of(2, -1, 0, -1));
        assertValues(new double[] {0, 1, 0, 1}, gm, 0);
    }

    @Test
    void ropOfMaxSumsTheTangentsOfEveryTiedMaximum() {
        Variable x = T.vector("x");
        Variable t = T.vector("t");
        NDArray r = rop(x, T.max(x), t, V, NDArray.of(10, 20, 300, 4000));
        assertValues(new double[] {320}, r, 0);
    }

    @Test
    void ropAndLopOfMaxAndMinAreAdjointAtTiesOverAxes() {
        Variable x = T.matrix("x");
        NDArray t = NDArray.of(new double[][] {{0.3, -1.1, 0.7, 2.0}, {0.9, 0.4, -0.2, 1.3}, {0.6, -0.8, 0.1, 0.5}});
        for (int axis : new int[] {0, 1}) {
            for (boolean max : new boolean[] {true, false}) {
                Variable y = max ? T.max(x, axis) : T.min(x, axis);
                Variable tv = T.matrix("t");
                Variable cv = y.tensorType().make("c");
                NDArray c = axis == 1 ? NDArray.of(1.5, -0.5, 2.5) : NDArray.of(1.5, -0.5, 2.5, 0.25);
                NDArray jt = rop(x, y, tv, M, t);
                NDArray jtc = lop(x, y, cv, M, c);
                assertEquals(dot(jt, c), dot(t, jtc), 1e-12, "<Jt, c> = <t, J^T c> for " + y);
            }
        }
        // the values at the ties of row 0 (max 5 twice) and row 1 (min -1 twice), axis 1
        Variable tv = T.matrix("t");
        assertValues(new double[] {0.3 + 0.7, -0.2, 0.1}, rop(x, T.max(x, 1), tv, M, t), 1e-15);
    }

    @Test
    void explicitRowSums() {
        Variable x = T.matrix("x");
        Variable tv = T.matrix("t");
        NDArray t = NDArray.of(new double[][] {{1, 2, 4, 8}, {16, 32, 64, 128}, {256, 512, 1024, 2048}});
        assertValues(new double[] {5, 64, 1024}, rop(x, T.max(x, 1), tv, M, t), 0);
        assertValues(new double[] {2, 144, 2048}, rop(x, T.min(x, 1), tv, M, t), 0);
        Variable c = T.vector("c");
        assertValues(new double[] {1, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0},
                lop(x, T.max(x, 1), c, M, NDArray.of(1, 2, 3)), 0);
        assertValues(new double[] {0, 1, 0, 0, 2, 0, 0, 2, 0, 0, 0, 3},
                lop(x, T.min(x, 1), c, M, NDArray.of(1, 2, 3)), 0);
    }

    @Test
    void maxAndArgmaxUsesTheSameTieRuleAndDisconnectsArgmax() {
        Variable x = T.matrix("x");
        List<Variable> ma = T.maxAndArgmax(x, 1);
        Variable tv = T.matrix("t");
        NDArray t = NDArray.of(new double[][] {{1, 2, 4, 8}, {16, 32, 64, 128}, {256, 512, 1024, 2048}});
        assertValues(new double[] {5, 64, 1024}, rop(x, ma.get(0), tv, M, t), 0);
        NDArray g = Function.compile(List.of(x), Gradient.grad(T.sum(ma.get(0)), x)).call1(M);
        assertValues(new double[] {1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0}, g, 0);
        List<Variable> r = Gradient.rop(ma, List.of(x), List.of(tv), org.gradaudit.core.RopOptions.builder()
                .disconnectedOutputs(org.gradaudit.core.DisconnectedInputs.IGNORE)
                .returnDisconnected(org.gradaudit.core.ReturnDisconnected.DISCONNECTED).build());
        assertEquals(true, org.gradaudit.core.DisconnectedType.is(r.get(1)), "argmax has no tangent");
    }
}
