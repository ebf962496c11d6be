package org.gradaudit.jobs.testing;

import java.util.List;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.GraphBuilder;

/** A builder whose constructor throws: its case must be reported ERROR, not crash the audit. */
public final class ThrowingBuilder implements GraphBuilder {
    public ThrowingBuilder() {
        throw new IllegalStateException("this builder cannot be constructed");
    }

    @Override
    public Variable apply(List<Variable> inputs) {
        return inputs.get(0);
    }
}
