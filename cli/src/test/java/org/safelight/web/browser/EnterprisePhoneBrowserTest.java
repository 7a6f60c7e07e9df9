package org.safelight.web.browser;

/** {@link EnterpriseBrowserTest} on a phone. */
@Phone
class EnterprisePhoneBrowserTest extends EnterpriseBrowserTest {
}
