package org.gradaudit.bench;

import java.util.List;
import java.util.SplittableRandom;
import org.gradaudit.core.DType;
import org.gradaudit.core.Function;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.compile.Program;

/**
 * The benchmarked functions, their data (seeded, identical for every implementation) and the
 * gradaudit graphs. Every implementation computes the same float64 function on the same data.
 *
 * <ul>
 *   <li>MLP: {@code loss = sum((tanh(X W1 + b1) W2 + b2 - Y)^2)}, X 64 x 784, W1 784 x 256,
 *       W2 256 x 10; gradient with respect to W1, b1, W2, b2.
 *   <li>Tanh layer: {@code c = sum(tanh(W x + b)^2)}, W n x n; gradient with respect to W, x, b.
 * </ul>
 */
public final class Problems {
    private Problems() {}

    public static final int BATCH = 64;
    public static final int IN = 784;
    public static final int HIDDEN = 256;
    public static final int OUT = 10;

    /** Row-major data of one MLP instance. */
    public static final class MlpData {
        public final double[] x = uniform(1, BATCH * IN, 1.0);
        public final double[] y = uniform(2, BATCH * OUT, 1.0);
        public final double[] w1 = uniform(3, IN * HIDDEN, 1.0 / Math.sqrt(IN));
        public final double[] b1 = uniform(4, HIDDEN, 0.1);
        public final double[] w2 = uniform(5, HIDDEN * OUT, 1.0 / Math.sqrt(HIDDEN));
        public final double[] b2 = uniform(6, OUT, 0.1);

        public NDArray[] gradauditArgs() {
            return new NDArray[] {
                NDArray.wrap(DType.FLOAT64, new int[] {BATCH, IN}, x),
                NDArray.wrap(DType.FLOAT64, new int[] {BATCH, OUT}, y),
                NDArray.wrap(DType.FLOAT64, new int[] {IN, HIDDEN}, w1),
                NDArray.wrap(DType.FLOAT64, new int[] {HIDDEN}, b1),
                NDArray.wrap(DType.FLOAT64, new int[] {HIDDEN, OUT}, w2),
                NDArray.wrap(DType.FLOAT64, new int[] {OUT}, b2),
            };
        }
    }

    /** The MLP loss of the given variables (X and Y may be constants). */
    public static Variable mlpLoss(Variable x, Variable y, Variable w1, Variable b1, Variable w2, Variable b2) {
        Variable h = T.tanh(T.add(T.dot(x, w1), b1));
        Variable o = T.sub(T.add(T.dot(h, w2), b2), y);
        return T.sum(T.sqr(o));
    }

    /** gradaudit: inputs X, Y, W1, b1, W2, b2; outputs dloss/dW1, db1, dW2, db2. */
    public static Function mlpGradient() {
        Variable x = T.matrix("X");
        Variable y = T.matrix("Y");
        Variable w1 = T.matrix("W1");
        Variable b1 = T.vector("b1");
        Variable w2 = T.matrix("W2");
        Variable b2 = T.vector("b2");
        Variable loss = mlpLoss(x, y, w1, b1, w2, b2);
        return Function.compile(List.of(x, y, w1, b1, w2, b2), Gradient.grad(loss, List.of(w1, b1, w2, b2)));
    }

    /** Data of the tanh layer of size n. */
    public static final class TanhData {
        public final int n;
        public final double[] w;
        public final double[] x;
        public final double[] b;

        public TanhData(int n) {
            this.n = n;
            this.w = uniform(11, n * n, 2.0 / Math.sqrt(n));
            this.x = uniform(12, n, 1.0);
            this.b = uniform(13, n, 0.1);
        }

        public NDArray[] gradauditArgs() {
            return new NDArray[] {
                NDArray.wrap(DType.FLOAT64, new int[] {n, n}, w),
                NDArray.wrap(DType.FLOAT64, new int[] {n}, x),
                NDArray.wrap(DType.FLOAT64, new int[] {n}, b),
            };
        }
    }

    /** gradaudit: inputs W, x, b; outputs dc/dW, dc/dx, dc/db. */
    public static Function tanhGradient() {
        Variable w = T.matrix("W");
        Variable x = T.vector("x");
        Variable b = T.vector("b");
        Variable c = T.sum(T.sqr(T.tanh(T.add(T.dot(w, x), b))));
        return Function.compile(List.of(w, x, b), Gradient.grad(c, List.of(w, x, b)));
    }

    /** Uniform in [-scale, scale), from a seeded stream. */
    public static double[] uniform(long seed, int n, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = (2 * r.nextDouble() - 1) * scale;
        }
        return d;
    }

    /**
     * Fails unless {@code actual} equals {@code expected} to relative 1e-9, normwise:
     * {@code max|a - e| <= 1e-9 * max|e|} (an elementwise relative test is meaningless for entries
     * that cancel to near zero).
     */
    public static void assertClose(String what, double[] expected, double[] actual) {
        if (expected.length != actual.length) {
            throw new IllegalStateException(what + ": " + actual.length + " values, expected " + expected.length);
        }
        double scale = 0;
        double err = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            err = Math.max(err, Math.abs(expected[i] - actual[i]));
        }
        if (!(err <= 1e-9 * scale) || scale == 0) {
            throw new IllegalStateException(what + " differs from gradaudit's: max abs error " + err + ", max |value| "
                    + scale + " (relative " + err / scale + " > 1e-9)");
        }
    }

    /** Checks a list of gradients against gradaudit's, in order. */
    /** A runner of {@code grad}'s program whose second run (into reused arrays) matches {@code grad.call}. */
    public static Program.Runner checkedRunner(Function grad, NDArray[] args, String[] names) {
        Program.Runner runner = grad.program().runner();
        runner.run(args);
        NDArray[] second = runner.run(args);
        double[][] reused = new double[second.length][];
        for (int i = 0; i < second.length; i++) {
            reused[i] = second[i].unsafeData();
        }
        assertGradients("gradaudit runner", names, grad.call(args), reused);
        return runner;
    }

    public static void assertGradients(String impl, String[] names, List<NDArray> expected, double[]... actual) {
        if (expected.size() != actual.length) {
            throw new IllegalStateException(impl + ": " + actual.length + " gradients, expected " + expected.size());
        }
        for (int i = 0; i < actual.length; i++) {
            assertClose(impl + " d/d" + names[i], expected.get(i).unsafeData(), actual[i]);
        }
    }
}
