package org.safelight.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The image tarball Jib wrote ({@code docker save} form: manifest.json, config.json, gzipped layers),
 * unpacked into a scratch folder. Layers are read with the system's GNU tar, as a container runtime
 * would apply them; Jib's tar entries carry a libarchive header GNU tar does not know, hence the
 * {@code --warning=no-unknown-keyword}.
 */
final class ImageTarball {
    /** One entry of a layer as {@code tar -tv --numeric-owner} lists it. */
    record Entry(String mode, int uid, int gid, String path) {
        boolean isDirectory() {
            return mode.startsWith("d");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    final Path folder;
    final JsonNode manifest;
    final JsonNode config;

    private ImageTarball(Path folder) throws IOException {
        this.folder = folder;
        this.manifest = JSON.readTree(folder.resolve("manifest.json").toFile()).get(0);
        this.config = JSON.readTree(folder.resolve(manifest.get("Config").asText()).toFile());
    }

    /** The tarball the build made (system property {@code safelight.image.tar}), unpacked under {@code scratch}. */
    static ImageTarball unpack(Path scratch) throws IOException, InterruptedException {
        Path tar = Path.of(System.getProperty("safelight.image.tar", "target/safelight-image.tar"));
        if (!Files.isRegularFile(tar)) {
            throw new IllegalStateException(tar + " is missing: run the build's 'package' phase first");
        }
        Path folder = scratch.resolve("image");
        Files.createDirectories(folder);
        run(List.of("tar", "-xf", tar.toString(), "-C", folder.toString()));
        return new ImageTarball(folder);
    }

    List<Path> layers() {
        List<Path> layers = new ArrayList<>();
        manifest.get("Layers").forEach(l -> layers.add(folder.resolve(l.asText())));
        return layers;
    }

    List<Entry> entries(Path layer) throws IOException, InterruptedException {
        List<Entry> entries = new ArrayList<>();
        for (String line : run(List.of("tar", "--warning=no-unknown-keyword", "--numeric-owner", "-tvzf",
                layer.toString())).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            // drwx------ 10001/10001 0 1970-01-01 00:00 ./var/lib/safelight/  (symlinks end in " -> target")
            String[] f = line.split("\\s+", 6);
            String[] owner = f[1].split("/");
            String path = f[5].replaceFirst(" -> .*$", "").replaceFirst("^\\./", "/").replaceFirst("^(?!/)", "/");
            entries.add(new Entry(f[0], Integer.parseInt(owner[0]), Integer.parseInt(owner[1]), path));
        }
        return entries;
    }

    List<Entry> allEntries() throws IOException, InterruptedException {
        List<Entry> all = new ArrayList<>();
        for (Path layer : layers()) {
            all.addAll(entries(layer));
        }
        return all;
    }

    /** Applies every layer in order onto {@code root}, owners kept (as root) as a runtime would. */
    void applyLayersTo(Path root) throws IOException, InterruptedException {
        Files.createDirectories(root);
        for (Path layer : layers()) {
            run(List.of("tar", "--warning=no-unknown-keyword", "-xzf", layer.toString(), "-C", root.toString()));
        }
    }

    /** The config's environment as NAME=value strings. */
    List<String> env() {
        List<String> env = new ArrayList<>();
        config.at("/config/Env").forEach(e -> env.add(e.asText()));
        return env;
    }

    static String run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("TZ", "UTC"); // listings show times in the local zone
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(String.join(" ", command) + " did not finish in 120 s");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + text);
        }
        return text;
    }
}
