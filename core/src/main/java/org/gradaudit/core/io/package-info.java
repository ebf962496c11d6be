/**
 * Reading graphs from text. {@link org.gradaudit.core.io.ExpressionParser} turns an audit spec's
 * {@code "expression"} (for example {@code sum(tanh(dot(x, W)) ** 2)}) into a graph over named
 * symbolic inputs, using only a fixed whitelist of {@link org.gradaudit.core.T} functions; its
 * errors carry the line and column of the offending token and what was expected there.
 */
package org.gradaudit.core.io;
