package org.qcal;

/**
 * The one exception qcal throws for bad input: a missing or malformed model, a bad argument or
 * configuration value. Its message is one clear line naming what is wrong and where (the file,
 * the tensor, the expected and the actual value); the jobs map it to exit code 2.
 */
public class QcalException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public QcalException(String message) {
    super(message);
  }

  public QcalException(String message, Throwable cause) {
    super(message, cause);
  }
}
