package org.safelight.web.browser;

/** {@link ComposeAndSendBrowserTest} on a phone. */
@Phone
class ComposeAndSendPhoneBrowserTest extends ComposeAndSendBrowserTest {
}
