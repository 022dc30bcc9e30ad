package io.fulmen.runtime.report;

import java.util.ArrayList;
import java.util.List;

/** Turns a profiler's text table ({@code fit-profiler.txt}) back into an HTML table. */
final class ProfilerText {
    private ProfilerText() {}

    /**
     * The rows of five cells become a table, the advanced profiler's top methods stay text; a file of another
     * shape is shown as written.
     */
    static String toHtml(String text) {
        List<String> headers = null;
        List<List<String>> rows = new ArrayList<>();
        for (String line : text.lines().toList()) {
            if (!line.startsWith("|")) {
                continue;
            }
            List<String> cells = List.of(line.substring(1).split("\\|")).stream().map(String::strip).toList();
            if (cells.size() != 5) {
                continue;
            }
            if (headers == null) {
                headers = cells;
            } else {
                rows.add(cells);
            }
        }
        if (headers == null) {
            return Html.pre(text);
        }
        int topMethods = text.indexOf("Top methods");
        return Html.table(headers, rows) + (topMethods < 0 ? "" : Html.pre(text.substring(topMethods)));
    }
}
