package org.gradaudit.core.check;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
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

    /** Runs every test and returns the outcomes without throwing (the audit's local path). */
    public static List<GradCheck.TestOutcome> check(GradCheck check) {
        List<GradCheck.TestOutcome> r = new ArrayList<>();
        for (int t = 0; t < check.nTests(); t++) {
            r.add(check.outcome(check.run(t, 0, check.nCoordinates())));
        }
        return r;
    }
}
