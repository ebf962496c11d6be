package org.gradaudit.core;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.ops.EyeLike;
import org.gradaudit.core.ops.MapOp;

/**
 * jacobian, hessian and Hessian-vector products (Theano's and PyTensor's algorithms).
 * The Jacobian of a vector expression is a loop over rows: row i is the L-op of the expression
 * with the one-hot cotangent e_i, evaluated by {@link MapOp} over the rows of the identity.
 */
final class Jacobians {
    private Jacobians() {}

    static List<Variable> jacobian(Variable expression, List<Variable> wrt, GradOptions options) {
        if (expression == null || !expression.isTensor()) {
            throw new IllegalArgumentException("jacobian expects a tensor Variable as expression, got " + expression);
        }
        if (expression.ndim() > 1) {
            throw new IllegalArgumentException("jacobian expects a 0- or 1-dimensional expression, got ndim "
                    + expression.ndim() + " (" + expression + "); flatten it first");
        }
        GradOptions base = options.toBuilder().knownGrads(new java.util.LinkedHashMap<>()).build();
        if (expression.ndim() == 0) {
            return Gradient.grad(expression, wrt, base);
        }
        DType dtype = expression.dtype().isFloat() ? expression.dtype() : DType.FLOATX;
        Variable row = TensorType.of(dtype, 1).make("row_cotangent");
        List<Variable> rows = Gradient.lop(List.of(expression), wrt, List.of(row), base);
        Variable eye = new EyeLike(dtype).makeNode(expression).out();
        return MapOp.map(List.of(row), List.of(eye), rows);
    }

    static List<Variable> hessian(Variable cost, List<Variable> wrt, GradOptions options) {
        if (cost == null || !cost.isTensor()) {
            throw new IllegalArgumentException("hessian expects a tensor Variable as cost, got " + cost);
        }
        if (cost.ndim() != 0) {
            throw new IllegalArgumentException("hessian expects a 0 dimensional variable as cost, got ndim " + cost.ndim());
        }
        List<Variable> result = new ArrayList<>();
        for (int i = 0; i < wrt.size(); i++) {
            Variable x = wrt.get(i);
            if (x == null || !x.isTensor()) {
                throw new IllegalArgumentException("hessian expects a (list of) Variable as wrt; wrt[" + i + "] is " + x);
            }
            if (x.ndim() != 1) {
                throw new IllegalArgumentException("hessian expects a (list of) 1 dimensional variable as wrt; wrt["
                        + i + "] (" + x + ") has ndim " + x.ndim());
            }
            Variable g = Gradient.grad(cost, x, options);
            GradOptions inner = options.toBuilder().disconnectedInputs(DisconnectedInputs.IGNORE).build();
            result.add(jacobian(g, List.of(x), inner).get(0));
        }
        return result;
    }

    static List<Variable> hessianVectorProduct(Variable cost, List<Variable> wrt, List<Variable> p, GradOptions options) {
        if (wrt.size() != p.size()) {
            throw new IllegalArgumentException("hessianVectorProduct: " + wrt.size() + " wrt but " + p.size() + " vectors");
        }
        List<Variable> g = Gradient.grad(cost, wrt, options);
        Variable c2 = null;
        for (int i = 0; i < g.size(); i++) {
            if (p.get(i).ndim() != wrt.get(i).ndim()) {
                throw new IllegalArgumentException("hessianVectorProduct: p[" + i + "] has ndim " + p.get(i).ndim()
                        + " but wrt[" + i + "] has ndim " + wrt.get(i).ndim());
            }
            Variable term = T.sum(T.mul(g.get(i), p.get(i)));
            c2 = c2 == null ? term : T.add(c2, term);
        }
        return Gradient.grad(c2, wrt, options);
    }
}
