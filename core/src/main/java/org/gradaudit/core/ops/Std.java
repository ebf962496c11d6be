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
 * {@code std(x, axes, ddof) = sqrt(var(x, axes, ddof))} (see {@link Var}; population standard
 * deviation for ddof 0, the default).
 *
 * <p>Partials, used by both modes: {@code p_k = (x_k - mean) / ((n - ddof) std)}; L-op
 * {@code gx = expand(gz) * p}, R-op {@code ty = sum(t * p, axes)}.
 * <b>At zero variance</b> (std exactly 0: all elements of the group equal) std is not
 * differentiable — it is a scaled norm of the centred group, with a |.|-like kink — and we return
 * 0 for the whole group, the minimum-norm subgradient. (PyTensor's std is sqrt(var), whose
 * gradient there is 0 * inf = NaN.) No division by zero is evaluated, so no NaN leaks through.
 */
public final class Std extends AxisReduction {
    private static final long serialVersionUID = 1L;

    private final int ddof;

    public Std(int ddof, int... axes) {
        super(axes);
        if (ddof < 0) {
            throw new IllegalArgumentException("Std: ddof is " + ddof + "; it must be >= 0");
        }
        this.ddof = ddof;
    }

    public static Variable apply(Variable x, int ddof, int... axes) {
        return new Std(ddof, normalize("Std", x, axes)).makeNode(x).out();
    }

    public int ddof() { return ddof; }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        return node(inputs, Var.floatType(inputs));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        DType d = in[0].dtype().isFloat() ? in[0].dtype() : DType.FLOATX;
        return new NDArray[] {ReduceKernels.variance(in[0], reduced(in[0].ndim()), ddof, true, d)};
    }

    private Variable partials(Variable x, Variable y) {
        Variable[] cd = Var.centredAndDenominator(this, x, ddof, y.dtype());
        Variable s = expand(y, x.ndim());
        Variable zero = T.eq(s, 0);
        Variable safe = T.switch_(zero, 1, s);
        return T.switch_(zero, 0, T.trueDiv(cd[0], T.mul(cd[1], safe)));
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        Variable p = partials(x, outputs.get(0));
        return List.of(asGradOf(T.mul(expand(outputGrads.get(0), x.ndim()), p), x));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t)) {
            return List.of(DisconnectedType.create());
        }
        return List.of(Sum.apply(T.mul(t, partials(inputs.get(0), outputs.get(0))), axes));
    }

    @Override
    protected Object[] props() {
        return new Object[] {axes, ddof};
    }

    @Override
    public String toString() {
        return "Std{axes=" + (axes == null ? "all" : java.util.Arrays.toString(axes)) + ", ddof=" + ddof + "}";
    }
}
