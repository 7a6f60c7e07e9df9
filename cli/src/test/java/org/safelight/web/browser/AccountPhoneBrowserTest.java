package org.safelight.web.browser;

/** {@link AccountBrowserTest} on a phone. */
@Phone
class AccountPhoneBrowserTest extends AccountBrowserTest {
}
