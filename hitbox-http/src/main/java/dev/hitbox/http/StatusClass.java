package dev.hitbox.http;

/** The class of a status code: its first digit. */
public enum StatusClass {
  /** {@code 1xx}. */
  INFORMATIONAL(100),
  /** {@code 2xx} (YAML {@code Success}). */
  SUCCESS(200),
  /** {@code 3xx} (YAML {@code Redirect}). */
  REDIRECT(300),
  /** {@code 4xx} (YAML {@code ClientError}). */
  CLIENT_ERROR(400),
  /** {@code 5xx} (YAML {@code ServerError}). */
  SERVER_ERROR(500);

  private final int base;

  StatusClass(int base) {
    this.base = base;
  }

  /** Whether {@code status} is in this class. */
  public boolean contains(int status) {
    return status >= base && status < base + 100;
  }

  /**
   * The class of {@code status}.
   *
   * @throws IllegalArgumentException if it is not in {@code 100..599}
   */
  public static StatusClass of(int status) {
    HttpResponse.checkStatus(status);
    return values()[status / 100 - 1];
  }
}
