package org.gradaudit.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.gradaudit.core.tensor.Gemm;
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
 * The matrix product kernel (n x n times n x n) against EJML's. GFLOP/s = 2 n^3 / time; compare
 * with the machine's peak multiply-add rate (PeakBench). {@link #gradaudit} runs in a JVM with
 * {@code gradaudit.gemm.threads=1}, so it is the single-thread figure that goal (c) compares with
 * the 1-thread peak; {@link #gradaudit2Threads} is the same product split over two threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GemmBench {
    @Param({"500", "2000"})
    public int n;

    private double[] a;
    private double[] b;
    private DMatrixRMaj am;
    private DMatrixRMaj bm;
    private DMatrixRMaj cm;

    @Setup
    public void setup() {
        SplittableRandom r = new SplittableRandom(3);
        a = new double[n * n];
        b = new double[n * n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextDouble();
            b[i] = r.nextDouble();
        }
        am = DMatrixRMaj.wrap(n, n, a);
        bm = DMatrixRMaj.wrap(n, n, b);
        cm = new DMatrixRMaj(n, n);
        if (!Gemm.VECTORIZED) {
            throw new IllegalStateException("run with --add-modules=jdk.incubator.vector (bench/run does)");
        }
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-Dgradaudit.gemm.threads=1")
    public double[] gradaudit() {
        return Gemm.gemm(a, b, n, n, n);
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-Dgradaudit.gemm.threads=2")
    public double[] gradaudit2Threads() {
        return Gemm.gemm(a, b, n, n, n);
    }

    @Benchmark
    public DMatrixRMaj ejml() {
        CommonOps_DDRM.mult(am, bm, cm);
        return cm;
    }
}
