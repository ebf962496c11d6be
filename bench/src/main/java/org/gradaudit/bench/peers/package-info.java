/**
 * The peers of the side-by-side benchmarks: PyTorch through DJL and ND4J SameDiff. Compiled only
 * with the Maven profile {@code peers} ({@code bench/run --peers}), which brings their libraries.
 */
package org.gradaudit.bench.peers;
