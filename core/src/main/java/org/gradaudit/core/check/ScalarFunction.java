package org.gradaudit.core.check;

import org.gradaudit.core.NDArray;

/** A numeric function of several arrays with a single-element result, as numeric_grad takes. */
@FunctionalInterface
public interface ScalarFunction {
    NDArray apply(NDArray[] args);
}
