package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DType;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;
import org.gradaudit.core.TensorType;
import org.gradaudit.core.Variable;
import org.gradaudit.core.tensor.ReduceKernels;

/**
 * Theano's {@code max_and_argmax(x, axes)}: two outputs, the maximum (x's dtype) and the int64
 * index of its first occurrence (as {@link Argmax}), from one pass. Connection pattern
 * {@code [[true, false]]}: the argmax output is not connected. The max output follows the tie
 * rule of {@link ExtremumReduction} in both modes; the argmax tangent is disconnected.
 */
public final class MaxAndArgmax extends AxisReduction {
    private static final long serialVersionUID = 1L;

    public MaxAndArgmax(int... axes) {
        super(axes);
    }

    /** {@code [max, argmax]}. */
    public static List<Variable> apply(Variable x, int... axes) {
        return new MaxAndArgmax(normalize("MaxAndArgmax", x, axes)).makeNode(x).outputs();
    }

    @Override
    public Apply makeNode(List<Variable> inputs) {
        TensorType x = checkInput(inputs);
        return Apply.create(this, inputs, List.of(reducedType(x, x.dtype()), reducedType(x, DType.INT64)));
    }

    @Override
    public NDArray[] perform(NDArray[] in) {
        return ReduceKernels.extremum(toString(), in[0], reduced(in[0].ndim()), true, in[0].dtype());
    }

    @Override
    public boolean[][] connectionPattern(Apply node) {
        return new boolean[][] {{true, false}};
    }

    @Override
    public List<Variable> lOp(List<Variable> inputs, List<Variable> outputs, List<Variable> outputGrads) {
        Variable x = inputs.get(0);
        Variable gz = outputGrads.get(0);
        if (DisconnectedType.is(gz)) {
            return List.of(DisconnectedType.create());
        }
        if (!x.dtype().isFloat()) {
            return List.of(T.cast(T.zerosLike(x), DType.FLOATX));
        }
        return List.of(ExtremumReduction.tieLop(x, outputs.get(0), gz, reduced(x.ndim())));
    }

    @Override
    public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
        Variable x = inputs.get(0);
        Variable t = evalPoints.get(0);
        if (DisconnectedType.is(t) || !x.dtype().isFloat()) {
            return List.of(DisconnectedType.create(), DisconnectedType.create());
        }
        return List.of(ExtremumReduction.tieRop(x, outputs.get(0), t, reduced(x.ndim()), axes),
                DisconnectedType.create());
    }
}
