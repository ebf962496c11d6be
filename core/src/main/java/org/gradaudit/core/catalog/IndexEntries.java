package org.gradaudit.core.catalog;

import java.util.ArrayList;
import java.util.List;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.T;

/**
 * Catalogue entries of the index family. Index lists, slices and permutations are constants
 * inside the builders; references are plain loops over explicit index arithmetic. The advanced
 * inc/set entries use repeated indices on purpose: inc must accumulate, set must credit only the
 * last write.
 */
final class IndexEntries {
    private IndexEntries() {}

    private static final int[] ROWS = {2, 0, 2, -1};
    private static final int[] REPEATS = {1, 3, 1, 0};
    private static final int[] SET_REPEATS = {1, 3, 1};
    private static final NDArray PERM = NDArray.of(DType.INT64, new int[] {3, 4}, 1, 3, 0, 2, 3, 2, 1, 0, 0, 1, 2, 3);
    private static final NDArray PERM2 = NDArray.of(DType.INT64, new int[] {2, 4}, 3, 1, 0, 2, 0, 2, 3, 1);

    static List<CatalogEntry> entries() {
        List<CatalogEntry> r = new ArrayList<>();
        InputDomain std = InputDomain.standard();
        r.add(CatalogEntry.builder("subtensor", "index", in -> in.get(0).get(T.slice(1, null), T.slice(null, null, -2)))
                .input(std).shapes(new int[] {4, 5}).shapes(new int[] {3, 4, 2})
                .reference(in -> basic(in[0], new int[][] {range(1, in[0].shape(0), 1), range(in[0].shape(1) - 1, -1, -2)}))
                .note("x[1:, ::-2]: a clamped open slice and a negative step").build());
        r.add(CatalogEntry.builder("subtensor_index", "index", in -> in.get(0).get(1, T.slice(-1, 0, -1)))
                .input(std).shapes(new int[] {3, 4}).shapes(new int[] {2, 5, 3})
                .reference(in -> basic(in[0], new int[][] {{1}, range(in[0].shape(1) - 1, 0, -1)}))
                .note("x[1, -1:0:-1]: an integer index drops axis 0; negative start, negative step, stop excluded").build());
        r.add(CatalogEntry.builder("subtensor_symbolic", "index",
                        in -> in.get(0).get(T.slice(T.sub(in.get(0).shape(0), 3), T.shape(in.get(0), 0)), T.sub(in.get(0).shape(1), 1)))
                .input(std).shapes(new int[] {5, 4}).shapes(new int[] {4, 3, 2})
                .reference(in -> basic(in[0], new int[][] {range(in[0].shape(0) - 3, in[0].shape(0), 1), {in[0].shape(1) - 1}}))
                .note("x[n-3:n, m-1] with n, m symbolic int64 inputs of the Subtensor (not connected)").build());
        r.add(CatalogEntry.builder("inc_subtensor", "index", in -> T.incSubtensor(in.get(0).get(T.slice(1, 3)), in.get(1)))
                .inputs(2, std).shapes(new int[] {4, 3}, new int[] {3}).shapes(new int[] {4, 3}, new int[] {2, 3})
                .reference(in -> incRows(in[0], in[1], new int[] {1, 2}, false))
                .note("x[1:3] += y, y broadcast over the rows when it is a vector").build());
        r.add(CatalogEntry.builder("set_subtensor", "index", in -> T.setSubtensor(in.get(0).get(T.slice(null, null, -2)), in.get(1)))
                .inputs(2, std).shapes(new int[] {4, 3}, new int[] {2, 3}).shapes(new int[] {5, 2}, new int[] {2})
                .reference(in -> incRows(in[0], in[1], range(in[0].shape(0) - 1, -1, -2), true))
                .note("x[::-2] = y: the overwritten rows of x get no gradient").build());
        r.add(CatalogEntry.builder("advanced_subtensor1", "index", in -> in.get(0).get((Object) ROWS))
                .input(std).shapes(new int[] {4, 3}).shapes(new int[] {5})
                .reference(in -> basic(in[0], rowsAndRest(in[0], ROWS)))
                .note("x[[2, 0, 2, -1]]: a repeated and a negative index; the gradient accumulates").build());
        r.add(CatalogEntry.builder("advanced_inc_subtensor1", "index", in -> T.advancedIncSubtensor1(in.get(0), in.get(1), REPEATS))
                .inputs(2, std).shapes(new int[] {4, 3}, new int[] {4, 3}).shapes(new int[] {4, 3}, new int[] {3})
                .shapes(new int[] {5}, new int[] {4})
                .reference(in -> incRows(in[0], in[1], REPEATS, false))
                .note("x[[1, 3, 1, 0]] += y: row 1 receives two rows of y").build());
        r.add(CatalogEntry.builder("advanced_set_subtensor1", "index", in -> T.advancedSetSubtensor1(in.get(0), in.get(1), SET_REPEATS))
                .inputs(2, std).shapes(new int[] {4, 3}, new int[] {3, 3}).shapes(new int[] {4, 2}, new int[] {2})
                .shapes(new int[] {5}, new int[] {3})
                .reference(in -> incRows(in[0], in[1], SET_REPEATS, true))
                .note("x[[1, 3, 1]] = y: row 0 of y is overwritten by row 2 and must get no gradient"
                        + " (Theano's rule credits it; finite differences reject that)").build());
        r.add(CatalogEntry.builder("advanced_subtensor", "index", in -> T.advancedSubtensor(in.get(0), idx0(), new int[] {1, 0, 1}))
                .input(std).shapes(new int[] {3, 4}).shapes(new int[] {3, 2, 2})
                .reference(in -> advanced(in[0], in[0], false, false))
                .note("x[[[0], [2]], [1, 0, 1]]: index arrays (2, 1) and (3,) broadcast to (2, 3); repeats").build());
        r.add(CatalogEntry.builder("advanced_inc_subtensor", "index",
                        in -> T.advancedIncSubtensor(in.get(0), in.get(1), idx0(), new int[] {1, 0, 1}))
                .inputs(2, std).shapes(new int[] {3, 4}, new int[] {2, 3}).shapes(new int[] {3, 2, 2}, new int[] {2})
                .reference(in -> advanced(in[0], in[1], true, false))
                .note("x[[[0], [2]], [1, 0, 1]] += y: positions (0, 1) and (2, 1) are each incremented twice").build());
        r.add(CatalogEntry.builder("advanced_set_subtensor", "index",
                        in -> T.advancedSetSubtensor(in.get(0), in.get(1), idx0(), new int[] {1, 0, 1}))
                .inputs(2, std).shapes(new int[] {3, 4}, new int[] {2, 3}).shapes(new int[] {3, 2, 2}, new int[] {3, 2})
                .reference(in -> advanced(in[0], in[1], true, true))
                .note("x[[[0], [2]], [1, 0, 1]] = y: the first of each repeated pair is overwritten").build());
        r.add(CatalogEntry.builder("permute_row_elements", "index",
                        in -> T.permuteRowElements(in.get(0), in.get(0).ndim() == 2 ? PERM : PERM2, false))
                .input(std).shapes(new int[] {3, 4}).shapes(new int[] {4})
                .reference(in -> permute(in[0], in[0].ndim() == 2 ? PERM : PERM2, false))
                .note("rows of x permuted; a vector x broadcast against two permutations (its gradient sums both)").build());
        r.add(CatalogEntry.builder("permute_row_elements_inverse", "index",
                        in -> T.permuteRowElements(in.get(0), PERM, true))
                .input(std).shapes(new int[] {3, 4}).shapes(new int[] {2, 3, 4})
                .reference(in -> permute(in[0], PERM, true)).note("inverse = true").build());
        return r;
    }

    private static NDArray idx0() {
        return NDArray.of(DType.INT64, new int[] {2, 1}, 0, 2);
    }

    private static int[] range(int start, int stop, int step) {
        List<Integer> l = new ArrayList<>();
        for (int i = start; step > 0 ? i < stop : i > stop; i += step) {
            l.add(i);
        }
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The selected axis-0 rows, then every position of the other axes. */
    private static int[][] rowsAndRest(NDArray x, int[] rows) {
        int[][] pos = new int[x.ndim()][];
        pos[0] = new int[rows.length];
        for (int k = 0; k < rows.length; k++) {
            pos[0][k] = rows[k] < 0 ? rows[k] + x.shape(0) : rows[k];
        }
        for (int a = 1; a < x.ndim(); a++) {
            pos[a] = range(0, x.shape(a), 1);
        }
        return pos;
    }

    /** x at every combination of the per-axis positions (leading axes; the rest taken whole). */
    private static double[] basic(NDArray x, int[][] lead) {
        int[][] pos = new int[x.ndim()][];
        for (int a = 0; a < x.ndim(); a++) {
            pos[a] = a < lead.length ? lead[a] : range(0, x.shape(a), 1);
        }
        int[] len = new int[pos.length];
        for (int a = 0; a < len.length; a++) {
            len[a] = pos[a].length;
        }
        double[] o = new double[NDArray.sizeOf(len)];
        for (int k = 0; k < o.length; k++) {
            int[] c = NDArray.unravel(k, len);
            int[] xi = new int[c.length];
            for (int a = 0; a < c.length; a++) {
                xi[a] = pos[a][c[a]];
            }
            o[k] = x.get(xi);
        }
        return o;
    }

    /** x with rows {@code rows[k]} (axis 0) incremented by, or set to, row k of y (y broadcast to rows x rest). */
    private static double[] incRows(NDArray x, NDArray y, int[] rows, boolean set) {
        double[] o = x.toDoubleArray();
        int inner = x.size() / x.shape(0);
        int[] region = x.shape();
        region[0] = rows.length;
        double[] yb = ShapeEntries.broadcastTo(y, region);
        for (int k = 0; k < rows.length; k++) {
            int row = rows[k] < 0 ? rows[k] + x.shape(0) : rows[k];
            for (int j = 0; j < inner; j++) {
                double v = yb[k * inner + j];
                o[row * inner + j] = set ? v : o[row * inner + j] + v;
            }
        }
        return o;
    }

    /**
     * {@code x[[[0], [2]], [1, 0, 1]]} (gather when {@code write} is false, y ignored), or x with
     * y added at / written to those positions in C order of the (2, 3) broadcast index.
     */
    private static double[] advanced(NDArray x, NDArray y, boolean write, boolean set) {
        int[] i0 = {0, 2};
        int[] i1 = {1, 0, 1};
        int inner = x.size() / (x.shape(0) * x.shape(1));
        int[] region = new int[x.ndim()];
        region[0] = 2;
        region[1] = 3;
        for (int a = 2; a < x.ndim(); a++) {
            region[a] = x.shape(a);
        }
        double[] o = write ? x.toDoubleArray() : new double[6 * inner];
        double[] yb = write ? ShapeEntries.broadcastTo(y, region) : null;
        for (int b0 = 0; b0 < 2; b0++) {
            for (int b1 = 0; b1 < 3; b1++) {
                int base = (i0[b0] * x.shape(1) + i1[b1]) * inner;
                for (int j = 0; j < inner; j++) {
                    int k = (b0 * 3 + b1) * inner + j;
                    if (!write) {
                        o[k] = x.getFlat(base + j);
                    } else {
                        o[base + j] = set ? yb[k] : o[base + j] + yb[k];
                    }
                }
            }
        }
        return o;
    }

    /** Row-wise permutation with x's and y's leading axes broadcast. */
    private static double[] permute(NDArray x, NDArray y, boolean inverse) {
        int n = x.shape(x.ndim() - 1);
        int rx = x.size() / n;
        int ry = y.size() / n;
        int rows = Math.max(rx, ry);
        double[] o = new double[rows * n];
        for (int r = 0; r < rows; r++) {
            int xr = rx == 1 ? 0 : r % rx;
            int yr = ry == 1 ? 0 : r % ry;
            for (int j = 0; j < n; j++) {
                int p = (int) y.getFlat(yr * n + j);
                if (inverse) {
                    o[r * n + p] = x.getFlat(xr * n + j);
                } else {
                    o[r * n + j] = x.getFlat(xr * n + p);
                }
            }
        }
        return o;
    }
}
