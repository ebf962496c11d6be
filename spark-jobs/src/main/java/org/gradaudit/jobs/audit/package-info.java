/**
 * Gradient audits: an {@link org.gradaudit.jobs.audit.AuditSpec} (JSON, validated with field
 * paths in every error) is run by {@link org.gradaudit.jobs.audit.AuditJob} on Spark, or in one
 * JVM by {@code AuditJob.runLocal}, into an immutable {@link org.gradaudit.jobs.audit.AuditReport}.
 * Both paths run the same work units of the core's {@code GradCheck} and give equal reports bit
 * for bit.
 */
package org.gradaudit.jobs.audit;
