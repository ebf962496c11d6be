package org.gradaudit.core;

import static org.gradaudit.core.TestSupport.assertValues;
import static org.gradaudit.core.TestSupport.eval1;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.gradaudit.core.check.GradientError;
import org.gradaudit.core.check.RopCheck;
import org.gradaudit.core.check.SymbolicFunction;
import org.junit.jupiter.api.Test;

/** R-ops of the Step 1 ops: against finite differences of J t, and the identity <J t, c> = <t, J^T c>. */
class RopTest {
    private static final NDArray X = NDArray.of(0.3, -0.7, 1.2);
    private static final NDArray P = NDArray.of(0.4, 1.7, 2.5);
    private static final NDArray W = NDArray.of(new double[][] {{0.2, -0.1}, {0.5, 0.3}, {-0.4, 0.8}});
    private static final NDArray M = NDArray.of(new double[][] {{0.2, -0.1, 0.3}, {0.5, 0.3, -0.6}});

    private static void check(SymbolicFunction f, NDArray... points) {
        RopCheck.verifyRop(f, List.of(points));
    }

    @Test
    void elementwiseOps() {
        check(in -> T.add(in.get(0), in.get(1)), X, P);
        check(in -> T.sub(in.get(0), in.get(1)), X, P);
        check(in -> T.mul(in.get(0), in.get(1)), X, P);
        check(in -> T.trueDiv(in.get(0), in.get(1)), X, P);
        check(in -> T.pow(in.get(1), in.get(0)), X, P);
        check(in -> T.neg(in.get(0)), X);
        check(in -> T.sqr(in.get(0)), X);
        check(in -> T.sqrt(in.get(0)), P);
        check(in -> T.exp(in.get(0)), X);
        check(in -> T.log(in.get(0)), P);
        check(in -> T.tanh(in.get(0)), X);
        check(in -> T.sigmoid(in.get(0)), X);
    }

    @Test
    void broadcastingReductionsShufflesAndProducts() {
        check(in -> T.mul(in.get(0), in.get(1)), M, X);                 // vector broadcast over rows
        check(in -> T.sum(in.get(0)), M);
        check(in -> T.sum(in.get(0), 1), M);
        check(in -> T.transpose(in.get(0)), M);
        check(in -> T.dimshuffle(in.get(0), 1, "x", 0), M);
        check(in -> T.dot(in.get(0), in.get(1)), X, W);
        check(in -> T.dot(in.get(0), in.get(1)), M, X);
        check(in -> T.dot(in.get(0), in.get(1)), M, W);
        check(in -> T.dot(in.get(0), in.get(1)), X, P);
        check(in -> T.sum(T.tanh(T.dot(in.get(0), in.get(1)))), X, W);
    }

    @Test
    void ropOfTanhDotEqualsExplicitJacobianTimesV() {
        Variable x = T.vector("x");
        Variable Wv = T.matrix("W");
        Variable v = T.vector("v");
        Variable y = T.tanh(T.dot(x, Wv));
        NDArray vv = NDArray.of(1.0, -2.0, 0.5);
        NDArray jv = eval1(List.of(x, Wv, v), Gradient.rop(y, x, v), X, W, vv);
        // J = diag(1 - y^2) W^T
        double[] expected = new double[2];
        for (int j = 0; j < 2; j++) {
            double z = 0;
            double wv = 0;
            for (int i = 0; i < 3; i++) {
                z += X.getFlat(i) * W.get(i, j);
                wv += W.get(i, j) * vv.getFlat(i);
            }
            expected[j] = (1 - Math.tanh(z) * Math.tanh(z)) * wv;
        }
        assertValues(expected, jv, 1e-15);
    }

    @Test
    void aWrongRopIsCaught() {
        Op wrong = new Op() {
            @Override
            public Apply makeNode(List<Variable> inputs) {
                return Apply.create(this, inputs, List.of(inputs.get(0).type()));
            }

            @Override
            public NDArray[] perform(NDArray[] in) {
                double[] d = in[0].toDoubleArray();
                for (int i = 0; i < d.length; i++) {
                    d[i] = 3 * d[i];
                }
                return new NDArray[] {NDArray.wrap(in[0].dtype(), in[0].shape(), d)};
            }

            @Override
            public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
                return List.of(T.mul(outputGrads.get(0), 3.0));
            }

            @Override
            public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> t) {
                return List.of(T.mul(t.get(0), 2.0));
            }

            @Override
            protected Object[] props() {
                return new Object[0];
            }
        };
        GradientError e = assertThrows(GradientError.class, () -> check(in -> wrong.makeNode(in.get(0)).out(), X));
        assertTrue(e.getMessage().contains("R-op"), e.getMessage());
    }
}
