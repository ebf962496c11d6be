package org.gradaudit.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.gradaudit.core.DType;
import org.gradaudit.core.Function;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.GradCheck;
import org.gradaudit.core.check.SymbolicFunction;
import org.gradaudit.core.check.VerifyOptions;
import org.gradaudit.core.compile.Program;
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

/**
 * Goal (d), on the MLP of {@link Problems} with X and Y fixed and W1, b1, W2, b2 checked:
 *
 * <ul>
 *   <li>{@code forward}: one raw evaluation of the loss (a compiled {@link Function});
 *   <li>{@code verifyGradPerElement}: verifyGrad's full (Theano) mode, the real unit code
 *       ({@link GradCheck#run}) over {@value #UNIT} consecutive coordinates of the perturbed input,
 *       per coordinate (the unit's analytic gradient and base evaluation amortized over them);
 *   <li>{@code rerun}: {@link Program.Reruns#rerun} of the check's cost program with one element
 *       of that input moved (what the unit does per coordinate), against {@code naiveRun}:
 *       {@link Program#run} of the same program on the same arguments.
 * </ul>
 *
 * The perturbed input is W1 (a coordinate of W1 moves one column of the hidden layer; W1's and
 * b1's are 99.8% of the 203,530 coordinates) or W2 (a coordinate moves one column of the output).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class VerifyGradBench {
    static final int UNIT = 32;
    private static final int[] MOVED = {17};

    @Param({"W1", "W2"})
    public String input;

    private Function loss;
    private NDArray[] params;
    private GradCheck check;
    private int lo;
    private Program cost;
    private Program.Snapshot base;
    private Program.Reruns reruns;
    private NDArray[] costArgs;
    private int k;
    private NDArray perturbed;

    @Setup
    public void setup() {
        Problems.MlpData d = new Problems.MlpData();
        NDArray[] all = d.gradauditArgs();
        params = new NDArray[] {all[2], all[3], all[4], all[5]};
        SymbolicFunction fn = in -> Problems.mlpLoss(T.constant(all[0]), T.constant(all[1]),
                in.get(0), in.get(1), in.get(2), in.get(3));
        List<Variable> vars = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            vars.add(T.tensor(DType.FLOAT64, params[i].ndim(), MlpBench.NAMES[i]));
        }
        loss = Function.compile(vars, fn.apply(vars));
        check = GradCheck.prepare("mlp", fn, List.of(params), VerifyOptions.builder().nTests(1).build());
        k = input.equals("W1") ? 0 : 2;
        int offset = 0;
        for (int i = 0; i < k; i++) {
            offset += params[i].size();
        }
        lo = offset + 17;
        if (!check.outcome(check.run(0, lo, lo + UNIT)).passed()) {
            throw new IllegalStateException("the MLP gradient fails its own check");
        }
        // the check's cost program: c = sum(r * loss), r a scalar input (as GradCheck builds it)
        Variable r = T.tensor(DType.FLOAT64, 0, "random_projection");
        List<Variable> costIn = new ArrayList<>(vars);
        costIn.add(r);
        cost = Function.compile(costIn, T.sum(T.mul(r, fn.apply(vars)))).program();
        costArgs = new NDArray[] {params[0], params[1], params[2], params[3], NDArray.scalar(DType.FLOAT64, 1.234)};
        base = cost.evaluate(costArgs);
        reruns = cost.reruns(base);
        double[] p = params[k].toDoubleArray();
        p[17] += 1e-7;
        perturbed = NDArray.wrap(DType.FLOAT64, params[k].shape(), p);
        NDArray[] naiveArgs = costArgs.clone();
        naiveArgs[k] = perturbed;
        if (cost.reruns(base).rerun(k, perturbed, MOVED)[0].item() != cost.run(naiveArgs)[0].item()) {
            throw new IllegalStateException("rerun differs from run");
        }
        costArgs = naiveArgs;
    }

    @Benchmark
    public NDArray forward() {
        return loss.call1(params);
    }

    @Benchmark
    @OperationsPerInvocation(UNIT)
    public Object verifyGradPerElement() {
        return check.run(0, lo, lo + UNIT);
    }

    @Benchmark
    public NDArray[] rerun() {
        return reruns.rerun(k, perturbed, MOVED);
    }

    @Benchmark
    public NDArray[] naiveRun() {
        return cost.run(costArgs);
    }
}
