package org.safelight.endpoint.dicom;

import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;

/** What the DICOM tests share: Debian's validators run on a file, JPEGs made for a case, the pixel data read back. */
final class DicomFiles {
    static final Path DCIODVFY = Path.of("/usr/bin/dciodvfy");
    static final Path DCMDUMP = Path.of("/usr/bin/dcmdump");

    private DicomFiles() {
    }

    /** The output (stdout and stderr) of {@code tool file}. */
    static String run(Path tool, Path file) throws IOException, InterruptedException {
        Path out = Files.createTempFile(file.getParent(), tool.getFileName().toString(), ".txt");
        Process p = new ProcessBuilder(tool.toString(), file.toString()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(tool + " did not finish within 60 s");
        }
        return Files.readString(out, StandardCharsets.ISO_8859_1);
    }

    /** The lines of dciodvfy's report on {@code file} that are errors. */
    static List<String> dciodvfyErrors(Path file) throws IOException, InterruptedException {
        return run(DCIODVFY, file).lines().filter(l -> l.contains("Error")).toList();
    }

    /** The lines of dciodvfy's report that are warnings. */
    static List<String> dciodvfyWarnings(Path file) throws IOException, InterruptedException {
        return run(DCIODVFY, file).lines().filter(l -> l.contains("Warning")).toList();
    }

    /** A baseline JFIF JPEG in grey (one component), written by the JDK. */
    static byte[] greyJpeg(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.getRaster().setSample(x, y, 0, (x * 7 + y * 3) & 0xFF);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "jpeg", out)) {
            fail("the JDK wrote no JPEG");
        }
        return out.toByteArray();
    }

    /** {@code jpeg} with a comment segment after its SOI: 5 bytes longer, so of the other parity. */
    static byte[] withComment(byte[] jpeg) {
        byte[] out = new byte[jpeg.length + 5];
        out[0] = jpeg[0];
        out[1] = jpeg[1];
        byte[] com = {(byte) 0xFF, (byte) 0xFE, 0, 3, 'x'};
        System.arraycopy(com, 0, out, 2, com.length);
        System.arraycopy(jpeg, 2, out, 7, jpeg.length - 2);
        return out;
    }

    /**
     * The fragments of the encapsulated pixel data of a Part 10 file this encoder wrote, read
     * independently of it: after the (7FE0,0010) OB header of undefined length, items until the
     * sequence delimiter, which must end the file.
     */
    static List<byte[]> fragments(byte[] file) {
        byte[] header = {(byte) 0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
        int at = indexOf(file, header);
        if (at < 0) {
            fail("no encapsulated pixel data");
        }
        at += header.length;
        java.util.ArrayList<byte[]> items = new java.util.ArrayList<>();
        while (true) {
            int group = u16(file, at);
            int element = u16(file, at + 2);
            long length = u16(file, at + 4) | (long) u16(file, at + 6) << 16;
            at += 8;
            if (group == 0xFFFE && element == 0xE0DD) {
                if (length != 0 || at != file.length) {
                    fail("the sequence delimiter is not the file's end");
                }
                return items;
            }
            if (group != 0xFFFE || element != 0xE000) {
                fail(String.format("(%04X,%04X) inside the pixel data", group, element));
            }
            items.add(Arrays.copyOfRange(file, at, (int) (at + length)));
            at += (int) length;
        }
    }

    /** The markers of a JPEG's segments from after its SOI up to and including its first SOS. */
    static List<Integer> markersBeforeScan(byte[] jpeg) {
        java.util.ArrayList<Integer> markers = new java.util.ArrayList<>();
        int at = 2;
        while (at + 4 <= jpeg.length && (jpeg[at] & 0xFF) == 0xFF) {
            int marker = jpeg[at + 1] & 0xFF;
            markers.add(marker);
            if (marker == 0xDA) {
                return markers;
            }
            at += 2 + ((jpeg[at + 2] & 0xFF) << 8 | jpeg[at + 3] & 0xFF);
        }
        fail("no scan header in the JPEG");
        return markers;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
    }

    private static int indexOf(byte[] in, byte[] what) {
        outer:
        for (int i = 0; i <= in.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
