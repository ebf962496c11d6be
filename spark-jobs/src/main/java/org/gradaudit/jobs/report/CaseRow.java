package org.gradaudit.jobs.report;

import java.io.Serializable;

/**
 * One row per case for Spark SQL (a Java bean, for {@code Encoders.bean}): the report's
 * identity, the case's status, settings, location and statistics. Nullable values are boxed.
 * Column names are these property names (Spark orders bean columns alphabetically).
 */
public class CaseRow implements Serializable {
    private static final long serialVersionUID = 1L;
    private String report;
    private String runId;
    private long seed;
    private String caseName;
    private String status;
    private String kind;
    private String definition;
    private String message;
    private String mode;
    private int nTests;
    private Double eps;
    private Double absTol;
    private Double relTol;
    private long elementsTotal;
    private int coordinatesPerTest;
    private long elementsChecked;
    private String worstInput;
    private Integer worstTest;
    private java.util.List<Integer> worstIndex;
    private Integer worstFlatIndex;
    private Double analytic;
    private Double numeric;
    private Double absErr;
    private Double relErr;
    private Double scaledErr;
    private String locatedInput;
    private java.util.List<Integer> locatedIndex;
    private Double scaledErrMin;
    private Double scaledErrMedian;
    private Double scaledErrMax;
    private java.util.List<String> warnings;
    private long timeMs;

    public CaseRow() {}

    public String getReport() { return report; }
    public void setReport(String v) { this.report = v; }
    public String getRunId() { return runId; }
    public void setRunId(String v) { this.runId = v; }
    public long getSeed() { return seed; }
    public void setSeed(long v) { this.seed = v; }
    public String getCaseName() { return caseName; }
    public void setCaseName(String v) { this.caseName = v; }
    public String getStatus() { return status; }
    public void setStatus(String v) { this.status = v; }
    public String getKind() { return kind; }
    public void setKind(String v) { this.kind = v; }
    public String getDefinition() { return definition; }
    public void setDefinition(String v) { this.definition = v; }
    public String getMessage() { return message; }
    public void setMessage(String v) { this.message = v; }
    public String getMode() { return mode; }
    public void setMode(String v) { this.mode = v; }
    public int getNTests() { return nTests; }
    public void setNTests(int v) { this.nTests = v; }
    public Double getEps() { return eps; }
    public void setEps(Double v) { this.eps = v; }
    public Double getAbsTol() { return absTol; }
    public void setAbsTol(Double v) { this.absTol = v; }
    public Double getRelTol() { return relTol; }
    public void setRelTol(Double v) { this.relTol = v; }
    public long getElementsTotal() { return elementsTotal; }
    public void setElementsTotal(long v) { this.elementsTotal = v; }
    public int getCoordinatesPerTest() { return coordinatesPerTest; }
    public void setCoordinatesPerTest(int v) { this.coordinatesPerTest = v; }
    public long getElementsChecked() { return elementsChecked; }
    public void setElementsChecked(long v) { this.elementsChecked = v; }
    public String getWorstInput() { return worstInput; }
    public void setWorstInput(String v) { this.worstInput = v; }
    public Integer getWorstTest() { return worstTest; }
    public void setWorstTest(Integer v) { this.worstTest = v; }
    public java.util.List<Integer> getWorstIndex() { return worstIndex; }
    public void setWorstIndex(java.util.List<Integer> v) { this.worstIndex = v; }
    public Integer getWorstFlatIndex() { return worstFlatIndex; }
    public void setWorstFlatIndex(Integer v) { this.worstFlatIndex = v; }
    public Double getAnalytic() { return analytic; }
    public void setAnalytic(Double v) { this.analytic = v; }
    public Double getNumeric() { return numeric; }
    public void setNumeric(Double v) { this.numeric = v; }
    public Double getAbsErr() { return absErr; }
    public void setAbsErr(Double v) { this.absErr = v; }
    public Double getRelErr() { return relErr; }
    public void setRelErr(Double v) { this.relErr = v; }
    public Double getScaledErr() { return scaledErr; }
    public void setScaledErr(Double v) { this.scaledErr = v; }
    public String getLocatedInput() { return locatedInput; }
    public void setLocatedInput(String v) { this.locatedInput = v; }
    public java.util.List<Integer> getLocatedIndex() { return locatedIndex; }
    public void setLocatedIndex(java.util.List<Integer> v) { this.locatedIndex = v; }
    public Double getScaledErrMin() { return scaledErrMin; }
    public void setScaledErrMin(Double v) { this.scaledErrMin = v; }
    public Double getScaledErrMedian() { return scaledErrMedian; }
    public void setScaledErrMedian(Double v) { this.scaledErrMedian = v; }
    public Double getScaledErrMax() { return scaledErrMax; }
    public void setScaledErrMax(Double v) { this.scaledErrMax = v; }
    public java.util.List<String> getWarnings() { return warnings; }
    public void setWarnings(java.util.List<String> v) { this.warnings = v; }
    public long getTimeMs() { return timeMs; }
    public void setTimeMs(long v) { this.timeMs = v; }
}
