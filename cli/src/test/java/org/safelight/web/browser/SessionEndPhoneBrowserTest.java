package org.safelight.web.browser;

/** {@link SessionEndBrowserTest} on a phone. */
@Phone
class SessionEndPhoneBrowserTest extends SessionEndBrowserTest {
}
