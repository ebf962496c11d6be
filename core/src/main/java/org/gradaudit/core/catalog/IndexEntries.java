package org.gradaudit.core.catalog;

import java.util.List;

/** Catalogue entries of the index family. */
final class IndexEntries {
    private IndexEntries() {}

    static List<CatalogEntry> entries() {
        return List.of();
    }
}
