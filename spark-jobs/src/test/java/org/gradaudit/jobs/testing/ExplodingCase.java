package org.gradaudit.jobs.testing;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;
import org.gradaudit.core.check.GraphBuilder;

/**
 * {@code sum(limited(x))} where the op throws for any element of 10 or more. With points just below
 * 10, preparation succeeds and every perturbed evaluation throws on the executor: the case must be
 * reported ERROR with the op's message, and the rest of the audit must go on.
 */
public final class ExplodingCase implements GraphBuilder {
    @Override
    public Variable apply(List<Variable> inputs) {
        return T.sum(new Limited().makeNode(inputs.get(0)).out());
    }

    /** The identity below 10. */
    public static final class Limited extends Op {
        private static final long serialVersionUID = 1L;

        @Override
        public Apply makeNode(List<Variable> inputs) {
            return Apply.create(this, inputs, List.of(inputs.get(0).type()));
        }

        @Override
        public NDArray[] perform(NDArray[] inputs) {
            for (double v : inputs[0].unsafeData()) {
                if (v >= 10) {
                    throw new IllegalStateException("Limited: input element >= 10");
                }
            }
            return new NDArray[] {inputs[0]};
        }

        @Override
        public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
            return List.of(outputGrads.get(0));
        }

        @Override
        protected Object[] props() {
            return new Object[0];
        }
    }
}
