package org.safelight.web.browser;

import static org.assertj.core.api.Assertions.assertThat;

import org.safelight.web.testing.Browser;

/** Checks of a view's layout that the harness's page-wide check does not make. */
final class Views {
    private Views() {
    }

    /**
     * Nothing in the main area reaches past the window's width. (A phone's browser widens its
     * layout to fit content that overflows, which hides the overflow from innerWidth.)
     */
    static void fit(Browser browser) {
        Object wide = browser.script("""
                const limit = document.documentElement.clientWidth + 1;
                return [...document.querySelectorAll('main *')].filter(e => e.getClientRects().length
                    && e.getBoundingClientRect().right > limit)
                  .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className).join(', ');
                """);
        assertThat(wide).as("elements wider than the window").isEqualTo("");
    }
}
