package org.gradaudit.core;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.graph.Vectorize;
import org.gradaudit.core.ops.EyeLike;
import org.gradaudit.core.ops.Scan;
import org.gradaudit.core.ops.ScanStep;

/**
 * jacobian, hessian and Hessian-vector products (Theano's and PyTensor's algorithms).
 * Row i of the Jacobian of a (flattened) expression is its L-op with the one-hot cotangent e_i:
 * either Theano's scan over the rows of the identity ({@link Scan}; differentiable again) or one
 * batched L-op over all of them ({@link Vectorize}); expressions of any ndim give results of shape
 * {@code expression.shape + wrt.shape}.
 */
final class Jacobians {
    private Jacobians() {}

    static List<Variable> jacobian(Variable expression, List<Variable> wrt, GradOptions options, boolean vectorize) {
        if (expression == null || !expression.isTensor()) {
            throw new IllegalArgumentException("jacobian expects a tensor Variable as expression, got " + expression);
        }
        GradOptions base = options.toBuilder().knownGrads(new java.util.LinkedHashMap<>()).build();
        if (expression.ndim() == 0) {
            return Gradient.grad(expression, wrt, base);
        }
        Variable flat = expression.ndim() == 1 ? expression : T.flatten(expression);
        DType dtype = flat.dtype().isFloat() ? flat.dtype() : DType.FLOATX;
        Variable eye = new EyeLike(dtype).makeNode(flat).out();
        // row i of J is the L-op with the one-hot cotangent e_i: all rows at once by vectorizing
        // the L-op over the rows of the identity, or one row at a time by a scan over them
        List<Variable> js;
        if (vectorize) {
            Variable row = TensorType.of(dtype, 1).make("row_cotangent");
            List<Variable> rows = Gradient.lop(List.of(flat), wrt, List.of(row), base);
            js = Vectorize.vectorize(rows, java.util.Map.of(row, eye));
        } else {
            Scan.OutputInfo[] info = new Scan.OutputInfo[wrt.size()];
            java.util.Arrays.fill(info, Scan.noFeedback());
            js = Scan.builder().sequences(eye).outputsInfo(info).name("jacobian")
                    .step(in -> ScanStep.of(Gradient.lop(List.of(flat), wrt, List.of(in.seq(0)), base))).build();
        }
        if (expression.ndim() == 1) {
            return js;
        }
        List<Variable> shaped = new ArrayList<>();
        for (int k = 0; k < js.size(); k++) {
            Variable w = wrt.get(k);
            Variable shape = T.join(0, T.shape(expression), T.shape(w));
            shaped.add(T.reshape(js.get(k), shape, expression.ndim() + w.ndim()));
        }
        return shaped;
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
            result.add(jacobian(g, List.of(x), inner, false).get(0));
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
