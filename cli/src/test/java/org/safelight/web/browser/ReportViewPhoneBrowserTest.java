package org.safelight.web.browser;

/** {@link ReportViewBrowserTest} on a phone. */
@Phone
class ReportViewPhoneBrowserTest extends ReportViewBrowserTest {
}
