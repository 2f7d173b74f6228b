/** The {@link dev.limiter.annotation.RateLimit} annotation that declares limits on endpoints. */
@NullMarked
package dev.limiter.annotation;

import org.jspecify.annotations.NullMarked;
