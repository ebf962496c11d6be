package org.gradaudit.core.catalog;

import java.util.List;

/** Catalogue entries of the shape family. */
final class ShapeEntries {
    private ShapeEntries() {}

    static List<CatalogEntry> entries() {
        return List.of();
    }
}
