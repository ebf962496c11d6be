package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;

/**
 * {@code arange(start, stop, step)} of a given dtype (NumPy's): {@code out[i] = start + i * step}
 * for {@code 0 <= i < max(0, ceil((stop - start) / step))}; step 0 is an error.
 *
 * <p>The length is piecewise constant, so locally only the values move. Float dtype (Theano's
 * ARange.L_op): {@code g_start = sum(gz)}, {@code g_step = sum(gz * arange(n))}, stop not
 * connected; R-op {@code t_start + arange(n) * t_step}. Integer dtype: the output is integer-valued,
 * so start and step get zero gradients and there is no tangent.
 */
public final class ARange extends Op {
    private static final long serialVersionUID = 1L;

    private final DType dtype;

    public ARange(DType dtype) {
        this.dtype = dtype;
    }

    public static Variable apply(Variable start, Variable stop, Variable step, DType dtype) {
        return new ARange(dtype).makeNode(start, stop, step).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 3) {
            throw Errors.arity(this, 3, inputs.size());
        }
        for (int i = 0; i < 3; i++) {
            TensorType t = Errors.requireTensor(this, i, inputs.get(i));
            if (t.ndim() != 0) {
                throw new IllegalArgumentException(this + ": input " + i + " (" + (i == 0 ? "start" : i == 1 ? "stop" : "step")
                        + ") has ndim " + t.ndim() + "; a 0-d tensor is required");
            }
        }
        return Apply.create(this, inputs, List.of(TensorType.of(dtype, 1)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        double start = in[0].item();
        double stop = in[1].item();
        double step = in[2].item();
        if (step == 0) {
            throw new IllegalArgumentException(this + ": input 2 (step) is 0; a non-zero step is required");
        }
        double len = Math.ceil((stop - start) / step);
        if (Double.isNaN(len)) {
            throw new IllegalArgumentException(this + ": arange(" + start + ", " + stop + ", " + step
                    + ") has an undefined length (NaN)");
        }
        int n = (int) Math.max(0, Math.min(len, Integer.MAX_VALUE - 8));
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = start + i * step;
        }
        dtype.coerceAll(d);
        return new NDArray[] {NDArray.wrap(dtype, new int[] {n}, d)};
    }

    @Override
    public boolean[][] connectionPattern(Apply node) {
        return new boolean[][] {{true}, {false}, {true}};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable start = inputs.get(0);
        Variable step = inputs.get(2);
        if (dtype.isDiscrete()) {
            return List.of(T.cast(T.zerosLike(start), DType.FLOATX), DisconnectedType.create(),
                    T.cast(T.zerosLike(step), DType.FLOATX));
        }
        Variable gz = outputGrads.get(0);
        Variable i = steps(outputs.get(0));
        return List.of(ShapeOpSupport.castLike(T.sum(gz), start), DisconnectedType.create(),
                ShapeOpSupport.castLike(T.sum(T.mul(gz, i)), step));
    }

    /** {@code arange(len(out))} in the op's dtype. */
    private Variable steps(Variable out) {
        return apply(T.constant(0.0, DType.INT64), T.shape(out, 0), T.constant(1.0, DType.INT64), dtype);
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable ts = evalPoints.get(0);
        Variable tp = evalPoints.get(2);
        Variable out = outputs.get(0);
        if (dtype.isDiscrete() || (DisconnectedType.is(ts) && DisconnectedType.is(tp))) {
            return List.of(DisconnectedType.create());
        }
        Variable r = null;
        if (!DisconnectedType.is(ts)) {
            r = T.fill(out, T.cast(ts, dtype));
        }
        if (!DisconnectedType.is(tp)) {
            Variable term = T.mul(steps(out), T.cast(tp, dtype));
            r = r == null ? term : T.add(r, term);
        }
        return List.of(r);
    }

    @Override
    protected Object[] props() {
        return new Object[] {dtype};
    }

    @Override
    public String toString() {
        return "ARange{" + dtype + "}";
    }
}
