package org.safelight.web.browser;

/** {@link InstitutionQuestionsBrowserTest} on a phone. */
@Phone
class InstitutionQuestionsPhoneBrowserTest extends InstitutionQuestionsBrowserTest {
}
