/**
 * The command line ({@link org.gradaudit.jobs.Main}) and the Spark jobs of gradaudit. Each job
 * has a thin {@code main} (parse, run, write, exit code) and a testable {@code run(SparkSession,
 * Spec)} returning an immutable report; executor code is static and captures only broadcasts and
 * small serializable records.
 */
package org.gradaudit.jobs;
