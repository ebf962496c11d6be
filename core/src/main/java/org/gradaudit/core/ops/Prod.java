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
 * {@code prod(x, axes)}: the product over the given axes (all when none are given). Integer and
 * bool inputs multiply to int64, as {@link Sum}. An empty group gives 1.
 *
 * <p>Calculus, exact with zeros. Both modes use one tensor of partials
 * {@code p_k = d prod / d x_k = product of the other elements of k's group}:
 * L-op {@code gx = expand(gz) * p}; R-op {@code ty = sum(t * p, axes)} (its adjoint). With
 * {@code z = where(x == 0, 1, x)}, {@code P = prod(z)} (the product of the non-zeros), nz the
 * number of zeros in the group and S the sum of the group's zeros (value 0, but it carries their
 * derivative):
 * <pre>
 *   x_k != 0:  p_k = P / z_k * (nz == 0 ? 1 : nz == 1 ? S : 0)
 *   x_k == 0:  p_k = P       * (nz == 1 ? 1 : nz == 2 ? S - x_k : 0)
 * </pre>
 * So no zero: {@code prod / x_k}; one zero: the product of the others at the zero, 0 elsewhere;
 * two or more: 0. The factors S and S - x_k are zero-valued stand-ins for the zeros the product
 * omits; they keep the second derivatives exact (the Hessian of prod at a point with one or two
 * zeros is not zero), so {@code hessian(prod)} is right everywhere, not only away from zeros.
 * No division by zero occurs anywhere (z has no zeros), so no 0 * inf NaN leaks through a switch.
 * Theano builds the same first derivative with ProdWithoutZeros, whose gradient is not
 * implemented; here ProdWithoutZeros is not needed.
 */
public final class Prod extends AxisReduction {
    private static final long serialVersionUID = 1L;

    public Prod(int... axes) {
        super(axes);
    }

    public static Variable apply(Variable x, int... axes) {
        return new Prod(normalize("Prod", x, axes)).makeNode(x).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        DType d = inputs.isEmpty() || !inputs.get(0).isTensor() ? DType.FLOATX : inputs.get(0).dtype();
        return node(inputs, Sum.sumType(d));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        return new NDArray[] {ReduceKernels.prod(in[0], reduced(in[0].ndim()), Sum.sumType(in[0].dtype()))};
    }

    /** {@code d prod / d x}, x's shape, exact at zeros (the class comment). */
    private Variable partials(Variable x) {
        int nd = x.ndim();
        Variable isZero = T.eq(x, 0);
        Variable z = T.switch_(isZero, 1, x);
        Variable p = expand(makeNode(z).out(), nd);
        Variable nz = expand(Sum.apply(T.cast(isZero, x.dtype()), axes), nd);
        Variable s = expand(Sum.apply(T.switch_(isZero, x, 0), axes), nd);
        Variable atNonZero = T.mul(T.trueDiv(p, z), T.switch_(T.eq(nz, 0), 1, T.switch_(T.eq(nz, 1), s, 0)));
        Variable atZero = T.mul(p, T.switch_(T.eq(nz, 1), 1, T.switch_(T.eq(nz, 2), T.sub(s, x), 0)));
        return T.switch_(isZero, atZero, atNonZero);
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        if (outputs.get(0).dtype().isDiscrete()) {
            return List.of(T.cast(T.zerosLike(x), DType.FLOATX));
        }
        return List.of(asGradOf(T.mul(expand(outputGrads.get(0), x.ndim()), partials(x)), x));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t) || outputs.get(0).dtype().isDiscrete()) {
            return List.of(DisconnectedType.create());
        }
        return List.of(Sum.apply(T.mul(t, partials(inputs.get(0))), axes));
    }
}
