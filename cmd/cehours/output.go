package main

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"golang.org/x/text/width"
)

// formats are the output formats of the listing commands.
var formats = map[string]bool{"table": true, "csv": true, "json": true}

// checkFormat returns a usage error for an unknown --format.
func checkFormat(f string, allowed ...string) error {
	ok := formats[f]
	if len(allowed) > 0 {
		ok = false
		for _, a := range allowed {
			ok = ok || a == f
		}
	}
	if !ok {
		return usageError{fmt.Errorf("--format %q: not one of table, csv, json", f)}
	}
	return nil
}

// printRows writes a listing: an aligned table, csv with a header row, or
// for json the value v as one JSON array.
func printRows(w io.Writer, format string, header []string, rows [][]string, v any) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(v)
	case "csv":
		cw := csv.NewWriter(w)
		if err := cw.Write(header); err != nil {
			return err
		}
		return cw.WriteAll(rows)
	}
	return writeAligned(w, append([][]string{header}, rows...))
}

// writeAligned writes rows as columns padded to their widest cell, by
// display width: a Chinese character takes two columns of a terminal.
func writeAligned(w io.Writer, rows [][]string) error {
	var widths []int
	for _, r := range rows {
		for i, c := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			b.WriteString(c)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
			}
		}
		b.WriteByte('\n')
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
