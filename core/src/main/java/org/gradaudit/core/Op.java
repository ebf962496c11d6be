package org.gradaudit.core;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * An operation: the unit of graphs, gradients and programs. Open for users to subclass, as in
 * Theano. The contract:
 * <ul>
 *   <li>{@link #makeNode} checks the input types and builds the {@link Apply} with output types;</li>
 *   <li>{@link #perform} computes output values from input values and never modifies its inputs;</li>
 *   <li>{@link #lOp} (default: {@link #grad}) returns one gradient term per input: a float
 *       variable with the input's ndim, a {@link DisconnectedType} placeholder, or a
 *       {@link NullType} variable (see {@link Gradient#gradUndefined});</li>
 *   <li>{@link #rOp} returns one tangent per output ({@link DisconnectedType} when the output does
 *       not depend on any tangent);</li>
 *   <li>{@link #connectionPattern} says which outputs depend on which inputs (default: all).</li>
 * </ul>
 * Rules build graph, not numbers, which is what gives higher-order derivatives and serializable
 * gradient programs. Ops compare equal when they are of the same class with equal
 * {@link #props()}; the compiler merges equal ops applied to the same inputs.
 */
public abstract class Op implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Type-checks the inputs and creates the node. */
    public abstract Apply makeNode(List<Variable> inputs);

    public final Apply makeNode(Variable... inputs) {
        return makeNode(Arrays.asList(inputs));
    }

    /** Computes the outputs. Must not modify {@code inputs}. */
    public abstract NDArray[] perform(NDArray[] inputs);

    /**
     * Partial re-evaluation in place, for finite differences: only some elements of the inputs
     * differ from an earlier evaluation, and {@code out[k]} holds that evaluation's output
     * {@code k} (shapes are the earlier ones). {@code changed[i]} lists, ascending, the C-order
     * positions of input {@code i} that may differ ({@code null}: input {@code i} is unchanged).
     * Recomputes the output elements that read a changed element, writes them into {@code out},
     * and returns, per output, the positions written (ascending). The written values must have
     * exactly the bits {@link #perform} would give. Returns {@code null}, having written nothing,
     * when the op has no such rule (the default) or so much changed that {@link #perform} is
     * cheaper. Must not modify {@code inputs}.
     */
    public int[][] updateChanged(NDArray[] inputs, int[][] changed, double[][] out) {
        return null;
    }

    /**
     * As {@link #perform}, writing output {@code k} into {@code buffers[k]} when that is non-null
     * and of the output's size (a {@link org.gradaudit.core.compile.Program.Runner} hands back the
     * arrays of the previous run, so that repeated runs allocate nothing). Every output's data must
     * be its buffer or a new array, never an input's. Returns {@code null} (the default) when the
     * op does not write into buffers; the caller then uses {@link #perform}.
     */
    public NDArray[] performInto(NDArray[] inputs, double[][] buffers) {
        return null;
    }

    /**
     * The gradient: given the gradients of the cost with respect to each output, the gradient with
     * respect to each input. Output gradients for outputs that do not reach the cost are
     * {@link DisconnectedType} placeholders.
     */
    public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
        throw new UnsupportedOperationException("grad not implemented for op " + this);
    }

    /** Like {@link #grad} with the node's outputs available (Theano's {@code L_op}). */
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        return grad(inputs, outputGrads);
    }

    /**
     * The R-operator (Jacobian times vector, pushforward): one tangent per output given one
     * tangent per input. Tangents of inputs that carry none are {@link DisconnectedType}.
     */
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        throw new RopNotImplementedError(this);
    }

    /**
     * {@code [nInputs][nOutputs]}: entry {@code [i][j]} is true iff output j's values depend on
     * input i's values. Null (the default) means "all true" and that the op does not define one.
     */
    public boolean[][] connectionPattern(Apply node) {
        return null;
    }

    /**
     * The parameters that identify this op (Theano's {@code __props__}): two instances of the same
     * class with equal props are the same op, and the compiler may merge their applications. The
     * default, null, means "no props declared": only the instance itself is equal to it. An op
     * without parameters returns an empty array.
     */
    protected Object[] props() {
        return null;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        Object[] p = props();
        return p != null && o != null && o.getClass() == getClass() && Arrays.deepEquals(p, ((Op) o).props());
    }

    @Override
    public int hashCode() {
        Object[] p = props();
        return p == null ? System.identityHashCode(this) : 31 * getClass().hashCode() + Arrays.deepHashCode(p);
    }

    @Override
    public String toString() {
        Object[] p = props();
        if (p == null || p.length == 0) {
            return getClass().getSimpleName();
        }
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('{');
        for (int i = 0; i < p.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Object v = p[i];
            sb.append(v instanceof int[] ? Arrays.toString((int[]) v)
                    : v instanceof double[] ? Arrays.toString((double[]) v)
                    : v instanceof boolean[] ? Arrays.toString((boolean[]) v) : String.valueOf(v));
        }
        return sb.append('}').toString();
    }

    /** Raised by {@link #rOp} when an op has no R-operator. */
    public static final class RopNotImplementedError extends UnsupportedOperationException {
        private static final long serialVersionUID = 1L;
        private final transient Op op;

        public RopNotImplementedError(Op op) {
            super(op + " of class " + op.getClass().getSimpleName() + " does not implement rOp. Implement"
                    + " rOp in the op, or compute the R-op by double L-op (RopOptions.fallbackToDoubleLop).");
            this.op = op;
        }

        public Op op() { return op; }
    }
}
