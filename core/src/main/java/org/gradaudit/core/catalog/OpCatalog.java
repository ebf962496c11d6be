package org.gradaudit.core.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.gradaudit.core.DType;
import org.gradaudit.core.NDArray;
import org.gradaudit.core.check.Streams;

/**
 * Every op gradaudit audits, by name: the list a spec sweeps with "every op in the catalogue",
 * the conformance suite checks, and the README lists. Each family contributes its entries.
 */
public final class OpCatalog {
    private OpCatalog() {}

    private static final Map<String, CatalogEntry> ENTRIES = load();

    private static Map<String, CatalogEntry> load() {
        List<CatalogEntry> all = new ArrayList<>();
        all.addAll(ElemwiseEntries.entries());
        all.addAll(ReduceEntries.entries());
        all.addAll(ShapeEntries.entries());
        all.addAll(IndexEntries.entries());
        all.addAll(BlasEntries.entries());
        all.addAll(NnetEntries.entries());
        all.addAll(LinalgEntries.entries());
        all.addAll(ScanEntries.entries());
        Map<String, CatalogEntry> m = new LinkedHashMap<>();
        for (CatalogEntry e : all) {
            if (m.put(e.name(), e) != null) {
                throw new IllegalStateException("catalogue entry " + e.name() + " is defined twice");
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /** All entries, in family order. */
    public static List<CatalogEntry> all() {
        return List.copyOf(ENTRIES.values());
    }

    /** The entry called {@code name}, or an error listing the close names. */
    public static CatalogEntry get(String name) {
        CatalogEntry e = ENTRIES.get(name);
        if (e == null) {
            List<String> close = new ArrayList<>();
            for (String n : ENTRIES.keySet()) {
                if (n.contains(name) || name.contains(n)) {
                    close.add(n);
                }
            }
            throw new IllegalArgumentException("unknown op '" + name + "' in the catalogue"
                    + (close.isEmpty() ? "" : "; did you mean one of " + close + "?") + " (" + ENTRIES.size() + " ops)");
        }
        return e;
    }

    public static boolean contains(String name) {
        return ENTRIES.containsKey(name);
    }

    /** Points for an entry: one array per input, drawn from its domain with a stream keyed by (seed, op, shape set, input). */
    public static List<NDArray> points(CatalogEntry e, int shapeSet, DType dtype, long seed) {
        int[][] shapes = e.shapes().get(shapeSet);
        List<NDArray> pts = new ArrayList<>();
        for (int i = 0; i < e.nInputs(); i++) {
            SplittableRandom r = Streams.stream(seed, Streams.caseKey(e.name() + "#" + shapeSet), i, Streams.POINT);
            pts.add(e.domains().get(i).sample(r, dtype, shapes[i]));
        }
        return pts;
    }
}
