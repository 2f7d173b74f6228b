package dev.limiter.spi;

/** Thrown by a {@link RateLimitStore} that cannot reach its state and has no fallback. */
public class StoreException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what failed and what to check
   * @param cause the underlying failure
   */
  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }
}
