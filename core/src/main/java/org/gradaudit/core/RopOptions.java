package org.gradaudit.core;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Options of {@link Gradient#rop}. By default each op's own {@link Op#rOp} is used and an op
 * without one is an error naming it. {@link Builder#useDoubleLop} computes the whole R-op by the
 * double L-op trick instead (PyTensor's default, J. Towns: {@code g = J^T u} is linear in u, so
 * the L-op of g with respect to u at v is {@code J v}); {@link Builder#fallbackToDoubleLop} uses
 * that trick only for the ops that lack an R-op.
 */
public final class RopOptions {
    public static final RopOptions DEFAULTS = builder().build();

    private final DisconnectedInputs disconnectedOutputs;
    private final ReturnDisconnected returnDisconnected;
    private final NullGradients nullGradients;
    private final boolean useDoubleLop;
    private final boolean fallbackToDoubleLop;
    private final Consumer<String> warnings;

    private RopOptions(Builder b) {
        this.disconnectedOutputs = b.disconnectedOutputs;
        this.returnDisconnected = b.returnDisconnected;
        this.nullGradients = b.nullGradients;
        this.useDoubleLop = b.useDoubleLop;
        this.fallbackToDoubleLop = b.fallbackToDoubleLop;
        this.warnings = b.warnings;
    }

    public static Builder builder() { return new Builder(); }

    public DisconnectedInputs disconnectedOutputs() { return disconnectedOutputs; }
    public ReturnDisconnected returnDisconnected() { return returnDisconnected; }
    public NullGradients nullGradients() { return nullGradients; }
    public boolean useDoubleLop() { return useDoubleLop; }
    public boolean fallbackToDoubleLop() { return fallbackToDoubleLop; }

    void warn(String message) {
        if (warnings != null) {
            warnings.accept(message);
        } else {
            System.getLogger(Gradient.class.getName()).log(System.Logger.Level.WARNING, message);
        }
    }

    Consumer<String> warningHandler() { return warnings; }

    public static final class Builder {
        private DisconnectedInputs disconnectedOutputs = DisconnectedInputs.RAISE;
        private ReturnDisconnected returnDisconnected = ReturnDisconnected.ZERO;
        private NullGradients nullGradients = NullGradients.RAISE;
        private boolean useDoubleLop;
        private boolean fallbackToDoubleLop;
        private Consumer<String> warnings;

        private Builder() {}

        /** What to do for an output that depends on no wrt (default RAISE). */
        public Builder disconnectedOutputs(DisconnectedInputs v) {
            this.disconnectedOutputs = Objects.requireNonNull(v);
            return this;
        }

        public Builder returnDisconnected(ReturnDisconnected v) {
            this.returnDisconnected = Objects.requireNonNull(v);
            return this;
        }

        public Builder nullGradients(NullGradients v) {
            this.nullGradients = Objects.requireNonNull(v);
            return this;
        }

        /** Compute every R-op by double L-op (like PyTensor's {@code use_op_rop_implementation=False}). */
        public Builder useDoubleLop(boolean v) {
            this.useDoubleLop = v;
            return this;
        }

        /** For ops without {@link Op#rOp}, compute their R-op by double L-op instead of failing. */
        public Builder fallbackToDoubleLop(boolean v) {
            this.fallbackToDoubleLop = v;
            return this;
        }

        public Builder warnings(Consumer<String> handler) {
            this.warnings = handler;
            return this;
        }

        public RopOptions build() { return new RopOptions(this); }
    }
}
