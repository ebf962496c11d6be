package org.gradaudit.core.check;

import java.util.List;
import org.gradaudit.core.Variable;

/** Builds the graph to check from symbolic inputs (Theano's {@code fun} argument of verify_grad). */
@FunctionalInterface
public interface SymbolicFunction {
    Variable apply(List<Variable> inputs);
}
