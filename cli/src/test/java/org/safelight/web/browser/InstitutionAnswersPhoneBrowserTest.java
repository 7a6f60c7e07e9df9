package org.safelight.web.browser;

/** {@link InstitutionAnswersBrowserTest} on a phone. */
@Phone
class InstitutionAnswersPhoneBrowserTest extends InstitutionAnswersBrowserTest {
}
