/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.demo;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One persistent HTTP/1.1 connection to the demo on 127.0.0.1, for campaigns that send hundreds of
 * thousands of requests: a request is a few bytes written and a reply read to its end (by {@code
 * Content-Length} or chunks), several times faster than {@link java.net.http.HttpClient} here. Not
 * thread-safe: one per thread.
 */
final class KeepAliveClient implements AutoCloseable {

  private final Socket socket = new Socket();
  private final OutputStream out;
  private final InputStream in;

  KeepAliveClient(int port) throws IOException {
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    socket.setSoTimeout(10_000);
    socket.setTcpNoDelay(true);
    out = socket.getOutputStream();
    in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
  }

  /** Sends a GET with one header field and returns the status; the body is read and dropped. */
  int get(String path, String name, String value) throws IOException {
    String request =
        "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + name + ": " + value + "\r\n\r\n";
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    String statusLine = line();
    int status = Integer.parseInt(statusLine.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    for (String field = line(); !field.isEmpty(); field = line()) {
      String lower = field.toLowerCase(Locale.ROOT);
      if (lower.startsWith("content-length:")) {
        length = Long.parseLong(lower.substring(15).strip());
      } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
        chunked = true;
      } else if (lower.startsWith("connection:") && lower.contains("close")) {
        throw new IOException("the server closed the connection after " + statusLine);
      }
    }
    if (chunked) {
      for (long size = Long.parseLong(line().split(";", -1)[0].strip(), 16);
          size > 0;
          size = Long.parseLong(line().split(";", -1)[0].strip(), 16)) {
        skip(size);
        line();
      }
      line(); // the empty line after the last chunk
    } else if (length > 0) {
      skip(length);
    }
    return status;
  }

  private String line() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(64);
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("the connection ended in the middle of a reply");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }

  private void skip(long bytes) throws IOException {
    for (long left = bytes; left > 0; ) {
      long skipped = in.skip(left);
      if (skipped <= 0) {
        if (in.read() < 0) {
          throw new IOException("the connection ended in the middle of a body");
        }
        skipped = 1;
      }
      left -= skipped;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
