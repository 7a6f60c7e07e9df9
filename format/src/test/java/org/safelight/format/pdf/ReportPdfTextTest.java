package org.safelight.format.pdf;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The text handling under report.pdf: what the font can draw, and where lines break. */
class ReportPdfTextTest {
    private PDDocument doc;
    private EmbeddedFont font;

    @BeforeEach
    void loadFont() throws IOException {
        doc = new PDDocument();
        font = EmbeddedFont.load(doc, "/liberation/LiberationSans-Regular.ttf");
    }

    @AfterEach
    void closeDocument() throws IOException {
        doc.close();
    }

    @Test
    void characters_the_font_lacks_become_one_question_mark_each() {
        assertThat(font.printable("患者 😀 Zoë Ørsted Привет Ελλάδα", false)).isEqualTo("?? ? Zoë Ørsted Привет Ελλάδα");
    }

    @Test
    void control_format_and_broken_characters_become_question_marks() {
        assertThat(font.printable("a\u0000b\u0007c\u202Ed\uD800e\u200Df", false)).isEqualTo("a?b?c?d?e?f");
    }

    @Test
    void line_breaks_are_kept_only_where_asked_and_tabs_become_spaces() {
        assertThat(font.printable("one\r\ntwo\rthree\nfour\u2028five\tsix", true)).isEqualTo("one\ntwo\nthree\nfour\nfive six");
        assertThat(font.printable("one\r\ntwo\tthree", false)).isEqualTo("one two three");
    }

    @Test
    void every_wrapped_line_fits_the_width_and_no_character_is_lost() {
        String text = "short words then " + "M".repeat(400) + " and more short words after it";

        List<String> lines = LineBreaker.wrap(text, font, 10, 200);

        assertThat(lines).hasSizeGreaterThan(5)
                .allSatisfy(line -> assertThat(font.width(line, 10)).isLessThanOrEqualTo(200f));
        assertThat(String.join(" ", lines).replace(" ", "")).isEqualTo(text.replace(" ", ""));
    }

    @Test
    void paragraphs_are_kept_and_runs_of_blank_lines_collapse_to_one() {
        List<String> lines = LineBreaker.wrap("first\n\n\n\n\nsecond\n\n", font, 10, 300);

        assertThat(lines).containsExactly("first", "", "second");
    }

    @Test
    void a_clipped_line_fits_and_ends_with_an_ellipsis() {
        String clipped = LineBreaker.clip("x".repeat(300), font, 8, 100);

        assertThat(clipped).endsWith("…").startsWith("xxxx");
        assertThat(font.width(clipped, 8)).isLessThanOrEqualTo(100f);
    }
}
