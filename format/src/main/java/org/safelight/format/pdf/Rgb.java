package org.safelight.format.pdf;

/** A colour of the report's palette, in 0–255 components. */
record Rgb(int red, int green, int blue) {
    static final Rgb INK = new Rgb(33, 37, 41);
    static final Rgb MUTED = new Rgb(104, 112, 120);
    static final Rgb RULE = new Rgb(206, 212, 218);
    static final Rgb PANEL = new Rgb(243, 245, 247);
    static final Rgb ACCENT = new Rgb(27, 58, 87);
    static final Rgb ON_ACCENT = new Rgb(255, 255, 255);
    static final Rgb ON_ACCENT_MUTED = new Rgb(178, 196, 214);
    static final Rgb GRANTED = new Rgb(25, 110, 70);

    float r() {
        return red / 255f;
    }

    float g() {
        return green / 255f;
    }

    float b() {
        return blue / 255f;
    }
}
