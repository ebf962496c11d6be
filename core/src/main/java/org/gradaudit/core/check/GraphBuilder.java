package org.gradaudit.core.check;

/**
 * The public interface a user class implements so that an audit spec can name it
 * ({@code "builder": "com.example.MyCase"}): given one symbolic input per input the spec declares,
 * it returns the single output whose gradient is checked. Implementations need a public no-argument
 * constructor. A spec may only name classes that implement this interface.
 */
public interface GraphBuilder extends SymbolicFunction {
}
