package org.gradaudit.bench.peers;

import java.util.concurrent.TimeUnit;
import org.gradaudit.bench.Problems;
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

/**
 * PyTorch on one intra-op thread, as gradaudit runs (its kernels are single-threaded): the MLP
 * gradient per core. The thread count is set when the engine starts (DJL's system properties).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
        "-Dai.djl.pytorch.num_interop_threads=1"})
public class MlpPeers1tBench {
    private DjlPyTorch djl;
    private DjlPyTorch.Mlp torch;

    @Setup
    public void setup() {
        Problems.MlpData d = new Problems.MlpData();
        djl = new DjlPyTorch();
        DjlPyTorch.requireThreads(1);
        torch = djl.new Mlp(d);
        Problems.assertGradients("DJL/PyTorch", MlpPeersBench.NAMES, Problems.mlpGradient().call(d.gradauditArgs()),
                DjlPyTorch.toJava(torch.gradient()));
    }

    @TearDown
    public void tearDown() {
        djl.close();
    }

    @Benchmark
    public Object djlPyTorch1Thread() {
        return torch.gradient();
    }
}
