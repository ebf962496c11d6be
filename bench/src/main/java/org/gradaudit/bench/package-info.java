/**
 * JMH benchmarks of gradaudit, run side by side by {@link org.gradaudit.bench.SideBySide}
 * ({@code bench/run}). Not part of the default build.
 */
package org.gradaudit.bench;
