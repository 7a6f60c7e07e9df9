package org.safelight.web.browser;

/** {@link PasswordKeyBrowserTest} on a phone. */
@Phone
class PasswordKeyPhoneBrowserTest extends PasswordKeyBrowserTest {
}
