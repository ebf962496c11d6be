package org.gradaudit.jobs.examples;

import java.util.List;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.GraphBuilder;

/**
 * An audit case built by a user class: {@code brokenNeg(x) * w} for two inputs declared in the
 * spec as x and w (in that order). The gradient with respect to x is wrong at every element
 * (see {@link BrokenNeg}); the one with respect to w is right, so the audit must point at x.
 */
public final class BrokenNegCase implements GraphBuilder {
    @Override
    public Variable apply(List<Variable> inputs) {
        if (inputs.size() != 2) {
            throw new IllegalArgumentException("BrokenNegCase needs 2 inputs (x, w), the spec declares "
                    + inputs.size());
        }
        return T.mul(BrokenNeg.apply(inputs.get(0)), inputs.get(1));
    }
}
