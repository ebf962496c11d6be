package org.gradaudit.jobs.testing;

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
import org.gradaudit.core.check.GraphBuilder;

/**
 * {@code sum(sin(x) * w)} through an op computing {@code sin(x)} whose gradient is right at every
 * element but flat element 7 of x, where it is {@code 1.5 cos(x) gz}. Localization must name x[7].
 */
public final class OneBadElement implements GraphBuilder {
    public static final int BAD = 7;

    @Override
    public Variable apply(List<Variable> in) {
        return T.sum(T.mul(new BadSin().makeNode(in.get(0)).out(), in.get(1)));
    }

    static final class BadSin extends Op {
        private static final long serialVersionUID = 1L;

        @Override
        public Apply makeNode(List<Variable> inputs) {
            TensorType t = Errors.requireTensor(this, 0, inputs.get(0));
            return Apply.create(this, inputs, List.of(t));
        }

        @Override
        public NDArray[] perform(NDArray[] inputs) {
            double[] x = inputs[0].toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.sin(x[i]);
            }
            return new NDArray[] {NDArray.of(inputs[0].dtype(), inputs[0].shape(), x)};
        }

        @Override
        public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
            Variable x = inputs.get(0);
            double[] m = new double[12];
            java.util.Arrays.fill(m, 1);
            m[BAD] = 1.5;
            Variable mask = T.constant(NDArray.of(DType.FLOAT64, new int[] {3, 4}, m));
            return List.of(T.mul(T.mul(T.cos(x), outputGrads.get(0)), mask));
        }

        @Override
        public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
            Variable t = evalPoints.get(0);
            return List.of(DisconnectedType.is(t) ? DisconnectedType.create() : T.mul(T.cos(inputs.get(0)), t));
        }

        @Override
        protected Object[] props() {
            return new Object[0];
        }
    }
}
