package org.gradaudit.core.ops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.Constant;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.NullType;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.gradaudit.core.tensor.ElemwiseKernels;

/**
 * An elementwise op over one {@link ScalarOp}, with NumPy broadcasting. Lower-rank inputs are
 * aligned on the right with broadcastable leading axes, as in Theano.
 *
 * <p>Calculus, derived once from the scalar op's partials p_i = dy/dx_i:
 * L-op: {@code gx_i = sumToShape(gz * p_i, x_i)} (the sum undoes broadcasting);
 * R-op: {@code ty = sum_i p_i * t_i}. An integer-valued output passes no gradient (zeros, as
 * Theano's {@code Elemwise.L_op}).
 */
public final class Elemwise extends Op {
    private static final long serialVersionUID = 1L;

    private final ScalarOp scalar;

    public Elemwise(ScalarOp scalar) {
        this.scalar = scalar;
    }

    public ScalarOp scalar() { return scalar; }

    /** Applies {@code scalar} elementwise to {@code inputs}. */
    public static Variable apply(ScalarOp scalar, Variable... inputs) {
        return new Elemwise(scalar).makeNode(inputs).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != scalar.arity()) {
            throw Errors.arity(this, scalar.arity(), inputs.size());
        }
        int nd = 0;
        for (int i = 0; i < inputs.size(); i++) {
            nd = Math.max(nd, Errors.requireTensor(this, i, inputs.get(i)).ndim());
        }
        List<Variable> aligned = new ArrayList<>(inputs.size());
        boolean[] bc = new boolean[nd];
        Arrays.fill(bc, true);
        DType[] dtypes = new DType[inputs.size()];
        for (int i = 0; i < inputs.size(); i++) {
            Variable x = inputs.get(i);
            if (x.ndim() < nd) {
                Object[] pattern = new Object[nd];
                int lead = nd - x.ndim();
                for (int k = 0; k < nd; k++) {
                    pattern[k] = k < lead ? "x" : (Object) (k - lead);
                }
                x = T.dimshuffle(x, pattern);
            }
            aligned.add(x);
            boolean[] xb = x.broadcastable();
            for (int k = 0; k < nd; k++) {
                bc[k] &= xb[k];
            }
            dtypes[i] = x.dtype();
        }
        return Apply.create(this, aligned, List.of(new TensorType(scalar.outputType(dtypes), bc)));
    }

    @Override
    public NDArray[] perform(NDArray[] inputs) {
        return performInto(inputs, new double[1][]);
    }

    @Override
    public NDArray[] performInto(NDArray[] inputs, double[][] buffers) {
        return new NDArray[] {ElemwiseKernels.mapInto(toString(), scalar, outputType(inputs), buffers[0], inputs)};
    }

    private DType outputType(NDArray[] inputs) {
        DType[] dtypes = new DType[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            dtypes[i] = inputs[i].dtype();
        }
        return scalar.outputType(dtypes);
    }

    /** Recomputes only the outputs that read a changed element (at most a quarter of them). */
    @Override
    public int[][] updateChanged(NDArray[] inputs, int[][] changed, double[][] out) {
        int[][] shapes = new int[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            shapes[i] = inputs[i].shape();
        }
        int[] outShape = org.gradaudit.core.tensor.Broadcast.shape(toString(), shapes);
        int[] pos = ElemwiseKernels.update(scalar, outputType(inputs), inputs, changed, outShape, out[0], 0.25);
        return pos == null ? null : new int[][] {pos};
    }

    @Override
    public boolean[][] connectionPattern(Apply node) {
        boolean[][] cp = new boolean[scalar.arity()][1];
        for (int i = 0; i < cp.length; i++) {
            cp[i][0] = scalar.connected(i);
        }
        return cp;
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable y = outputs.get(0);
        Variable gz = outputGrads.get(0);
        List<Variable> terms = new ArrayList<>(inputs.size());
        if (y.dtype().isDiscrete()) {
            for (int i = 0; i < inputs.size(); i++) {
                terms.add(scalar.connected(i) ? T.cast(T.zerosLike(inputs.get(i)), DType.FLOATX)
                        : DisconnectedType.create());
            }
            return terms;
        }
        Variable[] p = scalar.partials(inputs.toArray(new Variable[0]), y);
        for (int i = 0; i < inputs.size(); i++) {
            Variable x = inputs.get(i);
            if (!scalar.connected(i) || p[i] == null) {
                terms.add(DisconnectedType.create());
            } else if (NullType.is(p[i])) {
                terms.add(p[i]);
            } else {
                Variable term = SumToShape.apply(times(gz, p[i]), x);
                if (x.dtype().isFloat() && term.dtype() != x.dtype()) {
                    term = T.cast(term, x.dtype());
                }
                terms.add(term);
            }
        }
        return terms;
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable y = outputs.get(0);
        if (y.dtype().isDiscrete()) {
            return List.of(DisconnectedType.create());
        }
        Variable[] p = scalar.partials(inputs.toArray(new Variable[0]), y);
        Variable sum = null;
        for (int i = 0; i < inputs.size(); i++) {
            Variable t = evalPoints.get(i);
            if (!scalar.connected(i) || p[i] == null || DisconnectedType.is(t)) {
                continue;
            }
            if (NullType.is(p[i])) {
                return List.of(p[i]);
            }
            Variable term = times(t, p[i]);
            sum = sum == null ? term : T.add(sum, term);
        }
        if (sum == null) {
            return List.of(DisconnectedType.create());
        }
        if (inputs.size() > 1) {
            sum = T.fill(y, sum);          // a tangent of a broadcast input must take the output's shape
        }
        return List.of(sum.dtype() == y.dtype() ? sum : T.cast(sum, y.dtype()));
    }

    /** {@code g * p}, skipping multiplications by the constants 1 and -1. */
    private static Variable times(Variable g, Variable p) {
        if (p instanceof Constant && ((Constant) p).value().size() == 1) {
            double v = ((Constant) p).value().getFlat(0);
            if (v == 1.0 && p.ndim() == 0) {
                return g;
            }
            if (v == -1.0 && p.ndim() == 0) {
                return T.neg(g);
            }
        }
        return T.mul(g, p);
    }

    @Override
    protected Object[] props() {
        return new Object[] {scalar};
    }

    @Override
    public String toString() {
        return "Elemwise{" + scalar.opName() + "}";
    }
}
