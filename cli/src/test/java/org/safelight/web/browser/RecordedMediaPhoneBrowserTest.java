package org.safelight.web.browser;

/** {@link RecordedMediaBrowserTest} on a phone. */
@Phone
class RecordedMediaPhoneBrowserTest extends RecordedMediaBrowserTest {
}
