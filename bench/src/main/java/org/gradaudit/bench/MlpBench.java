package org.gradaudit.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.gradaudit.core.Function;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.compile.Program;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Goal (a): the gradient of the MLP loss (batch 64, 784-256-10, tanh, float64, sum of squares;
 * see {@link Problems}) with respect to W1, b1, W2, b2. gradaudit against hand-written Java here;
 * the peers (PyTorch through DJL, ND4J SameDiff) in {@code peers.MlpPeersBench}, same group.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class MlpBench {
    static final String[] NAMES = {"W1", "b1", "W2", "b2"};

    private Function grad;
    private Program.Runner runner;
    private NDArray[] args;
    private HandWritten.Mlp hand;

    @Setup
    public void setup() {
        Problems.MlpData d = new Problems.MlpData();
        grad = Problems.mlpGradient();
        args = d.gradauditArgs();
        hand = new HandWritten.Mlp(d);
        hand.gradient();
        runner = Problems.checkedRunner(grad, args, NAMES);
        Problems.assertGradients("hand-written", NAMES, grad.call(args), hand.dw1Flat(), hand.db1, hand.dw2, hand.db2);
    }

    /** A {@link Program.Runner}: the arrays of the previous call are reused, as the hand-written code does. */
    @Benchmark
    public NDArray[] gradaudit() {
        return runner.run(args);
    }

    /** As {@link #gradaudit} with every product on one thread (the default splits large products over the cores). */
    @Benchmark
    @Fork(value = 1, jvmArgsAppend = "-Dgradaudit.gemm.threads=1")
    public NDArray[] gradaudit1Thread() {
        return runner.run(args);
    }

    /** {@link Function#call}: every call allocates its intermediates and results. */
    @Benchmark
    public List<NDArray> gradauditNewArrays() {
        return grad.call(args);
    }

    @Benchmark
    public double[][] handWritten() {
        hand.gradient();
        return hand.dw1;
    }
}
