package org.gradaudit.bench.peers;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.gradaudit.bench.Problems;
import org.nd4j.linalg.api.ndarray.INDArray;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Goal (b)'s peers: the gradient of sum(tanh(W x + b)^2) in PyTorch (DJL) and ND4J SameDiff, checked against gradaudit's. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dai.djl.offline=true")
public class TanhPeersBench {
    static final String[] NAMES = {"W", "x", "b"};

    @Param({"500", "2000"})
    public int n;

    private DjlPyTorch djl;
    private DjlPyTorch.Tanh torch;
    private Nd4jSameDiff.Grad nd4j;

    @Setup
    public void setup() {
        Problems.TanhData d = new Problems.TanhData(n);
        var expected = Problems.tanhGradient().call(d.gradauditArgs());
        djl = new DjlPyTorch();
        DjlPyTorch.requireThreads(Runtime.getRuntime().availableProcessors());
        torch = djl.new Tanh(d);
        Problems.assertGradients("DJL/PyTorch", NAMES, expected, DjlPyTorch.toJava(torch.gradient()));
        nd4j = Nd4jSameDiff.tanh(d);
        Problems.assertGradients("ND4J SameDiff", NAMES, expected, nd4j.toJava(nd4j.gradient()));
    }

    @TearDown
    public void tearDown() {
        djl.close();
    }

    @Benchmark
    public Object djlPyTorch() {
        return torch.gradient();
    }

    @Benchmark
    public Map<String, INDArray> nd4jSameDiff() {
        return nd4j.gradient();
    }
}
