package org.gradaudit.jobs.audit;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.check.GradCheck;
import org.gradaudit.core.check.Streams;

/**
 * Which elements a case checks, decided on the driver before anything runs: per input, the
 * explicit mask of the spec, else (with {@code maxElements}) a sample of at most that many
 * elements drawn without replacement from the stream {@code (seed, case, input index, SAMPLE)},
 * else every element. The result is ascending flat positions over all inputs, or null for "all".
 */
final class Selection {
    private Selection() {}

    static int[] select(GradCheck c, AuditSpec.Case spec, long seed, List<String> notes) {
        Integer max = spec.check().maxElements();
        if (spec.masks().isEmpty() && max == null) {
            return null;
        }
        long key = Streams.caseKey(spec.name());
        int[] picked = new int[c.nElements()];
        int n = 0;
        boolean all = true;
        List<String> names = spec.inputNames();
        for (int k = 0; k < c.nInputs(); k++) {
            int size = NDArray.sizeOf(c.inputShape(k));
            int off = c.offsetOf(k);
            int[] mask = spec.masks().get(names.get(k));
            int[] local;
            if (mask != null) {
                local = mask;
                notes.add("mask: input '" + names.get(k) + "': " + mask.length + " of " + size + " elements");
            } else if (max != null && size > max) {
                local = sample(size, max, Streams.stream(seed, key, k, Streams.SAMPLE));
                notes.add("sampled: input '" + names.get(k) + "': " + max + " of " + size + " elements (maxElements)");
            } else {
                local = null;
            }
            if (local == null) {
                for (int i = 0; i < size; i++) {
                    picked[n++] = off + i;
                }
            } else {
                all = false;
                for (int i : local) {
                    picked[n++] = off + i;
                }
            }
        }
        return all ? null : Arrays.copyOf(picked, n);
    }

    /** {@code m} distinct values of [0, n), ascending: a partial Fisher-Yates shuffle. */
    static int[] sample(int n, int m, SplittableRandom r) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = 0; i < m; i++) {
            int j = i + r.nextInt(n - i);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        int[] s = Arrays.copyOf(a, m);
        Arrays.sort(s);
        return s;
    }

    /** At most {@code cap} of {@code coords} (null: all {@code total}), sampled from the case's budget stream. */
    static int[] cap(int[] coords, int total, int cap, long seed, String caseName) {
        int n = coords == null ? total : coords.length;
        if (cap >= n) {
            return coords;
        }
        int[] pos = sample(n, cap, Streams.stream(seed, Streams.caseKey(caseName), -1, Streams.SAMPLE));
        int[] r = new int[cap];
        for (int i = 0; i < cap; i++) {
            r[i] = coords == null ? pos[i] : coords[pos[i]];
        }
        return r;
    }
}
