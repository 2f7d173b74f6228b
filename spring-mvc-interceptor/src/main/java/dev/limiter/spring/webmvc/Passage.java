/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.spring.webmvc;

import dev.limiter.Admission;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.async.CallableProcessingInterceptor;

/**
 * One admitted request on its way through the dispatcher, kept as a request attribute: its {@link
 * Admission}, the dispatch that admitted it, and whether its handler went asynchronous. It tells
 * the interceptor in which dispatch the response ends, and completes the admission itself when the
 * container ends an asynchronous response: as the {@link AsyncListener} of the request's
 * asynchronous cycles, and it makes the admission {@link Admission#current() current} on the thread
 * that runs a {@code Callable} or {@code WebAsyncTask}.
 *
 * <p>Completion is idempotent ({@link Admission#complete(int)} does its work once), so the several
 * signals of one response (the end of the asynchronous dispatch, then the container's {@code
 * onComplete}) never give back twice.
 */
final class Passage implements AsyncListener, CallableProcessingInterceptor {

  private final Admission admission;
  private final Object handler;
  private final DispatcherType dispatcherType;
  private final HttpServletResponse response;
  private volatile boolean asynchronous;
  private final AtomicBoolean listening = new AtomicBoolean();

  Passage(
      Admission admission,
      Object handler,
      DispatcherType dispatcherType,
      HttpServletResponse response) {
    this.admission = admission;
    this.handler = handler;
    this.dispatcherType = dispatcherType;
    this.response = response;
  }

  Admission admission() {
    return admission;
  }

  /**
   * Whether the response of the request ends with the dispatch that now completes: the dispatch
   * that admitted it, unless its handler went asynchronous, or an asynchronous dispatch, which
   * writes the result of one. Not a forward or include inside the admitting dispatch, after which
   * the outer dispatch still writes.
   */
  boolean endsWith(HttpServletRequest request, Object completing) {
    DispatcherType type = request.getDispatcherType();
    if (type == DispatcherType.ASYNC) {
      return true;
    }
    return !asynchronous && completing == handler && type == dispatcherType;
  }

  /**
   * The handler went asynchronous: listens to the request's asynchronous cycle, so that the
   * admission completes when the container ends the response even if no asynchronous dispatch
   * reaches the interceptor (an error, a client that went away).
   */
  void wentAsynchronous(HttpServletRequest request) {
    asynchronous = true;
    if (!listening.compareAndSet(false, true)) {
      return; // listening already (a new cycle re-registers in onStartAsync)
    }
    boolean added = false;
    if (request.isAsyncStarted()) {
      try {
        request.getAsyncContext().addListener(this);
        added = true;
      } catch (IllegalStateException e) {
        // the cycle ended meanwhile
      }
    }
    if (!added) {
      listening.set(false);
      // The cycle ended before the listener could be added. Ended with the response committed (a
      // client that went away after the status line, which the container ends without an
      // asynchronous dispatch), the status is final: complete with it, or nothing would. Not
      // committed, the asynchronous dispatch that writes the response follows and completes it.
      if (response.isCommitted()) {
        admission.complete(response.getStatus());
      }
    }
  }

  /**
   * The status a response ended with: when it failed before its header was sent, the container
   * answers 500 whatever status was set; once sent, the status the client received.
   */
  static int status(HttpServletResponse response, @Nullable Throwable failure) {
    return failure != null && !response.isCommitted() ? 500 : response.getStatus();
  }

  /** The container ended the response: after the asynchronous dispatch, an error or a timeout. */
  @Override
  public void onComplete(AsyncEvent event) {
    admission.complete(response.getStatus());
  }

  /**
   * Nothing yet: Spring answers a timeout (503, or the {@code DeferredResult}'s or {@code
   * WebAsyncTask}'s own result) in the asynchronous dispatch that follows, and the container
   * completes the response after it; completing here would take the status from before that answer.
   */
  @Override
  public void onTimeout(AsyncEvent event) {}

  /** The response failed (a client that went away, an I/O error): complete it now. */
  @Override
  public void onError(AsyncEvent event) {
    admission.complete(status(response, event.getThrowable()));
  }

  /** A new asynchronous cycle started in an asynchronous dispatch: listen to it as well. */
  @Override
  public void onStartAsync(AsyncEvent event) {
    event.getAsyncContext().addListener(this);
  }

  /** On the thread that runs a {@code Callable} or a {@code WebAsyncTask}: before it. */
  @Override
  public <T> void preProcess(NativeWebRequest request, Callable<T> task) {
    Admission.setCurrent(admission);
  }

  /**
   * On the thread that ran a {@code Callable} or a {@code WebAsyncTask}: after it. A task that
   * failed after the response was committed (a {@code StreamingResponseBody} whose client hung up
   * after the status line) ends with the status the client has; complete with it now, since neither
   * the container nor Spring always ends that cycle.
   */
  @Override
  public <T> void postProcess(
      NativeWebRequest request, Callable<T> task, @Nullable Object concurrentResult) {
    Admission.setCurrent(null);
    if (concurrentResult instanceof Throwable && response.isCommitted()) {
      admission.complete(response.getStatus());
    }
  }
}
