package org.gradaudit.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's peak double multiply-add rate, for goal (c): 16 independent FMA chains of the
 * preferred vector width kept in registers (enough to cover FMA latency times the number of FMA
 * ports), {@link #ITERATIONS} rounds per call. GFLOP/s = calls/s x {@link #flopsPerCall()} / 1e9;
 * with 2 threads JMH sums the two threads' throughput.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PeakBench {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    static final int ITERATIONS = 4096;
    static final int CHAINS = 16;

    /** Floating-point operations of one call (an FMA counts 2 per lane). */
    public static double flopsPerCall() {
        return 2.0 * S.length() * CHAINS * ITERATIONS;
    }

    public double m = 0.999999;
    public double a = 1e-7;

    @Benchmark
    @Threads(1)
    public double fma1Thread() {
        return chains();
    }

    @Benchmark
    @Threads(2)
    public double fma2Threads() {
        return chains();
    }

    private double chains() {
        DoubleVector mv = DoubleVector.broadcast(S, m);
        DoubleVector av = DoubleVector.broadcast(S, a);
        DoubleVector c0 = DoubleVector.broadcast(S, 0.1);
        DoubleVector c1 = DoubleVector.broadcast(S, 0.2);
        DoubleVector c2 = DoubleVector.broadcast(S, 0.3);
        DoubleVector c3 = DoubleVector.broadcast(S, 0.4);
        DoubleVector c4 = DoubleVector.broadcast(S, 0.5);
        DoubleVector c5 = DoubleVector.broadcast(S, 0.6);
        DoubleVector c6 = DoubleVector.broadcast(S, 0.7);
        DoubleVector c7 = DoubleVector.broadcast(S, 0.8);
        DoubleVector c8 = DoubleVector.broadcast(S, 0.9);
        DoubleVector c9 = DoubleVector.broadcast(S, 1.0);
        DoubleVector c10 = DoubleVector.broadcast(S, 1.1);
        DoubleVector c11 = DoubleVector.broadcast(S, 1.2);
        DoubleVector c12 = DoubleVector.broadcast(S, 1.3);
        DoubleVector c13 = DoubleVector.broadcast(S, 1.4);
        DoubleVector c14 = DoubleVector.broadcast(S, 1.5);
        DoubleVector c15 = DoubleVector.broadcast(S, 1.6);
        for (int i = 0; i < ITERATIONS; i++) {
            c0 = c0.fma(mv, av);
            c1 = c1.fma(mv, av);
            c2 = c2.fma(mv, av);
            c3 = c3.fma(mv, av);
            c4 = c4.fma(mv, av);
            c5 = c5.fma(mv, av);
            c6 = c6.fma(mv, av);
            c7 = c7.fma(mv, av);
            c8 = c8.fma(mv, av);
            c9 = c9.fma(mv, av);
            c10 = c10.fma(mv, av);
            c11 = c11.fma(mv, av);
            c12 = c12.fma(mv, av);
            c13 = c13.fma(mv, av);
            c14 = c14.fma(mv, av);
            c15 = c15.fma(mv, av);
        }
        DoubleVector s = c0.add(c1).add(c2).add(c3).add(c4).add(c5).add(c6).add(c7)
                .add(c8).add(c9).add(c10).add(c11).add(c12).add(c13).add(c14).add(c15);
        return s.reduceLanes(VectorOperators.ADD);
    }
}
