package org.safelight.format.pdf;

import java.io.IOException;
import org.apache.pdfbox.pdmodel.PDDocument;

/** The two faces the report uses, embedded in one document. */
record Fonts(EmbeddedFont regular, EmbeddedFont bold) {

    static Fonts load(PDDocument doc) throws IOException {
        return new Fonts(EmbeddedFont.load(doc, "/liberation/LiberationSans-Regular.ttf"),
                EmbeddedFont.load(doc, "/liberation/LiberationSans-Bold.ttf"));
    }
}
