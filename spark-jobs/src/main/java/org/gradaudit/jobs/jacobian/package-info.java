/**
 * Large Jacobians on Spark: {@code gradaudit jacobian SPEC}. The driver builds the function of a
 * {@link org.gradaudit.jobs.jacobian.JacobianSpec}, compiles its
 * {@link org.gradaudit.core.JacobianBlocks} (row blocks by a batched L-op with one-hot cotangents,
 * column blocks by a batched R-op with one-hot tangents; L-op = VJP, R-op = JVP) and broadcasts them
 * once with the point; executors compute the blocks and write them (Parquet through Spark SQL, or
 * {@code .npy} shards) straight into a temporary directory that is renamed into place at the end.
 * See {@code docs/JACOBIAN.md}.
 */
package org.gradaudit.jobs.jacobian;
