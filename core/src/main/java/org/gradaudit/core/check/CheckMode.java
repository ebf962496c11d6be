package org.gradaudit.core.check;

/** How numeric gradients are formed. */
public enum CheckMode {
    /** Theano's: one-sided forward differences {@code (f(x + eps e_i) - f(x)) / eps}, every element. */
    THEANO,
    /** Central differences {@code (f(x + eps e_i) - f(x - eps e_i)) / (2 eps)}, every element: error O(eps^2). */
    CENTRAL,
    /**
     * Random projections (PyTorch's fast gradcheck): with a random input direction u, compare the
     * directional derivative {@code (c(x + eps u) - c(x - eps u)) / (2 eps)} against
     * {@code <grad c(x), u>}; two evaluations per projection instead of two per element.
     */
    FAST
}
