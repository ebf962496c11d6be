package org.gradaudit.jobs.testing;

import java.util.List;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.GraphBuilder;

/** A builder without a no-argument constructor. */
public final class NoDefaultConstructorBuilder implements GraphBuilder {
    private final int k;

    public NoDefaultConstructorBuilder(int k) {
        this.k = k;
    }

    @Override
    public Variable apply(List<Variable> inputs) {
        return inputs.get(k);
    }
}
