/**
 * Example user code an audit spec can name: a user-defined op with a deliberately wrong gradient
 * rule ({@link org.gradaudit.jobs.examples.BrokenNeg}) and the
 * {@link org.gradaudit.core.check.GraphBuilder} that uses it
 * ({@link org.gradaudit.jobs.examples.BrokenNegCase}); the quickstart audit shows it caught.
 */
package org.gradaudit.jobs.examples;
