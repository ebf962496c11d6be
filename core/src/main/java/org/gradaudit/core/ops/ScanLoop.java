package org.gradaudit.core.ops;

import java.util.Arrays;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.TensorType;

/**
 * One evaluation of a {@link Scan} node (its {@code perform}): reads the rows each step needs,
 * runs the inner program, keeps the state buffers, stacks and accumulates the outputs. Never
 * modifies its inputs: rows are copies, accumulators are fresh arrays.
 */
final class ScanLoop {
    private final Scan op;
    private final ScanSpec s;
    private final NDArray[] in;

    ScanLoop(Scan op, ScanSpec spec, NDArray[] inputs) {
        this.op = op;
        this.s = spec;
        this.in = inputs;
    }

    NDArray[] run() {
        int n = nSteps();
        int tLo = ScanSpec.tLo(n, s.lastK);
        int count = n - tLo;
        // state buffers, indexed by iteration: rows 0..m-1 are the init
        NDArray[][] buf = new NDArray[s.states.length][];
        int[][] stateRow = new int[s.states.length][];
        for (int k = 0; k < s.states.length; k++) {
            ScanSpec.State st = s.states[k];
            NDArray init = in[s.stateIn(k)];
            buf[k] = new NDArray[st.m + count];
            if (st.single) {
                buf[k][0] = init;
                stateRow[k] = init.shape();
            } else {
                if (init.ndim() == 0 || init.shape(0) != st.m) {
                    throw new IllegalArgumentException(op + ": the initial value of state " + k + " has shape "
                            + Arrays.toString(init.shape()) + "; taps " + Arrays.toString(st.taps) + " need a leading"
                            + " axis of length " + st.m + " (the states of steps -" + st.m + " .. -1)");
                }
                for (int i = 0; i < st.m; i++) {
                    buf[k][i] = row(init, i);
                }
                stateRow[k] = Arrays.copyOfRange(init.shape(), 1, init.ndim());
            }
        }
        NDArray[][] stackRows = new NDArray[s.nStack][n];
        NDArray[][] stateRows = new NDArray[s.states.length][n];
        double[][] acc = new double[s.accums.length][];
        for (int a = 0; a < acc.length; a++) {
            acc[a] = new double[in[s.accumLikeIn(a)].size()];
        }
        double[][] saccI = new double[s.saccums.length][];
        double[][] saccY = new double[s.saccums.length][];
        for (int a = 0; a < s.saccums.length; a++) {
            saccI[a] = new double[in[s.saccumLikeIn(a)].size()];
            saccY[a] = new double[in[s.saccumLikeIn(a) + 1].size()];
        }
        double[][] sum = new double[s.nSumAcc][];
        for (int a = 0; a < sum.length; a++) {
            sum[a] = new double[in[s.sumAccLikeIn(a)].size()];
        }
        NDArray[] args = new NDArray[s.inner.nInputs()];
        for (int i = 0; i < s.nNonSeq; i++) {
            args[s.innerNonSeq(i)] = in[s.nonSeqIn(i)];
        }
        int nOut = n;
        for (int it = 0; it < count; it++) {
            int t = s.order == ScanSpec.Order.FORWARD ? tLo + it : n - 1 - it;
            for (int r = 0; r < s.reads.length; r++) {
                NDArray x = in[s.readIn(r)];
                for (int k = 0; k < s.reads[r].taps.length; k++) {
                    int row = s.reads[r].row(t, k, x.shape(0));
                    if (row < 0 || row >= x.shape(0)) {
                        throw new IllegalArgumentException(op + ": sequence " + r + " of shape "
                                + Arrays.toString(x.shape()) + " has no row " + row + " for tap " + s.reads[r].taps[k]
                                + " at step " + t + " of " + n);
                    }
                    args[s.innerRead(r) + k] = row(x, row);
                }
            }
            for (int r = 0; r < s.sreads.length; r++) {
                ScanSpec.SRead rule = s.sreads[r];
                NDArray init = in[s.sreadIn(r)];
                NDArray y = in[s.sreadIn(r) + 1];
                for (int k = 0; k < rule.taps.length; k++) {
                    int q = rule.q(t, k, n);
                    args[s.innerSRead(r) + k] = q >= 0 ? row(y, rule.stepOf(q, n)) : rule.single ? init : row(init, rule.m + q);
                }
            }
            for (int k = 0; k < s.states.length; k++) {
                for (int j = 0; j < s.states[k].taps.length; j++) {
                    args[s.innerState(k) + j] = buf[k][s.states[k].m + it + s.states[k].taps[j]];
                }
            }
            NDArray[] r = s.inner.run(args);
            for (int k = 0; k < s.states.length; k++) {
                NDArray v = r[s.innerStateOut(k)];
                if (!Arrays.equals(v.shape(), stateRow[k])) {
                    throw new IllegalArgumentException(op + ": state " + k + " has shape " + Arrays.toString(v.shape())
                            + " after step " + t + " but its initial value has shape " + Arrays.toString(stateRow[k])
                            + "; a state must keep its shape across steps");
                }
                buf[k][s.states[k].m + it] = v;
                stateRows[k][t] = v;
            }
            for (int i = 0; i < s.nStack; i++) {
                stackRows[i][t] = r[s.innerStackOut(i)];
            }
            for (int a = 0; a < s.accums.length; a++) {
                NDArray like = in[s.accumLikeIn(a)];
                for (int k = 0; k < s.accums[a].taps.length; k++) {
                    int row = s.accums[a].row(t, k, like.shape(0));
                    addRow(acc[a], like, row, r[s.innerAccumOut(a) + k], "accumulator " + a, t);
                }
            }
            for (int a = 0; a < s.saccums.length; a++) {
                ScanSpec.SRead rule = s.saccums[a];
                NDArray likeI = in[s.saccumLikeIn(a)];
                NDArray likeY = in[s.saccumLikeIn(a) + 1];
                for (int k = 0; k < rule.taps.length; k++) {
                    NDArray v = r[s.innerSAccumOut(a) + k];
                    int q = rule.q(t, k, n);
                    if (q >= 0) {
                        addRow(saccY[a], likeY, rule.stepOf(q, n), v, "state accumulator " + a, t);
                    } else if (rule.single) {
                        addWhole(saccI[a], likeI, v, "state accumulator " + a, t);
                    } else {
                        addRow(saccI[a], likeI, rule.m + q, v, "state accumulator " + a, t);
                    }
                }
            }
            for (int a = 0; a < s.nSumAcc; a++) {
                addWhole(sum[a], in[s.sumAccLikeIn(a)], r[s.innerSumAccOut(a)], "sum " + a, t);
            }
            if (s.hasUntil && r[s.innerUntil()].getFlat(0) != 0) {
                nOut = t + 1;
                break;
            }
        }
        NDArray[] out = new NDArray[s.nOutputs()];
        for (int k = 0; k < s.states.length; k++) {
            out[s.stateOut(k)] = stack(s.outTypes[s.stateOut(k)], stateRows[k], nOut, stateRow[k]);
        }
        for (int i = 0; i < s.nStack; i++) {
            int[] rowShape = null;
            for (NDArray v : stackRows[i]) {
                if (v != null) {
                    if (rowShape != null && !Arrays.equals(rowShape, v.shape())) {
                        throw new IllegalArgumentException(op + ": output " + (s.states.length + i) + " (without feedback)"
                                + " has shape " + Arrays.toString(v.shape()) + " at one step and "
                                + Arrays.toString(rowShape) + " at another; outputs are stacked, so the shape must not change");
                    }
                    rowShape = v.shape();
                }
            }
            if (rowShape == null) {
                rowShape = new int[s.outTypes[s.stackOut(i)].ndim() - 1];
            }
            out[s.stackOut(i)] = stack(s.outTypes[s.stackOut(i)], stackRows[i], nOut, rowShape);
        }
        for (int a = 0; a < s.accums.length; a++) {
            out[s.accumOut(a)] = result(s.outTypes[s.accumOut(a)], in[s.accumLikeIn(a)], acc[a]);
        }
        for (int a = 0; a < s.saccums.length; a++) {
            out[s.saccumOut(a)] = result(s.outTypes[s.saccumOut(a)], in[s.saccumLikeIn(a)], saccI[a]);
            out[s.saccumOut(a) + 1] = result(s.outTypes[s.saccumOut(a) + 1], in[s.saccumLikeIn(a) + 1], saccY[a]);
        }
        for (int a = 0; a < s.nSumAcc; a++) {
            out[s.sumAccOut(a)] = result(s.outTypes[s.sumAccOut(a)], in[s.sumAccLikeIn(a)], sum[a]);
        }
        out[s.stepsOut()] = NDArray.scalar(DType.INT64, nOut);
        return out;
    }

    /** N: the nSteps input, else the common length of the sequences; checks the sequences are long enough. */
    private int nSteps() {
        int n = -1;
        String from = null;
        if (s.hasNSteps) {
            double v = in[0].item();
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(op + ": nSteps is " + (long) v + "; it must be >= 0");
            }
            n = (int) v;
            from = "nSteps";
        }
        for (int r = 0; r < s.reads.length; r++) {
            if (!s.reads[r].defining) {
                continue;
            }
            NDArray x = in[s.readIn(r)];
            int len = x.shape(0) - s.reads[r].span;
            if (len < 0) {
                throw new IllegalArgumentException(op + ": sequence " + r + " has " + x.shape(0) + " rows (shape "
                        + Arrays.toString(x.shape()) + "), fewer than its taps " + s.reads[r] + " span ("
                        + s.reads[r].span + ")");
            }
            if (s.hasNSteps) {
                if (len < n) {
                    throw new IllegalArgumentException(op + ": sequence " + r + " of shape " + Arrays.toString(x.shape())
                            + " with taps " + s.reads[r] + " gives " + len + " steps, fewer than nSteps = " + n);
                }
            } else if (n < 0) {
                n = len;
                from = "sequence " + r + " (shape " + Arrays.toString(x.shape()) + ", taps " + s.reads[r] + ")";
            } else if (len != n) {
                throw new IllegalArgumentException(op + ": sequences of different lengths: sequence " + r + " (shape "
                        + Arrays.toString(x.shape()) + ", taps " + s.reads[r] + ") gives " + len + " steps but " + from
                        + " gives " + n + "; give nSteps to use the first nSteps rows of each");
            }
        }
        if (n < 0) {
            throw new IllegalArgumentException(op + ": no information about the number of steps");
        }
        return n;
    }

    static NDArray row(NDArray a, int i) {
        int[] shape = a.shape();
        int[] rs = Arrays.copyOfRange(shape, 1, shape.length);
        int size = NDArray.sizeOf(rs);
        return NDArray.wrap(a.dtype(), rs, Arrays.copyOfRange(a.unsafeData(), i * size, (i + 1) * size));
    }

    private void addRow(double[] acc, NDArray like, int row, NDArray v, String what, int t) {
        int[] ls = like.shape();
        int[] rs = Arrays.copyOfRange(ls, 1, ls.length);
        if (row < 0 || row >= ls[0] || !Arrays.equals(rs, v.shape())) {
            throw new IllegalArgumentException(op + ": " + what + " cannot add a value of shape "
                    + Arrays.toString(v.shape()) + " at row " + row + " of an array of shape " + Arrays.toString(ls)
                    + " (step " + t + ")");
        }
        int size = v.size();
        double[] d = v.unsafeData();
        for (int i = 0; i < size; i++) {
            acc[row * size + i] += d[i];
        }
    }

    private void addWhole(double[] acc, NDArray like, NDArray v, String what, int t) {
        if (!Arrays.equals(like.shape(), v.shape())) {
            throw new IllegalArgumentException(op + ": " + what + " cannot add a value of shape "
                    + Arrays.toString(v.shape()) + " to an array of shape " + Arrays.toString(like.shape())
                    + " (step " + t + ")");
        }
        double[] d = v.unsafeData();
        for (int i = 0; i < d.length; i++) {
            acc[i] += d[i];
        }
    }

    private static NDArray result(TensorType type, NDArray like, double[] acc) {
        type.dtype().coerceAll(acc);
        return NDArray.wrap(type.dtype(), like.shape(), acc);
    }

    /** Rows 0..n-1 stacked; a missing row (a step outside the range) is zeros. */
    private static NDArray stack(TensorType type, NDArray[] rows, int n, int[] rowShape) {
        int size = NDArray.sizeOf(rowShape);
        double[] d = new double[n * size];
        for (int t = 0; t < n; t++) {
            if (rows[t] != null) {
                System.arraycopy(rows[t].unsafeData(), 0, d, t * size, size);
            }
        }
        int[] shape = new int[rowShape.length + 1];
        shape[0] = n;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        type.dtype().coerceAll(d);
        return NDArray.wrap(type.dtype(), shape, d);
    }
}
