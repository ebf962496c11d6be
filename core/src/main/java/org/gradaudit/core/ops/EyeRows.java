package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;

/**
 * {@code eyeRows(like, start, count)}: rows {@code [start, start + count)} of the n x n identity,
 * n = like.size, clipped at n: the one-hot cotangents (or tangents) of one block of a Jacobian.
 * start and count are int scalars, so one compiled program serves every block. Only like's size is
 * read: nothing is connected.
 */
public final class EyeRows extends Op {
    private static final long serialVersionUID = 1L;

    private final DType dtype;

    public EyeRows(DType dtype) {
        this.dtype = dtype;
    }

    public static Variable apply(DType dtype, Variable like, Variable start, Variable count) {
        return new EyeRows(dtype).makeNode(like, start, count).out();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        if (inputs.size() != 3) {
            throw Errors.arity(this, 3, inputs.size());
        }
        Errors.requireTensor(this, 0, inputs.get(0));
        for (int i = 1; i < 3; i++) {
            TensorType t = Errors.requireTensor(this, i, inputs.get(i));
            if (t.ndim() != 0 || !t.dtype().isInteger()) {
                throw new IllegalArgumentException(this + ": input " + i + " (" + (i == 1 ? "start" : "count")
                        + ") must be an integer scalar, got " + t);
            }
        }
        return Apply.create(this, inputs, List.of(TensorType.of(dtype, 2)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        int n = in[0].size();
        long start = (long) in[1].item();
        long count = (long) in[2].item();
        if (start < 0 || start > n || count < 0) {
            throw new IllegalArgumentException(this + ": rows [" + start + ", " + (start + count)
                    + ") are out of range for an identity of size " + n);
        }
        int rows = (int) Math.min(count, n - start);
        double[] d = new double[Math.multiplyExact(rows, n)];
        for (int r = 0; r < rows; r++) {
            d[r * n + (int) start + r] = 1;
        }
        return new NDArray[] {NDArray.wrap(dtype, new int[] {rows, n}, d)};
    }

    @Override
    public boolean[][] connectionPattern(Apply node) {
        return new boolean[][] {{false}, {false}, {false}};
    }

    @Override
    public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
        return List.of(DisconnectedType.create(), DisconnectedType.create(), DisconnectedType.create());
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        return List.of(DisconnectedType.create());
    }

    @Override
    protected Object[] props() {
        return new Object[] {dtype};
    }
}
