/** Report writers: JSON, written atomically. */
package org.gradaudit.jobs.report;
