package org.safelight.web.browser;

/** {@link OpeningProgressBrowserTest} on a phone. */
@Phone
class OpeningProgressPhoneBrowserTest extends OpeningProgressBrowserTest {
}
