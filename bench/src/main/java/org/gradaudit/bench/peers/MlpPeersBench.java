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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Goal (a)'s peers: the same MLP gradient in PyTorch (DJL) and ND4J SameDiff, checked against gradaudit's. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dai.djl.offline=true")
public class MlpPeersBench {
    static final String[] NAMES = {"W1", "b1", "W2", "b2"};

    private DjlPyTorch djl;
    private DjlPyTorch.Mlp torch;
    private Nd4jSameDiff.Grad nd4j;

    @Setup
    public void setup() {
        Problems.MlpData d = new Problems.MlpData();
        var expected = Problems.mlpGradient().call(d.gradauditArgs());
        djl = new DjlPyTorch();
        DjlPyTorch.requireThreads(Runtime.getRuntime().availableProcessors());
        torch = djl.new Mlp(d);
        Problems.assertGradients("DJL/PyTorch", NAMES, expected, DjlPyTorch.toJava(torch.gradient()));
        nd4j = Nd4jSameDiff.mlp(d);
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
