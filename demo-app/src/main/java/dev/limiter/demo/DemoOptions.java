package dev.limiter.demo;

import dev.limiter.http.HeaderDialect;
import java.util.List;
import java.util.Locale;

/**
 * The demo's command line.
 *
 * @param host the address to bind, {@code 127.0.0.1} by default
 * @param port the HTTP port, 8080 by default, 0 for any free port
 * @param headers the header dialect, {@code both} by default
 */
record DemoOptions(String host, int port, HeaderDialect headers) {

  static final String USAGE =
      "usage: java -jar demo-app/target/demo-app.jar [--port N] [--host ADDRESS]"
          + " [--headers x|ietf|draft6|both|none]";

  static DemoOptions defaults() {
    return new DemoOptions("127.0.0.1", 8080, HeaderDialect.BOTH);
  }

  /**
   * Parses the arguments.
   *
   * @throws IllegalArgumentException with a message and the usage when an argument is wrong
   */
  static DemoOptions parse(List<String> args) {
    DemoOptions options = defaults();
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (flag.equals("--help") || flag.equals("-h")) {
        throw new IllegalArgumentException(USAGE);
      }
      if (i + 1 >= args.size()) {
        // every flag takes a value, and the usage shows every flag: one it does not show is unknown
        String problem = USAGE.contains("[" + flag + " ") ? flag + " needs a value" : "unknown option " + flag;
        throw new IllegalArgumentException(problem + "\n" + USAGE);
      }
      String value = args.get(++i);
      options =
          switch (flag) {
            case "--port" -> new DemoOptions(options.host, port(value), options.headers);
            case "--host" -> new DemoOptions(value, options.port, options.headers);
            case "--headers" -> new DemoOptions(options.host, options.port, headers(value));
            default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
          };
    }
    return options;
  }

  private static HeaderDialect headers(String value) {
    try {
      return HeaderDialect.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--headers: " + e.getMessage() + "\n" + USAGE, e);
    }
  }

  private static int port(String value) {
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        String.format(Locale.ROOT, "--port must be a number from 0 to 65535, was \"%s\"\n%s", value, USAGE));
  }
}
