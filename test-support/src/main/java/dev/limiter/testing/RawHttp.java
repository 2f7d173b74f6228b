/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Sends raw HTTP/1.1 bytes over a socket, for requests that no HTTP client would send, and checks
 * that the answer is well-formed. In the test-jar, for the adapters' and the demo's hostile-input
 * tests.
 */
public final class RawHttp {

  /** 127.0.0.1, without a name lookup. */
  private static final InetAddress LOOPBACK = loopback();

  private static InetAddress loopback() {
    try {
      return InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final Pattern FIELD =
      Pattern.compile(
          "[!#$%&'*+.^_`|~0-9A-Za-z-]+:[ \t]*([\\x21-\\x7E]([\\x20-\\x7E\t]*[\\x21-\\x7E])?)?");
  private static final Pattern STATUS_LINE =
      Pattern.compile("HTTP/1\\.1 [1-5][0-9]{2} [\\x20-\\x7E]*");

  private RawHttp() {}

  /**
   * A parsed response.
   *
   * @param status the status code
   * @param fields the header fields, in order, values without surrounding whitespace
   * @param body the body, de-chunked, as UTF-8
   */
  public record Reply(int status, List<Map.Entry<String, String>> fields, String body) {

    /**
     * Returns the values of a field, case-insensitively.
     *
     * @param name the field name
     * @return its values, in order; empty if absent
     */
    public List<String> values(String name) {
      List<String> values = new ArrayList<>();
      for (Map.Entry<String, String> field : fields) {
        if (field.getKey().equalsIgnoreCase(name)) {
          values.add(field.getValue());
        }
      }
      return values;
    }

    /**
     * Returns the names of the fields, lower-cased.
     *
     * @return the names, in order
     */
    public List<String> names() {
      return fields.stream().map(f -> f.getKey().toLowerCase(Locale.ROOT)).toList();
    }
  }

  /**
   * Sends {@code head} (request line and fields, each ended by CRLF, without the empty line) with
   * {@code Connection: close}, reads the whole answer and checks that it is well-formed HTTP/1.1: a
   * status line, fields that are tokens with visible-ASCII values, no bare CR or LF, and a body
   * whose length matches.
   *
   * @param port the server's port on 127.0.0.1
   * @param head the request line and fields
   * @return the parsed answer
   * @throws IOException if the socket fails
   */
  public static Reply exchange(int port, byte[] head) throws IOException {
    byte[] request =
        concat(head, "Host: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(ISO_8859_1));
    byte[] answer;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(LOOPBACK, port), 5_000);
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      answer = in.readAllBytes();
    }
    return parse(answer);
  }

  /**
   * As {@link #exchange(int, byte[])}, with the head as ISO-8859-1 text.
   *
   * @param port the server's port on 127.0.0.1
   * @param head the request line and fields
   * @return the parsed answer
   * @throws IOException if the socket fails
   */
  public static Reply exchange(int port, String head) throws IOException {
    return exchange(port, head.getBytes(ISO_8859_1));
  }

  private static Reply parse(byte[] answer) {
    String all = new String(answer, ISO_8859_1);
    int end = all.indexOf("\r\n\r\n");
    assertThat(end).as("end of the header section in %s", all).isPositive();
    String[] lines = all.substring(0, end).split("\r\n", -1);
    assertThat(lines[0]).matches(STATUS_LINE);
    int status = Integer.parseInt(lines[0].substring(9, 12));
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    for (String line : Arrays.asList(lines).subList(1, lines.length)) {
      assertThat(line).as("a well-formed field line").matches(FIELD);
      int colon = line.indexOf(':');
      fields.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).strip()));
    }
    byte[] body = Arrays.copyOfRange(answer, end + 4, answer.length);
    Reply reply = new Reply(status, fields, "");
    if (reply.values("Transfer-Encoding").contains("chunked")) {
      body = unchunk(body);
    } else if (!reply.values("Content-Length").isEmpty()) {
      assertThat(body.length).isEqualTo(Integer.parseInt(reply.values("Content-Length").get(0)));
    }
    return new Reply(status, fields, new String(body, StandardCharsets.UTF_8));
  }

  private static byte[] unchunk(byte[] chunked) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String text = new String(chunked, ISO_8859_1);
    int at = 0;
    while (true) {
      int lineEnd = text.indexOf("\r\n", at);
      int size = Integer.parseInt(text.substring(at, lineEnd).split(";", -1)[0].strip(), 16);
      if (size == 0) {
        return out.toByteArray();
      }
      out.write(chunked, lineEnd + 2, size);
      at = lineEnd + 2 + size + 2;
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] result = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, result, a.length, b.length);
    return result;
  }
}
