package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.tensor.ReduceKernels;

/**
 * {@code var(x, axes, ddof) = sum((x - mean)^2) / (n - ddof)} per group (population variance for
 * ddof 0, the default; NumPy's var). Integer and bool inputs give floatX. n - ddof below 1 divides
 * by max(n - ddof, 0), as NumPy (inf, or NaN for 0/0).
 *
 * <p>Partials, used by both modes: {@code p_k = 2 (x_k - mean) / (n - ddof)} (the mean's own
 * derivative drops out: the centred values sum to 0). L-op {@code gx = expand(gz) * p};
 * R-op {@code ty = sum(t * p, axes)}.
 */
public final class Var extends AxisReduction {
    private static final long serialVersionUID = 1L;

    private final int ddof;

    public Var(int ddof, int... axes) {
        super(axes);
        if (ddof < 0) {
            throw new IllegalArgumentException("Var: ddof is " + ddof + "; it must be >= 0");
        }
        this.ddof = ddof;
    }

    public static Variable apply(Variable x, int ddof, int... axes) {
        return new Var(ddof, normalize("Var", x, axes)).makeNode(x).out();
    }

    public int ddof() { return ddof; }

    static DType floatType(List<Variable> inputs) {
        DType d = inputs.isEmpty() || !inputs.get(0).isTensor() ? DType.FLOATX : inputs.get(0).dtype();
        return d.isFloat() ? d : DType.FLOATX;
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        return node(inputs, floatType(inputs));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        DType d = in[0].dtype().isFloat() ? in[0].dtype() : DType.FLOATX;
        return new NDArray[] {ReduceKernels.variance(in[0], reduced(in[0].ndim()), ddof, false, d)};
    }

    /** {@code x - mean} (x's shape) and {@code max(n - ddof, 0)} (per group, expanded), in dtype d. */
    static Variable[] centredAndDenominator(AxisReduction op, Variable x, int ddof, DType d) {
        int nd = x.ndim();
        Variable xf = x.dtype() == d ? x : T.cast(x, d);
        Variable centred = T.sub(xf, op.expand(Mean.apply(xf, op.axes == null ? null : op.axes), nd));
        Variable denom = op.expand(T.maximum(T.sub(op.groupSize(x, d), (double) ddof), 0.0), nd);
        return new Variable[] {centred, denom};
    }

    private Variable partials(Variable x, DType d) {
        Variable[] cd = centredAndDenominator(this, x, ddof, d);
        return T.trueDiv(T.mul(cd[0], 2.0), cd[1]);
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        Variable p = partials(x, outputs.get(0).dtype());
        return List.of(asGradOf(T.mul(expand(outputGrads.get(0), x.ndim()), p), x));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t)) {
            return List.of(DisconnectedType.create());
        }
        return List.of(Sum.apply(T.mul(t, partials(inputs.get(0), outputs.get(0).dtype())), axes));
    }

    @Override
    protected Object[] props() {
        return new Object[] {axes, ddof};
    }

    @Override
    public String toString() {
        return "Var{axes=" + (axes == null ? "all" : java.util.Arrays.toString(axes)) + ", ddof=" + ddof + "}";
    }
}
