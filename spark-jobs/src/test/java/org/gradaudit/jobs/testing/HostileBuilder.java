package org.gradaudit.jobs.testing;

import java.util.List;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.GraphBuilder;

/** A builder whose graph cannot be built, with markup in its message: reports must show it as text. */
public final class HostileBuilder implements GraphBuilder {
    public static final String MESSAGE = "<img src=x onerror=alert(1)> & \"quoted\" 'single' </b></code></td>";

    @Override
    public Variable apply(List<Variable> inputs) {
        throw new IllegalArgumentException(MESSAGE);
    }
}
