package org.gradaudit.jobs.jacobian;

import java.util.List;
import org.apache.spark.TaskContext;
import org.gradaudit.core.Apply;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.GraphBuilder;

/**
 * {@code tanh(failing(x))}: the identity op throws inside any Spark task of a partition other than
 * the first, so the driver's preparation succeeds, some blocks are written, and the run then fails.
 */
public final class FailsOnExecutor implements GraphBuilder {
    @Override
    public Variable apply(List<Variable> inputs) {
        return T.tanh(new Failing().makeNode(inputs.get(0)).out());
    }

    /** The identity, except in tasks of partitions > 0. */
    public static final class Failing extends Op {
        private static final long serialVersionUID = 1L;

        @Override
        public Apply makeNode(List<Variable> inputs) {
            return Apply.create(this, inputs, List.of(inputs.get(0).type()));
        }

        @Override
        public NDArray[] perform(NDArray[] inputs) {
            TaskContext tc = TaskContext.get();
            if (tc != null && tc.partitionId() > 0) {
                throw new IllegalStateException("Failing: injected failure in partition " + tc.partitionId());
            }
            return new NDArray[] {inputs[0]};
        }

        @Override
        public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
            return List.of(outputGrads.get(0));
        }

        @Override
        public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
            return List.of(evalPoints.get(0));
        }

        @Override
        protected Object[] props() {
            return new Object[0];
        }
    }
}
