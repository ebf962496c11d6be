package org.gradaudit.bench;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.gradaudit.core.DType;
import org.gradaudit.core.Function;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.JacobianBlocks;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Rows of the Jacobian of y = tanh(W x), W n x n (the Jacobian job's unit of work): one batched
 * L-op for a block of 256 rows ({@link JacobianBlocks#rows}, one-hot cotangents) against 256
 * separate L-ops, one per row. Scores are milliseconds per row (rows/s = 1000 / score); Step 6's
 * goal: batched at least 10x faster at n = 2000.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class JacobianRowsBench {
    static final int BLOCK = 256;

    @Param({"2000"})
    public int n;

    private JacobianBlocks blocks;
    private Function lop;
    private NDArray[] point;
    private NDArray xv;
    private NDArray wv;

    @Setup
    public void setup() {
        Variable x = T.vector("x");
        Variable w = T.matrix("W");
        Variable y = T.tanh(T.dot(w, x));
        blocks = JacobianBlocks.of(List.of(x, w), y, x);
        Variable u = T.vector("u");
        lop = Function.compile(List.of(x, w, u), Gradient.lop(y, x, u));
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
        point = new NDArray[] {xv, wv};
        NDArray block = blocks.rows(point, 0, BLOCK);
        for (int i : new int[] {0, 17, BLOCK - 1}) {
            NDArray row = lop.call1(xv, wv, oneHot(i));
            for (int j = 0; j < n; j++) {
                if (Math.abs(row.getFlat(j) - block.get(i, j)) > 1e-12) {
                    throw new IllegalStateException("row " + i + " differs at column " + j);
                }
            }
        }
    }

    private NDArray oneHot(int i) {
        double[] e = new double[n];
        e[i] = 1;
        return NDArray.wrap(DType.FLOAT64, new int[] {n}, e);
    }

    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public NDArray batchedBlockOf256Rows() {
        return blocks.rows(point, 0, BLOCK);
    }

    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public void oneLopPerRow(Blackhole bh) {
        for (int i = 0; i < BLOCK; i++) {
            bh.consume(lop.call1(xv, wv, oneHot(i)));
        }
    }
}
