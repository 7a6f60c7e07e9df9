package org.safelight.format.media;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.Locale;

/**
 * The picture that stands for an audio recording (and, without the microphone, for a video that
 * cannot be decoded here): a microphone between two stylised waveforms on
 * a quiet background, with the recording's length beneath. Nothing of the recording's content is
 * shown; the waveform is decoration. Drawn with shapes and the Liberation Sans Bold shipped on the
 * class path (the same font report.pdf embeds), so it looks the same on a server without system
 * fonts. Stateless and thread-safe.
 */
final class AudioCard {
    static final int WIDTH = 480;
    static final int HEIGHT = 360;

    private static final Color BACKGROUND_TOP = new Color(0xF5, 0xF7, 0xFA);
    private static final Color BACKGROUND_BOTTOM = new Color(0xE2, 0xE8, 0xF0);
    private static final Color DISC = Color.WHITE;
    private static final Color DISC_EDGE = new Color(0xCB, 0xD5, 0xE1);
    private static final Color INK = new Color(0x33, 0x41, 0x55);
    private static final Color WAVE = new Color(0x94, 0xA3, 0xB8);
    /** Bar heights of the decorative waveform, innermost first, as fractions of its full height. */
    private static final double[] WAVE_SHAPE = {0.35, 0.7, 0.5, 0.9, 0.6, 0.4, 0.75, 0.3, 0.5, 0.2};

    private static final double CENTRE_X = WIDTH / 2.0;
    private static final double CENTRE_Y = 150;
    private static final double DISC_RADIUS = 64;

    private static final Font LENGTH_FONT = loadFont("/liberation/LiberationSans-Bold.ttf", 30f);

    private AudioCard() {
    }

    static BufferedImage draw(Duration length) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Pictures.smooth(image);
        try {
            g.setPaint(new GradientPaint(0, 0, BACKGROUND_TOP, 0, HEIGHT, BACKGROUND_BOTTOM));
            g.fillRect(0, 0, WIDTH, HEIGHT);
            drawWaves(g);
            drawMicrophone(g);
            drawLength(g, length);
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * The picture for a video whose frames cannot be decoded here: the same quiet background with
     * the length at the bottom; the caller draws the play symbol in the middle.
     */
    static BufferedImage videoCard(Duration length) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = Pictures.smooth(image);
        try {
            g.setPaint(new GradientPaint(0, 0, BACKGROUND_TOP, 0, HEIGHT, BACKGROUND_BOTTOM));
            g.fillRect(0, 0, WIDTH, HEIGHT);
            drawLength(g, length);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** "0:03", "12:40", "1:02:05": how players show a length, rounded to the nearest second. */
    static String format(Duration length) {
        long seconds = Math.round(length.toMillis() / 1000.0);
        long hours = seconds / 3600;
        long minutes = seconds / 60 % 60;
        long rest = seconds % 60;
        return hours > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", hours, minutes, rest)
                : String.format(Locale.ROOT, "%d:%02d", minutes, rest);
    }

    private static void drawWaves(Graphics2D g) {
        g.setColor(WAVE);
        g.setStroke(new BasicStroke(6, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        double gap = 14;
        double fullHeight = 84;
        for (int i = 0; i < WAVE_SHAPE.length; i++) {
            double offset = DISC_RADIUS + 22 + i * gap;
            double half = WAVE_SHAPE[i] * fullHeight / 2;
            for (double x : new double[] {CENTRE_X - offset, CENTRE_X + offset}) {
                g.draw(new Line2D.Double(x, CENTRE_Y - half, x, CENTRE_Y + half));
            }
        }
    }

    private static void drawMicrophone(Graphics2D g) {
        Ellipse2D disc = new Ellipse2D.Double(CENTRE_X - DISC_RADIUS, CENTRE_Y - DISC_RADIUS,
                2 * DISC_RADIUS, 2 * DISC_RADIUS);
        g.setColor(DISC);
        g.fill(disc);
        g.setColor(DISC_EDGE);
        g.setStroke(new BasicStroke(2));
        g.draw(disc);

        g.setColor(INK);
        double capsuleWidth = 30;
        double capsuleHeight = 50;
        double capsuleTop = CENTRE_Y - 34;
        g.fill(new RoundRectangle2D.Double(CENTRE_X - capsuleWidth / 2, capsuleTop, capsuleWidth, capsuleHeight,
                capsuleWidth, capsuleWidth));
        g.setStroke(new BasicStroke(5, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        // the holder: a cradle around the lower half of the capsule, then a stem and a foot
        double cradleRadius = 25;
        double cradleCentreY = capsuleTop + capsuleHeight - 22;
        g.draw(new Arc2D.Double(CENTRE_X - cradleRadius, cradleCentreY - cradleRadius, 2 * cradleRadius,
                2 * cradleRadius, 180, 180, Arc2D.OPEN));
        double stemTop = cradleCentreY + cradleRadius;
        double footY = stemTop + 14;
        g.draw(new Line2D.Double(CENTRE_X, stemTop, CENTRE_X, footY));
        g.draw(new Line2D.Double(CENTRE_X - 14, footY, CENTRE_X + 14, footY));
    }

    private static void drawLength(Graphics2D g, Duration length) {
        String text = format(length);
        g.setFont(LENGTH_FONT);
        FontMetrics metrics = g.getFontMetrics();
        float x = (float) (CENTRE_X - metrics.stringWidth(text) / 2.0);
        float baseline = (float) (CENTRE_Y + DISC_RADIUS + 62);
        g.setColor(INK);
        g.drawString(text, x, baseline);
    }

    private static Font loadFont(String resource, float size) {
        try (java.io.InputStream in = AudioCard.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("font " + resource + " is missing from the class path");
            }
            return Font.createFont(Font.TRUETYPE_FONT, in).deriveFont(size);
        } catch (java.awt.FontFormatException | java.io.IOException e) {
            throw new IllegalStateException("font " + resource + " cannot be read", e);
        }
    }
}
