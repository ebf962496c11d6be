package org.gradaudit.core.catalog;

import java.util.List;

/** Catalogue entries of the linalg family. */
final class LinalgEntries {
    private LinalgEntries() {}

    static List<CatalogEntry> entries() {
        return List.of();
    }
}
