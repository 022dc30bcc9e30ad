package io.fulmen.runtime.report;

import java.util.List;
import java.util.Map;

/** The few HTML pieces the report is made of, with every text escaped. */
final class Html {
    private Html() {}

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    static String pre(String text) {
        return "<pre>" + escape(text) + "</pre>";
    }

    static String table(List<String> headers, List<List<String>> rows) {
        StringBuilder t = new StringBuilder("<table><thead><tr>");
        headers.forEach(h -> t.append("<th>").append(escape(h)).append("</th>"));
        t.append("</tr></thead><tbody>");
        for (List<String> row : rows) {
            t.append("<tr>");
            row.forEach(cell -> t.append("<td>").append(escape(cell)).append("</td>"));
            t.append("</tr>");
        }
        return t.append("</tbody></table>").toString();
    }

    static String keyValueTable(Map<String, String> entries) {
        return table(List.of("name", "value"), entries.entrySet().stream()
                .map(e -> List.of(e.getKey(), e.getValue())).toList());
    }
}
