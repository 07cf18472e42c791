package dev.hitbox.dynamodb;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/** Turns what the AWS SDK throws into messages a user can act on. */
final class Errors {
  private Errors() {}

  /** The service's error code and message, else the most telling cause. */
  static String message(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ResourceNotFoundException) {
        return "no such table (" + detail(t) + ")";
      }
      if (t instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
        String code = aws.awsErrorDetails().errorCode();
        String m = aws.awsErrorDetails().errorMessage();
        return (code != null ? code + ": " : "") + (m != null ? m : aws.getMessage());
      }
      if (t instanceof ApiCallTimeoutException || t instanceof TimeoutException) {
        return "timed out (" + t.getMessage() + ")";
      }
      if (t instanceof ConnectException) {
        return "connection refused (" + t.getMessage() + ")";
      }
      if (t instanceof UnknownHostException) {
        return "unknown host (" + t.getMessage() + ")";
      }
    }
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return detail(root);
  }

  private static String detail(@Nullable Throwable t) {
    if (t == null) {
      return "unknown error";
    }
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }
}
