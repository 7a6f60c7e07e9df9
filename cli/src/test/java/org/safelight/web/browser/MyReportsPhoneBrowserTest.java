package org.safelight.web.browser;

/** {@link MyReportsBrowserTest} on a phone. */
@Phone
class MyReportsPhoneBrowserTest extends MyReportsBrowserTest {
}
