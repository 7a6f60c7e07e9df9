package org.safelight.client.fhir.testing;

import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

/**
 * The search semantics of a real FHIR server, for the parameters the test server supports: strings
 * match case- and accent-insensitively from the start ({@code :exact} and {@code :contains} too),
 * tokens as {@code system|value}, {@code |value} (no system), {@code value} (any system) or
 * {@code system|} (any value), dates by equality at the precision asked ({@code 1980} matches
 * {@code 1980-05-01}).
 */
final class SearchMatch {
    private SearchMatch() {
    }

    /** A missing parameter matches everything. */
    static boolean string(StringParam param, List<String> values) {
        if (param == null) {
            return true;
        }
        String wanted = param.isExact() ? param.getValue() : normalize(param.getValue());
        for (String value : values) {
            if (value == null) {
                continue;
            }
            if (param.isExact() ? value.equals(wanted)
                    : param.isContains() ? normalize(value).contains(wanted)
                    : normalize(value).startsWith(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** {@code codes} are {@code [system, value]} pairs (system may be null). */
    static boolean token(TokenParam param, List<String[]> codes) {
        if (param == null) {
            return true;
        }
        if (param.getModifier() != null) {
            throw new InvalidRequestException("the test server does not support token modifiers");
        }
        for (String[] code : codes) {
            if (token(param.getSystem(), param.getValue(), code[0], code[1])) {
                return true;
            }
        }
        return false;
    }

    /** A token as written in a conditional URL or a search: {@code system|value}, {@code |value}, {@code value}. */
    static boolean token(String token, List<String[]> codes) {
        int bar = token.indexOf('|');
        String system = bar < 0 ? null : token.substring(0, bar);
        String value = bar < 0 ? token : token.substring(bar + 1);
        for (String[] code : codes) {
            if (token(system, value, code[0], code[1])) {
                return true;
            }
        }
        return false;
    }

    private static boolean token(String wantedSystem, String wantedValue, String system, String value) {
        boolean systemOk = wantedSystem == null
                || (wantedSystem.isEmpty() ? system == null || system.isEmpty() : wantedSystem.equals(system));
        boolean valueOk = wantedValue == null || wantedValue.isEmpty() || wantedValue.equals(value);
        return systemOk && valueOk;
    }

    static boolean date(DateParam param, String value) {
        if (param == null) {
            return true;
        }
        if (param.getPrefix() != null && param.getPrefix() != ParamPrefixEnum.EQUAL) {
            throw new InvalidRequestException("the test server supports date equality only");
        }
        String wanted = param.getValueAsString();
        if (wanted != null && wanted.startsWith("eq")) {
            wanted = wanted.substring(2);
        }
        return value != null && wanted != null && value.startsWith(wanted);
    }

    static boolean emailIgnoringCase(String wanted, List<String> emails) {
        if (wanted == null) {
            return true;
        }
        return emails.stream().anyMatch(e -> e != null && e.strip().equalsIgnoreCase(wanted.strip()));
    }

    static String normalize(String s) {
        String decomposed = Normalizer.normalize(s.strip(), Normalizer.Form.NFD);
        return decomposed.replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
    }
}
