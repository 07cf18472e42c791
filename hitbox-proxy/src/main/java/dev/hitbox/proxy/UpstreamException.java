package dev.hitbox.proxy;

/**
 * The upstream could not answer: the proxy answers the client with {@link #status()} ({@code 502}
 * when the upstream is unreachable or broke the exchange, {@code 504} when it was too slow) and a
 * one-line body.
 */
final class UpstreamException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  UpstreamException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  UpstreamException(int status, String message, Throwable cause) {
    super(message, cause, false, false);
    this.status = status;
  }

  /** {@code 502} or {@code 504}. */
  int status() {
    return status;
  }
}
