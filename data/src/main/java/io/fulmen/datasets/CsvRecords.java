package io.fulmen.datasets;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the records of a CSV file as RFC 4180 describes them: fields separated by a delimiter, a field in double
 * quotes may hold the delimiter, line breaks and doubled quotes ({@code ""} for one {@code "}). Records end at
 * {@code \n}, {@code \r\n} or {@code \r}; blank lines are skipped. Unquoted fields are returned as written, not
 * trimmed; blanks around a quoted field are dropped.
 */
final class CsvRecords {
    private final Reader in;
    private final char delimiter;
    private final String fileName;
    private int line = 1;
    private int pushedBack = -2;

    /** One record and the line it starts on (1-based). */
    record Row(int line, List<String> fields) {}

    CsvRecords(Reader in, char delimiter, String fileName) {
        this.in = in;
        this.delimiter = delimiter;
        this.fileName = fileName;
    }

    /** The next non-blank record, or null at the end of the file. */
    Row next() throws IOException {
        while (true) {
            int c = read();
            if (c < 0) {
                return null;
            }
            if (c == '\n' || c == '\r') {
                endLine(c);
                continue;
            }
            unread(c);
            return readRecord();
        }
    }

    private Row readRecord() throws IOException {
        int start = line;
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean afterQuote = false;
        while (true) {
            int c = read();
            if (quoted) {
                if (c < 0) {
                    throw new DatasetFormatException(fileName + ":" + start + ": a quoted field is not closed"
                            + " before the end of the file");
                }
                if (c == '"') {
                    int d = read();
                    if (d == '"') {
                        field.append('"');
                    } else {
                        unread(d);
                        quoted = false;
                        afterQuote = true;
                    }
                } else {
                    if (c == '\n' || c == '\r') {
                        endLine(c);
                        field.append('\n');
                    } else {
                        field.append((char) c);
                    }
                }
            } else if (c < 0 || c == '\n' || c == '\r') {
                fields.add(field.toString());
                if (c >= 0) {
                    endLine(c);
                }
                return new Row(start, List.copyOf(fields));
            } else if (c == delimiter) {
                fields.add(field.toString());
                field.setLength(0);
                afterQuote = false;
            } else if (afterQuote) {
                if (c == ' ' || c == '\t') {
                    continue;
                }
                throw new DatasetFormatException(fileName + ":" + line + ": field " + (fields.size() + 1)
                        + " has text after its closing quote");
            } else if (c == '"' && field.toString().isBlank()) {
                field.setLength(0);
                quoted = true;
            } else {
                field.append((char) c);
            }
        }
    }

    /** Counts a line break; {@code \r\n} counts once. */
    private void endLine(int c) throws IOException {
        if (c == '\r') {
            int d = read();
            if (d != '\n') {
                unread(d);
            }
        }
        line++;
    }

    private int read() throws IOException {
        if (pushedBack != -2) {
            int c = pushedBack;
            pushedBack = -2;
            return c;
        }
        return in.read();
    }

    private void unread(int c) {
        pushedBack = c;
    }
}
