package org.gradaudit.core.ops;

import java.util.List;
import org.gradaudit.core.Apply;
import org.gradaudit.core.DisconnectedType;
import org.gradaudit.core.Errors;
import org.gradaudit.core.Gradient;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.Op;
import org.gradaudit.core.T;
import org.gradaudit.core.Variable;

/**
 * Identity ops that only change how gradients flow (Theano's ViewOp family). The forward pass
 * returns the input unchanged, and {@link org.gradaudit.core.Function} removes every one of them
 * from compiled programs: they act only while {@link Gradient#grad} builds the graph.
 *
 * <p>Their R-ops: the forward function is the identity, so the tangent passes through for
 * {@link GradClip} and {@link GradScale} (these modify the reverse mode only);
 * {@link ZeroGrad} and {@link ConsiderConstant} give zero tangents, {@link DisconnectedGrad} a
 * disconnected one and {@link UndefinedGrad} an undefined (NullType) one, so that the same
 * "derivative treated as 0 / absent / undefined" holds in both modes.
 */
public final class GradientOps {
    private GradientOps() {}

    /** Base of the gradient-modifying identities. */
    public abstract static class ViewOp extends Op {
        private static final long serialVersionUID = 1L;

        @Override
        protected Object[] props() {
            return new Object[0];
        }

        @Override
        public Apply makeNode(List<Variable> inputs) {
            if (inputs.size() != 1) {
                throw Errors.arity(this, 1, inputs.size());
            }
            Errors.requireTensor(this, 0, inputs.get(0));
            return Apply.create(this, inputs, List.of(inputs.get(0).type()));
        }

        @Override
        public NDArray[] perform(NDArray[] in) {
            return new NDArray[] {in[0]};
        }

        @Override
        public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
            return List.of(outputGrads.get(0));
        }

        @Override
        public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
            return List.of(evalPoints.get(0));
        }
    }

    /** Forward identity; gradient zero (the path stays connected). */
    public static final class ZeroGrad extends ViewOp {
        private static final long serialVersionUID = 1L;

        @Override
        public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
            return List.of(T.zerosLike(outputGrads.get(0)));
        }

        @Override
        public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
            Variable t = evalPoints.get(0);
            return List.of(DisconnectedType.is(t) ? t : T.zerosLike(outputs.get(0)));
        }
    }

    /** The deprecated {@code consider_constant}: forward identity, gradient zero. */
    public static final class ConsiderConstant extends ViewOp {
        private static final long serialVersionUID = 1L;

        @Override
        public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
            return List.of(T.zerosLike(outputGrads.get(0)));
        }

        @Override
        public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
            Variable t = evalPoints.get(0);
            return List.of(DisconnectedType.is(t) ? t : T.zerosLike(outputs.get(0)));
        }
    }

    /** Forward identity; not connected for gradients (Theano's disconnected_grad). */
    public static final class DisconnectedGrad extends ViewOp {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean[][] connectionPattern(Apply node) {
            return new boolean[][] {{false}};
        }

        @Override
        public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
            return List.of(DisconnectedType.create());
        }

        @Override
        public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
            return List.of(DisconnectedType.create());
        }
    }

    /** Forward identity; gradient undefined (NullType). */
    public static final class UndefinedGrad extends ViewOp {
        private static final long serialVersionUID = 1L;

        @Override
        public boolean[][] connectionPattern(Apply node) {
            return new boolean[][] {{true}};
        }

        @Override
        public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
            return List.of(Gradient.gradUndefined(this, 0, inputs.get(0), ""));
        }

        @Override
        public List<Variable> rOp(List<Variable> inputs, List<Variable> outputs, List<Variable> evalPoints) {
            return List.of(Gradient.gradUndefined(this, 0, inputs.get(0), "(R-op)"));
        }
    }

    /** Forward identity; the gradient is clipped elementwise to [lo, hi]. */
    public static final class GradClip extends ViewOp {
        private static final long serialVersionUID = 1L;
        private final double lo;
        private final double hi;

        public GradClip(double lo, double hi) {
            if (!(hi >= lo)) {
                throw new IllegalArgumentException("gradClip: the upper bound " + hi
                        + " should be >= the lower bound " + lo);
            }
            this.lo = lo;
            this.hi = hi;
        }

        @Override
        public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
            return List.of(T.clip(outputGrads.get(0), lo, hi));
        }

        /** Unlike Theano (no props), the bounds are part of the op's identity. */
        @Override
        protected Object[] props() {
            return new Object[] {lo, hi};
        }
    }

    /** Forward identity; the gradient is multiplied by a constant. */
    public static final class GradScale extends ViewOp {
        private static final long serialVersionUID = 1L;
        private final double multiplier;

        public GradScale(double multiplier) {
            this.multiplier = multiplier;
        }

        @Override
        public List<Variable> grad(List<Variable> inputs, List<Variable> outputGrads) {
            return List.of(T.mul(outputGrads.get(0), multiplier));
        }

        @Override
        protected Object[] props() {
            return new Object[] {multiplier};
        }
    }
}
