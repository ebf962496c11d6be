package org.gradaudit.core.catalog;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.gradaudit.core.DType;
import org.gradaudit.core.check.SymbolicFunction;

/**
 * One op in the catalogue: its name, family, how to build a checkable graph from float inputs
 * (integer operands such as indices are constants inside the builder), the audit domain of each
 * input, the representative shapes and the dtypes to audit, and optionally a scalar reference
 * for its forward values.
 */
public final class CatalogEntry {
    private final String name;
    private final String family;
    private final SymbolicFunction builder;
    private final List<InputDomain> domains;
    private final List<int[][]> shapes;
    private final List<DType> dtypes;
    private final Reference reference;
    private final String note;

    /** A forward reference computed independently (scalar loops, EJML), for conformance tests. */
    @FunctionalInterface
    public interface Reference {
        double[] apply(org.gradaudit.core.NDArray[] inputs);
    }

    private CatalogEntry(Builder b) {
        this.name = b.name;
        this.family = b.family;
        this.builder = b.builder;
        this.domains = Collections.unmodifiableList(new ArrayList<>(b.domains));
        this.shapes = Collections.unmodifiableList(new ArrayList<>(b.shapes));
        this.dtypes = Collections.unmodifiableList(new ArrayList<>(b.dtypes));
        this.reference = b.reference;
        this.note = b.note;
    }

    public static Builder builder(String name, String family, SymbolicFunction f) {
        return new Builder(name, family, f);
    }

    public String name() { return name; }
    public String family() { return family; }
    public SymbolicFunction builder() { return builder; }
    public int nInputs() { return domains.size(); }
    public List<InputDomain> domains() { return domains; }
    /** Each element: one shape per input. */
    public List<int[][]> shapes() { return shapes; }
    public List<DType> dtypes() { return dtypes; }
    public Reference reference() { return reference; }
    public String note() { return note; }

    public static final class Builder {
        private final String name;
        private final String family;
        private final SymbolicFunction builder;
        private final List<InputDomain> domains = new ArrayList<>();
        private final List<int[][]> shapes = new ArrayList<>();
        private final List<DType> dtypes = new ArrayList<>(List.of(DType.FLOAT64, DType.FLOAT32));
        private Reference reference;
        private String note = "";

        private Builder(String name, String family, SymbolicFunction builder) {
            this.name = Objects.requireNonNull(name);
            this.family = Objects.requireNonNull(family);
            this.builder = Objects.requireNonNull(builder);
        }

        /** Declares the next input and its domain. */
        public Builder input(InputDomain d) {
            domains.add(d);
            return this;
        }

        /** Declares inputs with the same domain. */
        public Builder inputs(int n, InputDomain d) {
            for (int i = 0; i < n; i++) {
                domains.add(d);
            }
            return this;
        }

        /** A representative set of shapes, one per input. */
        public Builder shapes(int[]... perInput) {
            shapes.add(perInput);
            return this;
        }

        public Builder dtypes(DType... d) {
            dtypes.clear();
            dtypes.addAll(List.of(d));
            return this;
        }

        public Builder reference(Reference r) {
            this.reference = r;
            return this;
        }

        public Builder note(String n) {
            this.note = n;
            return this;
        }

        public CatalogEntry build() {
            if (shapes.isEmpty()) {
                throw new IllegalStateException("catalogue entry " + name + " has no shapes");
            }
            for (int[][] s : shapes) {
                if (s.length != domains.size()) {
                    throw new IllegalStateException("catalogue entry " + name + ": a shape set has " + s.length
                            + " shapes for " + domains.size() + " inputs");
                }
            }
            return new CatalogEntry(this);
        }
    }
}
