package io.netdiag.output;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one text-table renderer: columns padded to their widest cell, separated by a gap, numbers
 * right-aligned when the column says so. The last column is never padded (no trailing blanks).
 */
public final class Table {
    /** How a column lines up. */
    public enum Align { LEFT, RIGHT }

    private final List<String> headers;
    private final Align[] aligns;
    private final List<List<String>> rows = new ArrayList<>();
    private int gap = 2;
    private boolean showHeader = true;

    public Table(String... headers) {
        this.headers = List.of(headers);
        this.aligns = new Align[headers.length];
        Arrays.fill(aligns, Align.LEFT);
    }

    public Table align(int column, Align align) {
        aligns[column] = align;
        return this;
    }

    public Table gap(int spaces) {
        this.gap = spaces;
        return this;
    }

    public Table withoutHeader() {
        this.showHeader = false;
        return this;
    }

    public Table row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, table has " + headers.size() + " columns");
        }
        List<String> row = new ArrayList<>(cells.length);
        for (Object cell : cells) {
            row.add(cell == null ? "" : cell.toString());
        }
        rows.add(row);
        return this;
    }

    public int size() {
        return rows.size();
    }

    /** The table as lines, each ending in a newline. */
    public String render() {
        int[] widths = new int[headers.size()];
        if (showHeader) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = headers.get(i).length();
            }
        }
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder();
        if (showHeader) {
            line(out, headers, widths);
        }
        for (List<String> row : rows) {
            line(out, row, widths);
        }
        return out.toString();
    }

    private void line(StringBuilder out, List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            boolean last = i == cells.size() - 1;
            int pad = widths[i] - cell.length();
            if (aligns[i] == Align.RIGHT) {
                line.append(" ".repeat(pad)).append(cell);
            } else {
                line.append(cell);
                if (!last) {
                    line.append(" ".repeat(pad));
                }
            }
            if (!last) {
                line.append(" ".repeat(gap));
            }
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }
}
