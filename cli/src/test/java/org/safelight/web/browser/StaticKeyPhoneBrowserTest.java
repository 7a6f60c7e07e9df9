package org.safelight.web.browser;

/** {@link StaticKeyBrowserTest} on a phone. */
@Phone
class StaticKeyPhoneBrowserTest extends StaticKeyBrowserTest {
}
