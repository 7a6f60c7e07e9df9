package org.safelight.cli.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.safelight.format.report.ItemId;
import org.safelight.format.report.MediaItem;
import org.safelight.format.report.MediaItem.MediaType;

class ShareMessageTest {
    private static final String LINK = "https://safelight.example/app/report/AU/Abc123-0000000011462800528240";

    private static List<MediaItem> media(int photos, int videos, int audio) {
        List<MediaItem> items = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < photos; i++) {
            items.add(new MediaItem(new ItemId("p" + n++), MediaType.PHOTO, Set.of()));
        }
        for (int i = 0; i < videos; i++) {
            items.add(new MediaItem(new ItemId("v" + n++), MediaType.VIDEO, Set.of()));
        }
        for (int i = 0; i < audio; i++) {
            items.add(new MediaItem(new ItemId("a" + n++), MediaType.AUDIO, Set.of()));
        }
        return items;
    }

    @Test
    void the_contents_are_counted_in_words_and_joined_with_and() {
        assertThat(ShareMessage.contents(media(2, 1, 0))).isEqualTo("2 photos and 1 video");
        assertThat(ShareMessage.contents(media(1, 0, 0))).isEqualTo("1 photo");
        assertThat(ShareMessage.contents(media(0, 0, 2))).isEqualTo("2 audio recordings");
        assertThat(ShareMessage.contents(media(3, 2, 1))).isEqualTo("3 photos, 2 videos and 1 audio recording");
        assertThat(ShareMessage.contents(media(0, 0, 0))).isEmpty();
    }

    @Test
    void the_message_is_one_sentence_a_blank_line_and_the_link_and_without_metadata_counts_nothing() {
        assertThat(ShareMessage.compose(null, 7, LINK)).isEqualTo(
                "Please tap the link below (valid for 7 days) to view a Safelight report.\n\n" + LINK);
    }

    @Test
    void sms_and_whatsapp_urls_carry_the_whole_message_encoded() {
        String message = "Please tap the link below (valid for 7 days) to view a Safelight report containing 1 photo."
                + "\n\n" + LINK;
        String sms = ShareMessage.deliveryUrl(Recipient.parse("sms:+61 400 123 456"), message);
        String wa = ShareMessage.deliveryUrl(Recipient.parse("whatsapp:+61400123456"), message);

        assertThat(sms).startsWith("sms:+61400123456?&body=Please%20tap%20the%20link").doesNotContain(" ", "\n");
        assertThat(URLDecoder.decode(sms.substring(sms.indexOf("body=") + 5), StandardCharsets.UTF_8))
                .isEqualTo(message);
        assertThat(wa).startsWith("https://wa.me/61400123456?text=Please%20tap");
        assertThat(URLDecoder.decode(wa.substring(wa.indexOf("text=") + 5), StandardCharsets.UTF_8))
                .isEqualTo(message);
        assertThat(ShareMessage.deliveryUrl(Recipient.parse("cloud"), message)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sms:0400123456", "sms:+61", "whatsapp:+0123456789", "sms:+61abc4001234",
        "sms:+6140012345678901234", "fax:+61400123456", "whatsapp:", "email:not-an-address",
        "email:IT <it@hospital.example>", "endpoint:ftp://intake.example", "endpoint:https://intake.example/?a=1",
        "endpoint:https://user:pw@intake.example", "endpoint:intake.example", "fhir:fhir.hospital.example",
        "fhir:https://noor:pw@fhir.hospital.example/r4", "fhir:https://fhir.hospital.example/r4?_format=json"})
    void anything_not_understood_is_refused_with_a_reason(String to) {
        assertThatThrownBy(() -> Recipient.parse(to)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'");
    }

    @Test
    void an_endpoint_url_and_an_email_address_are_recipients_with_their_channel() {
        Recipient endpoint = Recipient.parse("endpoint:https://intake.hospital.example/picsafe");
        Recipient email = Recipient.parse("email:picsafe@hospital.example");

        assertThat(endpoint.channel()).isEqualTo("endpoint");
        assertThat(endpoint.address()).isEqualTo("https://intake.hospital.example/picsafe");
        assertThat(email.channel()).isEqualTo("email");
        assertThat(email.address()).isEqualTo("picsafe@hospital.example");
    }

    @Test
    void a_fhir_servers_base_url_is_a_recipient_without_its_trailing_slash() {
        Recipient fhir = Recipient.parse("fhir:https://fhir.hospital.example/stu3/");

        assertThat(fhir).isEqualTo(new Recipient.Fhir(java.net.URI.create("https://fhir.hospital.example/stu3")));
        assertThat(fhir.channel()).isEqualTo("fhir");
        assertThat(fhir.address()).isEqualTo("https://fhir.hospital.example/stu3");
    }
}
