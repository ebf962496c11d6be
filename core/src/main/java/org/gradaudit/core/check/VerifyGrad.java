package org.gradaudit.core.check;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.DisconnectedInputs;
import org.gradaudit.core.GradOptions;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;

/**
 * Theano's {@code verify_grad}: checks the symbolic gradient of {@code fn} at {@code points}
 * against finite differences, on {@code nTests} random projections of the output, and throws a
 * {@link GradientError} at the first test where some element exceeds both tolerances.
 *
 * <p>Runs the same work units as the distributed audit ({@link GradCheck}), one unit per test.
 */
public final class VerifyGrad {
    private VerifyGrad() {}

    public static void verifyGrad(SymbolicFunction fn, List<NDArray> points, VerifyOptions options) {
        GradCheck check = GradCheck.prepare("", fn, points, options);
        for (int t = 0; t < check.nTests(); t++) {
            GradCheck.TestOutcome outcome = check.outcome(check.run(t, 0, check.nCoordinates()));
            if (!outcome.passed()) {
                throw check.error(outcome);
            }
        }
    }

    public static void verifyGrad(SymbolicFunction fn, List<NDArray> points) {
        verifyGrad(fn, points, VerifyOptions.DEFAULTS);
    }

    /** Checks an op applied to the points (Theano's common {@code verify_grad(op, pt)}). */
    public static void verifyGrad(Op op, List<NDArray> points, VerifyOptions options) {
        verifyGrad(inputs -> single(op, inputs), points, options);
    }

    private static Variable single(Op op, List<Variable> inputs) {
        List<Variable> outs = op.makeNode(inputs).outputs();
        if (outs.size() != 1) {
            throw new IllegalArgumentException("cannot (yet) check the gradient of " + op + ", which has "
                    + outs.size() + " outputs; wrap it in a function that returns one");
        }
        return outs.get(0);
    }

    /**
     * The second-order check: verifies the gradient of a gradient. With fixed random weights r (of
     * the output's shape) and q_k (of each input's shape), the checked function is
     * {@code x -> sum_k <q_k, d/dx_k sum(r * fn(x))>}, whose own gradient needs the second
     * derivatives of every op on the path.
     */
    public static void verifyGrad2(SymbolicFunction fn, List<NDArray> points, VerifyOptions options) {
        long key = Streams.caseKey("second order");
        SymbolicFunction first = in -> {
            Variable o = fn.apply(in);
            NDArray value = org.gradaudit.core.Function.compile(in, o).call1(points.toArray(new NDArray[0]));
            Variable c = T.sum(T.mul(T.constant(weights(options.seed(), key, 0, value)), o));
            List<Variable> g = Gradient.grad(c, in, GradOptions.builder()
                    .disconnectedInputs(DisconnectedInputs.IGNORE).build());
            Variable total = null;
            for (int k = 0; k < in.size(); k++) {
                Variable term = T.sum(T.mul(T.constant(weights(options.seed(), key, k + 1, points.get(k))), g.get(k)));
                total = total == null ? term : T.add(total, term);
            }
            return total;
        };
        verifyGrad(first, points, options);
    }

    /** Weights in [0.5, 1.5) of {@code like}'s shape and dtype, from a seeded stream. */
    private static NDArray weights(long seed, long key, int index, NDArray like) {
        java.util.SplittableRandom r = Streams.stream(seed, key, index, Streams.PROJECTION);
        double[] d = new double[like.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextDouble() + 0.5;
        }
        return NDArray.of(like.dtype(), like.shape(), d);
    }

    /** Runs every test and returns the outcomes without throwing (the audit's local path). */
    public static List<GradCheck.TestOutcome> check(GradCheck check) {
        List<GradCheck.TestOutcome> r = new ArrayList<>();
        for (int t = 0; t < check.nTests(); t++) {
            r.add(check.outcome(check.run(t, 0, check.nCoordinates())));
        }
        return r;
    }
}
