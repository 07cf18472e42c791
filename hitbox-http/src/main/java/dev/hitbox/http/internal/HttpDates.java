package dev.hitbox.http.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** HTTP dates ({@code Sun, 06 Nov 1994 08:49:37 GMT}), RFC 9110 section 5.6.7. */
public final class HttpDates {
  private static final DateTimeFormatter RFC_1123 = DateTimeFormatter.RFC_1123_DATE_TIME;
  private static final DateTimeFormatter RFC_850 =
      DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss zzz", Locale.US);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US).withZone(ZoneOffset.UTC);

  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);

  private HttpDates() {}

  /** Parses an HTTP date in any of its three forms; {@code null} if it does not parse. */
  public static @Nullable Instant parse(@Nullable String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    for (DateTimeFormatter f : new DateTimeFormatter[] {RFC_1123, RFC_850, ASCTIME}) {
      try {
        return ZonedDateTime.parse(t, f).toInstant();
      } catch (DateTimeParseException e) {
        // try the next form
      }
    }
    return null;
  }

  /** Formats an instant in the preferred form (IMF-fixdate). */
  public static String format(Instant instant) {
    return IMF_FIXDATE.format(instant);
  }
}
