package org.gradaudit.core;

import static org.gradaudit.core.TestSupport.assertShape;
import static org.gradaudit.core.TestSupport.assertValues;
import static org.gradaudit.core.TestSupport.eval1;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.gradaudit.core.check.GradientError;
import org.gradaudit.core.check.VerifyGrad;
import org.gradaudit.core.check.VerifyOptions;
import org.junit.jupiter.api.Test;

class JacobianTest {
    private final Variable x = T.vector("x");
    private final NDArray xv = NDArray.of(1.0, 2.0, 3.0);

    @Test
    void jacobianOfTwoXIsTwoI() {
        NDArray j = eval1(List.of(x), Gradient.jacobian(T.mul(x, 2.0), x), xv);
        assertShape(new int[] {3, 3}, j);
        assertValues(new double[] {2, 0, 0, 0, 2, 0, 0, 0, 2}, j, 0);
    }

    @Test
    void jacobianOfElementwiseProductIsDiagonal() {
        Variable z = T.vector("z");
        NDArray zv = NDArray.of(4, 5, 6);
        NDArray j = eval1(List.of(x, z), Gradient.jacobian(T.mul(x, z), x), xv, zv);
        assertValues(new double[] {4, 0, 0, 0, 5, 0, 0, 0, 6}, j, 0);
    }

    @Test
    void jacobianOfAScalarIsTheGradient() {
        NDArray j = eval1(List.of(x), Gradient.jacobian(T.sum(T.sqr(x)), x), xv);
        assertValues(new double[] {2, 4, 6}, j, 0);
    }

    @Test
    void jacobianWithRespectToAMatrixHasShapeNPlusWShape() {
        Variable W = T.matrix("W");
        NDArray wv = NDArray.of(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        NDArray j = eval1(List.of(x, W), Gradient.jacobian(T.dot(x, W), W), xv, wv);
        assertShape(new int[] {2, 3, 2}, j);
        // d(xW)_k / dW_ij = x_i [j == k]
        assertValues(new double[] {1, 0, 2, 0, 3, 0, 0, 1, 0, 2, 0, 3}, j, 0);
    }

    @Test
    void disconnectedInputUnderIgnoreGivesZerosOfTheFullShape() {
        Variable y = T.vector("y");
        List<Variable> j = Gradient.jacobian(T.mul(x, 2.0), List.of(x, y),
                GradOptions.builder().disconnectedInputs(DisconnectedInputs.IGNORE).build());
        NDArray jy = eval1(List.of(x, y), j.get(1), xv, NDArray.of(1, 2));
        assertShape(new int[] {3, 2}, jy);
        assertValues(new double[6], jy, 0);
        assertThrows(DisconnectedInputError.class, () -> Gradient.jacobian(T.mul(x, 2.0), List.of(x, y)));
    }

    @Test
    void hessianOfASumOfCubes() {
        NDArray h = eval1(List.of(x), Gradient.hessian(T.sum(T.pow(x, 3.0)), x), xv);
        assertValues(new double[] {6, 0, 0, 0, 12, 0, 0, 0, 18}, h, 1e-12);
        NDArray lin = eval1(List.of(x), Gradient.hessian(T.sum(T.mul(x, 3.0)), x), xv);
        assertValues(new double[9], lin, 0);
    }

    @Test
    void rosenbrockHessianVectorProduct() {
        Variable a = T.scalar("a");
        Variable b = T.scalar("b");
        // f = (1 - a)^2 + 100 (b - a^2)^2
        Variable f = T.add(T.sqr(T.sub(1.0, a)), T.mul(100.0, T.sqr(T.sub(b, T.sqr(a)))));
        Variable pa = T.scalar("pa");
        Variable pb = T.scalar("pb");
        List<Variable> hp = Gradient.hessianVectorProduct(f, List.of(a, b), List.of(pa, pb), GradOptions.DEFAULTS);
        double av = 1.5;
        double bv = 0.5;
        double[] p = {0.3, -0.7};
        double haa = 2 - 400 * (bv - av * av) + 800 * av * av;
        double hab = -400 * av;
        double hbb = 200;
        List<NDArray> r = Function.compile(List.of(a, b, pa, pb), hp).call(NDArray.scalar(av), NDArray.scalar(bv),
                NDArray.scalar(p[0]), NDArray.scalar(p[1]));
        assertEquals(haa * p[0] + hab * p[1], r.get(0).item(), 1e-10);
        assertEquals(hab * p[0] + hbb * p[1], r.get(1).item(), 1e-10);
    }

    @Test
    void gradientsFlowThroughTheScanJacobian() {
        // sum of the Jacobian of tanh(x * s) w.r.t. x is sum_i s (1 - tanh(x_i s)^2): differentiate it w.r.t. s
        Variable s = T.scalar("s");
        NDArray sv = NDArray.scalar(0.7);
        VerifyGrad.verifyGrad(in -> T.sum(Gradient.jacobian(T.tanh(T.mul(in.get(0), in.get(1))), in.get(0))),
                List.of(xv, sv));
        Variable j = T.sum(Gradient.jacobian(T.tanh(T.mul(x, s)), x));
        double expected = 0;
        for (int i = 0; i < 3; i++) {
            double t = Math.tanh(xv.getFlat(i) * 0.7);
            expected += (1 - t * t) - 2 * t * (1 - t * t) * xv.getFlat(i) * 0.7;      // d/ds [s (1 - tanh^2(x s))]
        }
        assertEquals(expected, eval1(List.of(x, s), Gradient.grad(j, s), xv, sv).item(), 1e-12);
    }

    /** x^2 whose gradient 2 x gz is right in value but built with zeroGrad(x): its own derivative is wrong. */
    private static final class SquareWithFlatGrad extends Op {
        private static final long serialVersionUID = 1L;

        @Override
        public Apply makeNode(List<Variable> inputs) {
            return Apply.create(this, inputs, List.of(inputs.get(0).type()));
        }

        @Override
        public NDArray[] perform(NDArray[] in) {
            double[] d = in[0].toDoubleArray();
            for (int i = 0; i < d.length; i++) {
                d[i] *= d[i];
            }
            return new NDArray[] {NDArray.wrap(in[0].dtype(), in[0].shape(), d)};
        }

        @Override
        public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
            return List.of(T.mul(outputGrads.get(0), T.mul(2.0, Gradient.zeroGrad(inputs.get(0)))));
        }

        @Override
        protected Object[] props() {
            return new Object[0];
        }
    }

    @Test
    void secondOrderCheckPassesAndCatchesAWrongSecondDerivative() {
        VerifyGrad.verifyGrad2(in -> T.tanh(T.mul(in.get(0), in.get(0))), List.of(xv), VerifyOptions.DEFAULTS);
        NDArray p = NDArray.of(0.5, -0.3);
        VerifyGrad.verifyGrad(in -> new SquareWithFlatGrad().makeNode(in.get(0)).out(), List.of(p));   // first order is right
        assertThrows(GradientError.class, () -> VerifyGrad.verifyGrad2(
                in -> new SquareWithFlatGrad().makeNode(in.get(0)).out(), List.of(p), VerifyOptions.DEFAULTS));
    }
}
