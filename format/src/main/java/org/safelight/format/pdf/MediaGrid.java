package org.safelight.format.pdf;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pdfbox.pdmodel.graphics.image.PDImageXObject;
import org.safelight.format.report.ConsentLevel;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MediaItem;

/**
 * The media section: one card per item, two to a row, each with its thumbnail fitted into a fixed
 * frame, its type, ID and consent levels. A row is never split across pages.
 */
final class MediaGrid {
    private static final float GAP = 18;
    private static final float CARD_WIDTH = (PageFlow.WIDTH - GAP) / 2;
    private static final float FRAME_HEIGHT = CARD_WIDTH * 0.70f;
    private static final float CAPTION_LABEL_WIDTH = 44;
    private static final float CAPTION_SIZE = 9;
    private static final float CAPTION_LEADING = 12.5f;
    private static final float ROW_GAP = 16;

    private final PageFlow flow;
    private final Fonts fonts;
    private final Blocks blocks;

    MediaGrid(PageFlow flow, Fonts fonts) {
        this.flow = flow;
        this.fonts = fonts;
        this.blocks = new Blocks(flow, fonts);
    }

    /**
     * @param thumbnails the decoded thumbnail of each item that has a readable one
     * @param supplied   the items a thumbnail was supplied for, readable or not
     */
    void render(List<MediaItem> items, Map<ItemId, PDImageXObject> thumbnails, Set<ItemId> supplied)
            throws IOException {
        List<Card> cards = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            MediaItem item = items.get(i);
            cards.add(card(item, i + 1, items.size(), Optional.ofNullable(thumbnails.get(item.id())),
                    supplied.contains(item.id())));
        }
        float firstRow = cards.isEmpty() ? Blocks.firstRow() : rowHeight(cards.subList(0, Math.min(2, cards.size())));
        blocks.heading(items.size() == 1 ? "Media (1 item)" : "Media (" + items.size() + " items)", firstRow);
        if (cards.isEmpty()) {
            blocks.optional("Items", "None in this report");
            return;
        }
        for (int i = 0; i < cards.size(); i += 2) {
            List<Card> row = cards.subList(i, Math.min(i + 2, cards.size()));
            float height = rowHeight(row);
            flow.ensure(height);
            float top = flow.y();
            for (int c = 0; c < row.size(); c++) {
                draw(row.get(c), PageFlow.LEFT + c * (CARD_WIDTH + GAP), top);
            }
            flow.moveTo(top - height - ROW_GAP);
        }
    }

    /** One item, laid out but not drawn yet: a row's height is the taller of its two cards. */
    private record Card(String type, String position, List<String> id, List<String> levels,
                        Optional<PDImageXObject> thumbnail, String placeholder) {
        float height() {
            return FRAME_HEIGHT + 8 + CAPTION_LEADING + 2 + (id.size() + levels.size()) * CAPTION_LEADING;
        }
    }

    private Card card(MediaItem item, int number, int count, Optional<PDImageXObject> thumbnail, boolean supplied) {
        String type = switch (item.type()) {
            case PHOTO -> "Photo";
            case VIDEO -> "Video";
            case AUDIO -> "Audio recording";
        };
        float valueWidth = CARD_WIDTH - CAPTION_LABEL_WIDTH;
        EmbeddedFont regular = fonts.regular();
        List<String> id = LineBreaker.wrap(regular.printable(item.id().value(), false), regular, CAPTION_SIZE, valueWidth);
        String levelText = item.levels().isEmpty() ? "None recorded"
                : item.levels().stream().map(MediaGrid::levelName).collect(Collectors.joining(", "));
        List<String> levels = LineBreaker.wrap(levelText, regular, CAPTION_SIZE, valueWidth);
        String placeholder = supplied ? "Preview could not be read"
                : item.type() == MediaItem.MediaType.AUDIO ? "Audio recording: no preview" : "No preview available";
        return new Card(type, "Item " + number + " of " + count, id, levels, thumbnail, placeholder);
    }

    private static float rowHeight(List<Card> row) {
        return (float) row.stream().mapToDouble(Card::height).max().orElse(0);
    }

    private void draw(Card card, float x, float top) throws IOException {
        float frameBottom = top - FRAME_HEIGHT;
        flow.fill(Rgb.PANEL, x, frameBottom, CARD_WIDTH, FRAME_HEIGHT);
        if (card.thumbnail().isPresent()) {
            flow.imageFitted(card.thumbnail().get(), x, frameBottom, CARD_WIDTH, FRAME_HEIGHT);
        } else {
            flow.textCentred(fonts.regular(), CAPTION_SIZE, Rgb.MUTED, x + CARD_WIDTH / 2,
                    frameBottom + FRAME_HEIGHT / 2 - 3, card.placeholder());
        }
        flow.frame(Rgb.RULE, 0.5f, x, frameBottom, CARD_WIDTH, FRAME_HEIGHT);

        float y = frameBottom - 8;
        float baseline = PageFlow.baseline(y, CAPTION_LEADING, 10);
        flow.text(fonts.bold(), 10, Rgb.INK, x, baseline, card.type());
        flow.textRight(fonts.regular(), 8, Rgb.MUTED, x + CARD_WIDTH, baseline, card.position());
        y -= CAPTION_LEADING + 2;
        y = captionField(x, y, "ID", card.id());
        captionField(x, y, "Consent", card.levels());
    }

    private float captionField(float x, float top, String label, List<String> lines) throws IOException {
        float y = top;
        for (int i = 0; i < lines.size(); i++) {
            float baseline = PageFlow.baseline(y, CAPTION_LEADING, CAPTION_SIZE);
            if (i == 0) {
                flow.text(fonts.regular(), 8, Rgb.MUTED, x, baseline, label);
            }
            flow.text(fonts.regular(), CAPTION_SIZE, Rgb.INK, x + CAPTION_LABEL_WIDTH, baseline, lines.get(i));
            y -= CAPTION_LEADING;
        }
        return y;
    }

    private static String levelName(ConsentLevel level) {
        return switch (level) {
            case TREATMENT -> "Treatment";
            case EDUCATION -> "Education";
            case PUBLICATION -> "Publication";
        };
    }
}
