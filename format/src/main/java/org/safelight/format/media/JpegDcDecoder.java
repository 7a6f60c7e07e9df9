package org.safelight.format.media;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;

/**
 * Decodes a JPEG at one eighth of its size from the DC coefficients alone: each 8x8 block's DC
 * coefficient is that block's average, so no inverse DCT runs and the AC coefficients are only
 * skipped, not dequantised. For a 12 MP phone photo this is several times faster than a full decode
 * and never holds the full-size image (48 MB as ARGB), which is what a thumbnail needs.
 *
 * <p>Handles what phones and cameras write: baseline or extended sequential Huffman JPEGs, 8-bit,
 * one interleaved scan, greyscale or three components (YCbCr, or RGB when an Adobe segment says so)
 * with sampling factors of 1 or 2. For anything else (progressive, arithmetic coding, CMYK,
 * 12-bit, several scans, odd sampling) and for data it cannot make sense of, it answers
 * {@code null} and the caller decodes with ImageIO instead, which also gives the usual error for a
 * damaged file. Not thread-safe; one decoder per image (the class's static method is safe).
 */
final class JpegDcDecoder {
    private static final int SOF0 = 0xC0;
    private static final int SOF1 = 0xC1;
    private static final int DHT = 0xC4;
    private static final int DQT = 0xDB;
    private static final int DRI = 0xDD;
    private static final int SOS = 0xDA;
    private static final int APP14 = 0xEE;
    /**
     * Images larger than this many blocks (about 134 MP) are left to ImageIO, which refuses them
     * (see Thumbnails): it bounds what a declared size can make this decoder allocate (at most
     * about 24 MB of block averages) whatever a tiny file claims.
     */
    static final long MAX_BLOCKS = 1L << 21;

    private final byte[] data;
    private int pos;
    private final JpegHuffman.Table[] dcTables = new JpegHuffman.Table[4];
    private final JpegHuffman.Table[] acTables = new JpegHuffman.Table[4];
    private final int[] quantDc = new int[4];
    private int restartInterval;
    private int width;
    private int height;
    private Component[] components;
    private int adobeTransform = -1;
    private int minLongEdge;

    private JpegDcDecoder(byte[] data) {
        this.data = data;
    }

    /**
     * The image at 1/8 scale (each edge rounded up), RGB; or null when this decoder does not handle
     * the file, or when that image's longer edge would be shorter than {@code minLongEdge} (a small
     * photo's thumbnail needs more than its DC coefficients).
     */
    static BufferedImage decode(byte[] jpeg, int minLongEdge) {
        try {
            JpegDcDecoder decoder = new JpegDcDecoder(jpeg);
            decoder.minLongEdge = minLongEdge;
            return decoder.decode();
        } catch (Unsupported | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    /** Thrown for what this decoder leaves to ImageIO; never leaves the class. */
    static final class Unsupported extends Exception {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private record Component(int id, int h, int v, int tq) {
    }

    private BufferedImage decode() throws Unsupported {
        if (u8(0) != 0xFF || u8(1) != 0xD8) {
            throw new Unsupported();
        }
        pos = 2;
        while (true) {
            int marker = nextMarker();
            if (marker == 0xD9 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
                // EOI before a scan, or a stray standalone marker: let ImageIO judge it
                throw new Unsupported();
            }
            int length = u16(pos);
            int start = pos + 2;
            int end = pos + length;
            if (length < 2 || end > data.length) {
                throw new Unsupported();
            }
            switch (marker) {
                case SOF0, SOF1 -> frame(start, end);
                case DHT -> huffmanTables(start, end);
                case DQT -> quantTables(start, end);
                case DRI -> restartInterval = u16(start);
                case APP14 -> adobe(start, end);
                case SOS -> {
                    scanHeader(start);
                    pos = end;
                    return new Scan(this).run();
                }
                default -> {
                    // any other frame type (progressive, lossless, arithmetic...) goes to ImageIO
                    if (marker >= 0xC0 && marker <= 0xCF && marker != DHT && marker != 0xC8) {
                        throw new Unsupported();
                    }
                }
            }
            pos = end;
        }
    }

    private int nextMarker() throws Unsupported {
        if (u8(pos) != 0xFF) {
            throw new Unsupported();
        }
        while (u8(pos) == 0xFF) {
            pos++;
        }
        return u8(pos++);
    }

    private void frame(int start, int end) throws Unsupported {
        if (components != null || u8(start) != 8) {
            throw new Unsupported();
        }
        height = u16(start + 1);
        width = u16(start + 3);
        int count = u8(start + 5);
        if ((Math.max(width, height) + 7) / 8 < minLongEdge) {
            throw new Unsupported();
        }
        if (width == 0 || height == 0 || (count != 1 && count != 3) || start + 6 + count * 3 > end) {
            // a height of 0 (set later by a DNL segment) is also left to ImageIO
            throw new Unsupported();
        }
        components = new Component[count];
        for (int i = 0; i < count; i++) {
            int p = start + 6 + i * 3;
            int h = u8(p + 1) >> 4;
            int v = u8(p + 1) & 15;
            int tq = u8(p + 2);
            if (h < 1 || h > 2 || v < 1 || v > 2 || tq > 3) {
                throw new Unsupported();
            }
            components[i] = new Component(u8(p), h, v, tq);
        }
        if (count == 1 && (components[0].h() != 1 || components[0].v() != 1)) {
            // a one-component scan is not interleaved: its blocks do not follow the sampling factors
            throw new Unsupported();
        }
    }

    private void huffmanTables(int start, int end) throws Unsupported {
        int p = start;
        while (p < end) {
            int tc = u8(p) >> 4;
            int th = u8(p) & 15;
            if (tc > 1 || th > 3) {
                throw new Unsupported();
            }
            int[] counts = new int[17];
            int total = 0;
            for (int i = 1; i <= 16; i++) {
                counts[i] = u8(p + i);
                total += counts[i];
            }
            if (total > 256 || p + 17 + total > end) {
                throw new Unsupported();
            }
            byte[] symbols = new byte[total];
            System.arraycopy(data, p + 17, symbols, 0, total);
            JpegHuffman.Table table = JpegHuffman.Table.of(counts, symbols);
            if (tc == 0) {
                dcTables[th] = table;
            } else {
                acTables[th] = table;
            }
            p += 17 + total;
        }
    }

    private void quantTables(int start, int end) throws Unsupported {
        int p = start;
        while (p < end) {
            int precision = u8(p) >> 4;
            int tq = u8(p) & 15;
            if (precision > 1 || tq > 3) {
                throw new Unsupported();
            }
            // the DC step is the first value, in zigzag order as in every table
            quantDc[tq] = precision == 0 ? u8(p + 1) : u16(p + 1);
            p += 1 + 64 * (precision + 1);
        }
    }

    private void adobe(int start, int end) {
        // "Adobe", version, flags0, flags1, transform: 0 means the three components are RGB as stored
        if (end - start >= 12 && u8(start) == 'A' && u8(start + 1) == 'd' && u8(start + 2) == 'o'
                && u8(start + 3) == 'b' && u8(start + 4) == 'e') {
            adobeTransform = u8(start + 11);
        }
    }

    /** The scan's component order and tables; only one scan holding every component is handled. */
    private int[][] scanTables;

    private void scanHeader(int start) throws Unsupported {
        int count = u8(start);
        if (components == null || count != components.length) {
            throw new Unsupported();
        }
        scanTables = new int[count][];
        for (int i = 0; i < count; i++) {
            int id = u8(start + 1 + i * 2);
            int tables = u8(start + 2 + i * 2);
            if (components[i].id() != id || dcTables[tables >> 4 & 3] == null || acTables[tables & 3] == null) {
                throw new Unsupported();
            }
            scanTables[i] = new int[] {tables >> 4 & 3, tables & 3};
        }
        int p = start + 1 + count * 2;
        // spectral selection 0..63 and no successive approximation: a sequential scan
        if (u8(p) != 0 || u8(p + 1) != 63 || u8(p + 2) != 0) {
            throw new Unsupported();
        }
    }

    /** Decoding of the one scan: block averages per component, then colour conversion. */
    private static final class Scan {
        private final JpegDcDecoder d;
        private final JpegHuffman.Bits bits;

        Scan(JpegDcDecoder decoder) {
            this.d = decoder;
            this.bits = new JpegHuffman.Bits(decoder.data, decoder.pos);
        }

        BufferedImage run() throws Unsupported {
            Component[] comps = d.components;
            int hMax = 1;
            int vMax = 1;
            for (Component c : comps) {
                hMax = Math.max(hMax, c.h());
                vMax = Math.max(vMax, c.v());
            }
            for (Component c : comps) {
                if (hMax % c.h() != 0 || vMax % c.v() != 0 || d.quantDc[c.tq()] == 0) {
                    throw new Unsupported();
                }
            }
            int mcusX = ceilDiv(d.width, 8 * hMax);
            int mcusY = ceilDiv(d.height, 8 * vMax);
            long blocksPerMcu = 0;
            for (Component c : comps) {
                blocksPerMcu += c.h() * c.v();
            }
            long blocks = (long) mcusX * mcusY * blocksPerMcu;
            // every block takes at least 2 bits (a DC code and an end of block): a file declaring
            // more blocks than its scan's bits can hold is short, so nothing is allocated for it
            if ((long) mcusX * mcusY * hMax * vMax > MAX_BLOCKS || blocks > 4L * (d.data.length - d.pos)) {
                throw new Unsupported();
            }
            int[][] averages = new int[comps.length][];
            int[] stride = new int[comps.length];
            JpegHuffman.Table[] dc = new JpegHuffman.Table[comps.length];
            JpegHuffman.AcSkip[] ac = new JpegHuffman.AcSkip[comps.length];
            for (int i = 0; i < comps.length; i++) {
                stride[i] = mcusX * comps[i].h();
                averages[i] = new int[stride[i] * mcusY * comps[i].v()];
                dc[i] = d.dcTables[d.scanTables[i][0]];
                JpegHuffman.Table table = d.acTables[d.scanTables[i][1]];
                for (int j = 0; j < i && ac[i] == null; j++) {
                    ac[i] = ac[j].table == table ? ac[j] : null; // the chroma components share theirs
                }
                if (ac[i] == null) {
                    ac[i] = new JpegHuffman.AcSkip(table);
                }
            }
            int[] predictor = new int[comps.length];
            int mcusLeft = d.restartInterval;
            for (int my = 0; my < mcusY; my++) {
                for (int mx = 0; mx < mcusX; mx++) {
                    if (d.restartInterval > 0) {
                        if (mcusLeft == 0) {
                            bits.restart();
                            java.util.Arrays.fill(predictor, 0);
                            mcusLeft = d.restartInterval;
                        }
                        mcusLeft--;
                    }
                    for (int i = 0; i < comps.length; i++) {
                        Component c = comps[i];
                        int q = d.quantDc[c.tq()];
                        for (int by = 0; by < c.v(); by++) {
                            int row = (my * c.v() + by) * stride[i] + mx * c.h();
                            for (int bx = 0; bx < c.h(); bx++) {
                                predictor[i] += bits.dcDifference(dc[i]);
                                bits.skipAc(ac[i]);
                                // DC/8 is the block mean around 0; JPEG samples are shifted by 128
                                averages[i][row + bx] = clamp(((predictor[i] * q + 4) >> 3) + 128);
                            }
                        }
                    }
                }
                bits.checkRow();
            }
            bits.finish();
            return image(averages, stride, hMax, vMax);
        }

        private BufferedImage image(int[][] averages, int[] stride, int hMax, int vMax) {
            int w = ceilDiv(d.width, 8);
            int h = ceilDiv(d.height, 8);
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            int[] out = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
            Component[] comps = d.components;
            boolean rgb = comps.length == 3 && (d.adobeTransform == 0
                    || (d.adobeTransform < 0 && comps[0].id() == 'R' && comps[1].id() == 'G' && comps[2].id() == 'B'));
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int a = sample(averages, stride, 0, x, y, hMax, vMax);
                    if (comps.length == 1) {
                        out[y * w + x] = a << 16 | a << 8 | a;
                        continue;
                    }
                    int b = sample(averages, stride, 1, x, y, hMax, vMax);
                    int c = sample(averages, stride, 2, x, y, hMax, vMax);
                    out[y * w + x] = rgb ? a << 16 | b << 8 | c : ycc(a, b, c);
                }
            }
            return image;
        }

        /** Component i's block average over output pixel (x, y), from its own coarser grid if subsampled. */
        private int sample(int[][] averages, int[] stride, int i, int x, int y, int hMax, int vMax) {
            Component c = d.components[i];
            return averages[i][(y * c.v() / vMax) * stride[i] + x * c.h() / hMax];
        }

        /** JFIF's YCbCr to RGB (full range), as libjpeg does it. */
        private static int ycc(int y, int cb, int cr) {
            int r = clamp(Math.round(y + 1.402f * (cr - 128)));
            int g = clamp(Math.round(y - 0.344136f * (cb - 128) - 0.714136f * (cr - 128)));
            int b = clamp(Math.round(y + 1.772f * (cb - 128)));
            return r << 16 | g << 8 | b;
        }
    }

    static int clamp(int v) {
        return v < 0 ? 0 : Math.min(v, 255);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    private int u8(int p) {
        return data[p] & 0xFF;
    }

    private int u16(int p) {
        return (u8(p) << 8) | u8(p + 1);
    }
}
