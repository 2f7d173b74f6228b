/*
 * Copyright 2026 the limiter authors
 * SPDX-License-Identifier: Apache-2.0
 */
package dev.limiter.servlet;

import dev.limiter.Admission;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Completes the admission of a request that went asynchronous, at the first of the events that end
 * its asynchronous cycle: {@code onComplete}, {@code onTimeout}, {@code onError}.
 *
 * <p>On {@code onComplete} the response is complete and its status is the one the client got. On
 * {@code onTimeout} and {@code onError} the response may not be finished yet: the listeners of the
 * application, which registered before this one and so run first, may have answered it, or the
 * container answers {@code 500} when none did. The admission is completed there and then all the
 * same, rather than at the {@code onComplete} that normally follows, so that no container path that
 * skips {@code onComplete} can keep a slot on a limit on requests in flight (its lease is renewed
 * for as long as the request is not completed). The status given then is {@link
 * #failedStatus(HttpServletResponse, boolean)}'s.
 *
 * <p>A new asynchronous cycle ({@code startAsync} again after {@code AsyncContext.dispatch}) drops
 * the listeners of the last one, so this one registers itself again on {@code onStartAsync}.
 */
final class AsyncCompletion implements AsyncListener {

  private final Admission admission;
  private final HttpServletResponse response;

  private AsyncCompletion(Admission admission, HttpServletResponse response) {
    this.admission = admission;
    this.response = response;
  }

  /**
   * Completes {@code admission} when the asynchronous cycle that {@code request} started ends;
   * called by the filter on the request's thread, after the chain returned and before the filter
   * returns to the container, while a listener may still be added.
   *
   * @return false when the cycle can no longer be listened to (it ended during the dispatch in a
   *     way the container does not report): the caller completes the admission now
   */
  static boolean listen(
      HttpServletRequest request, HttpServletResponse response, Admission admission) {
    AsyncContext async;
    try {
      async = request.getAsyncContext();
      async.addListener(new AsyncCompletion(admission, response));
    } catch (IllegalStateException e) {
      return false;
    }
    return true;
  }

  /**
   * The status to complete with when the response ended in an exception, a timeout or an error,
   * before the container finished it: the response's own status once it is committed, since the
   * client has that status line already; before that, an error status the application set (a
   * listener of its own that answered the timeout, say, with {@code 503}) when {@code
   * honourErrorStatus}; else {@code 500}, which is what the container answers for an exception or
   * an unhandled timeout or error.
   */
  static int failedStatus(HttpServletResponse response, boolean honourErrorStatus) {
    int status = response.getStatus();
    if (response.isCommitted() || (honourErrorStatus && status >= 400 && status <= 599)) {
      return status;
    }
    return HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
  }

  @Override
  public void onComplete(AsyncEvent event) {
    admission.complete(response.getStatus());
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    admission.complete(failedStatus(response, true));
  }

  @Override
  public void onError(AsyncEvent event) {
    admission.complete(failedStatus(response, true));
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    AsyncContext async = event.getAsyncContext();
    if (async != null) {
      async.addListener(this);
    }
  }
}
