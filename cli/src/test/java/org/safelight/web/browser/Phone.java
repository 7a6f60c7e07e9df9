package org.safelight.web.browser;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a browser test class at the phone's size (390×844, touch, a phone's user agent) instead of
 * the desktop's. The usual way to test a view at both sizes is an empty subclass:
 * {@code @Phone class AccountPhoneBrowserTest extends AccountBrowserTest {}}.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface Phone {
}
