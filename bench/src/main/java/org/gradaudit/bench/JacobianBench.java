package org.gradaudit.bench;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.gradaudit.core.DType;
import org.gradaudit.core.Function;
import org.gradaudit.core.GradOptions;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Jacobian of y = tanh(W x), W n x n: Theano's scan over rows against the vectorized form
 * (one batched L-op with an identity cotangent). Step 4's goal: vectorized at least 5x faster at
 * n = 500.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JacobianBench {
    @Param({"500"})
    public int n;

    private Function scan;
    private Function vectorized;
    private NDArray xv;
    private NDArray wv;

    @Setup
    public void setup() {
        Variable x = T.vector("x");
        Variable w = T.matrix("W");
        Variable y = T.tanh(T.dot(w, x));
        scan = Function.compile(List.of(x, w), Gradient.jacobian(y, List.of(x), GradOptions.DEFAULTS, false));
        vectorized = Function.compile(List.of(x, w), Gradient.jacobian(y, List.of(x), GradOptions.DEFAULTS, true));
        SplittableRandom r = new SplittableRandom(42);
        double[] xd = new double[n];
        double[] wd = new double[n * n];
        for (int i = 0; i < xd.length; i++) {
            xd[i] = r.nextDouble() - 0.5;
        }
        for (int i = 0; i < wd.length; i++) {
            wd[i] = (r.nextDouble() - 0.5) / Math.sqrt(n);
        }
        xv = NDArray.of(DType.FLOAT64, new int[] {n}, xd);
        wv = NDArray.of(DType.FLOAT64, new int[] {n, n}, wd);
        if (!scan.call1(xv, wv).allClose(vectorized.call1(xv, wv), 1e-12, 1e-14)) {
            throw new IllegalStateException("the two Jacobians differ");
        }
    }

    Function vectorizedFunction() { return vectorized; }

    Function scanFunction() { return scan; }

    NDArray[] args() { return new NDArray[] {xv, wv}; }

    @Benchmark
    public NDArray scanOverRows() {
        return scan.call1(xv, wv);
    }

    @Benchmark
    public NDArray vectorized() {
        return vectorized.call1(xv, wv);
    }
}
