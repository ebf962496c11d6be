package org.gradaudit.core;

/**
 * An op broke its contract: its grad, rOp or perform returned something the machinery cannot use
 * (null, the wrong number of terms, the wrong ndim or dtype, a term that contradicts its
 * connection pattern). The message names the op and the input or output position.
 */
public class OpContractError extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final transient Op op;
    private final int position;

    public OpContractError(Op op, int position, String message) {
        super(message);
        this.op = op;
        this.position = position;
    }

    public Op op() { return op; }

    /** The input (for grad) or output (for rOp and perform) position, or -1. */
    public int position() { return position; }
}
