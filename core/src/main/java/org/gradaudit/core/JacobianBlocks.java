package org.gradaudit.core;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.compile.Program;
import org.gradaudit.core.graph.Vectorize;
import org.gradaudit.core.ops.EyeRows;

/**
 * Blocks of the Jacobian of {@code y = f(x)} (both flattened: m outputs, n inputs) as compiled,
 * serializable programs, for computing very large Jacobians block by block (on executors):
 * <ul>
 *   <li>{@link #rows}: rows {@code [start, start + count)}, a (count, n) block, by one batched
 *       L-op whose cotangents are those rows of the m x m identity (reverse mode);</li>
 *   <li>{@link #columns}: columns {@code [start, start + count)}, an (m, count) block, by one
 *       batched R-op whose tangents are those rows of the n x n identity (forward mode).</li>
 * </ul>
 * Both come from the vectorization transform, so a block costs about one batched evaluation.
 * Program inputs: the function's inputs, then {@code start} and {@code count} (int64 scalars).
 */
public final class JacobianBlocks implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Program rows;
    private final Program columns;

    private JacobianBlocks(Program rows, Program columns) {
        this.rows = rows;
        this.columns = columns;
    }

    /**
     * The block programs of {@code y} with respect to {@code x}, where {@code inputs} are all of
     * y's inputs (x among them). Both y and x may have any shape; they are flattened.
     */
    public static JacobianBlocks of(List<Variable> inputs, Variable y, Variable x) {
        if (!inputs.contains(x)) {
            throw new IllegalArgumentException("JacobianBlocks: x (" + x + ") must be one of the inputs " + inputs);
        }
        if (!y.isTensor() || !y.dtype().isFloat() || !x.dtype().isFloat()) {
            throw new IllegalArgumentException("JacobianBlocks: y and x must be float tensors, got " + y.type()
                    + " and " + x.type());
        }
        DType dtype = DType.upcast(y.dtype(), x.dtype());
        Variable start = T.lscalar("start");
        Variable count = T.lscalar("count");
        List<Variable> blockInputs = new ArrayList<>(inputs);
        blockInputs.add(start);
        blockInputs.add(count);
        Variable yFlat = y.ndim() == 1 ? y : T.flatten(y);
        GradOptions ignore = GradOptions.builder().disconnectedInputs(DisconnectedInputs.IGNORE).build();

        // reverse mode: rows of J = batched L-op with one-hot cotangents
        Variable u = TensorType.of(y.dtype(), 1).make("cotangent");
        Variable g = Gradient.lop(List.of(yFlat), List.of(x), List.of(u), ignore).get(0);
        Variable gFlat = g.ndim() == 1 ? g : T.flatten(g);
        Variable eyeRows = T.cast(EyeRows.apply(y.dtype(), yFlat, start, count), y.dtype());
        Variable rowBlock = T.cast(Vectorize.vectorize(List.of(gFlat), java.util.Map.of(u, eyeRows)).get(0), dtype);

        // forward mode: columns of J = batched R-op with one-hot tangents, transposed to (m, count)
        Variable xFlat = x.ndim() == 1 ? x : T.flatten(x);
        Variable t = x.tensorType().make("tangent");
        Variable jt = Gradient.rop(List.of(yFlat), List.of(x), List.of(t), RopOptions.builder()
                .disconnectedOutputs(DisconnectedInputs.IGNORE).fallbackToDoubleLop(true).build()).get(0);
        Variable tBatch = EyeRows.apply(x.dtype(), xFlat, start, count);
        if (x.ndim() != 1) {
            Variable shape = T.join(0, T.makeVector(T.shape(tBatch, 0)), T.shape(x));
            tBatch = T.reshape(tBatch, shape, x.ndim() + 1);
        }
        Variable colBlock = T.cast(T.transpose(Vectorize.vectorize(List.of(jt), java.util.Map.of(t, tBatch)).get(0)), dtype);
        Program rowsProgram = Function.compile(blockInputs, rowBlock).program();
        Program columnsProgram = Function.compile(blockInputs, colBlock).program();
        return new JacobianBlocks(rowsProgram, columnsProgram);
    }

    /** The (count, n) block of rows [start, start + count) (count clipped at m). */
    public NDArray rows(NDArray[] inputs, long start, int count) {
        return rows.run(withBlock(inputs, start, count))[0];
    }

    /** The (m, count) block of columns [start, start + count) (count clipped at n). */
    public NDArray columns(NDArray[] inputs, long start, int count) {
        return columns.run(withBlock(inputs, start, count))[0];
    }

    public Program rowsProgram() { return rows; }

    public Program columnsProgram() { return columns; }

    private static NDArray[] withBlock(NDArray[] inputs, long start, int count) {
        NDArray[] a = java.util.Arrays.copyOf(inputs, inputs.length + 2);
        a[inputs.length] = NDArray.scalar(DType.INT64, start);
        a[inputs.length + 1] = NDArray.scalar(DType.INT64, count);
        return a;
    }
}
