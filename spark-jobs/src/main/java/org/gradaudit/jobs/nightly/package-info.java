/**
 * Nightly regression reports: a suite (an audit spec plus the cases that also run with a seed
 * derived from the run date) is audited with {@link org.gradaudit.jobs.audit.AuditJob}; one
 * {@link org.gradaudit.jobs.nightly.HistoryRow} per case is appended to a Parquet history
 * partitioned by run date ({@link org.gradaudit.jobs.nightly.HistoryStore}, written all or
 * nothing, a rerun replaces its run); Spark SQL compares the run with the previous run and a pinned
 * baseline ({@link org.gradaudit.jobs.nightly.Comparison}); and the report (HTML with trend plots,
 * JSON, JUnit XML, a Markdown summary) says what got worse. The format and exit codes are in
 * {@code docs/NIGHTLY.md}.
 */
package org.gradaudit.jobs.nightly;
