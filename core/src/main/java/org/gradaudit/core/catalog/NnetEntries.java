package org.gradaudit.core.catalog;

import java.util.List;

/** Catalogue entries of the nnet family. */
final class NnetEntries {
    private NnetEntries() {}

    static List<CatalogEntry> entries() {
        return List.of();
    }
}
