package org.safelight.web.browser;

/** {@link InstitutionBrowserTest} on a phone. */
@Phone
class InstitutionPhoneBrowserTest extends InstitutionBrowserTest {
}
