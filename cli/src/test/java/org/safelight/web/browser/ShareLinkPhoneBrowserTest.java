package org.safelight.web.browser;

/** {@link ShareLinkBrowserTest} on a phone. */
@Phone
class ShareLinkPhoneBrowserTest extends ShareLinkBrowserTest {
}
