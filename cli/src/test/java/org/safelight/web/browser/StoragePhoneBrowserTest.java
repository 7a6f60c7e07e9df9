package org.safelight.web.browser;

/** {@link StorageBrowserTest} on a phone. */
@Phone
class StoragePhoneBrowserTest extends StorageBrowserTest {
}
