// Package csvx writes CSV files that are safe to open in a spreadsheet.
package csvx

import (
	"encoding/csv"
	"io"
	"strings"
)

// Writer is a csv.Writer that defuses formulas: a cell a spreadsheet
// would run as a formula (starting =, +, -, @, a tab or a carriage
// return) is written with a leading apostrophe, as OWASP advises, so a
// name typed as "=HYPERLINK(…)" stays a name.
type Writer struct{ w *csv.Writer }

// NewWriter writes CSV to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one row.
func (w *Writer) Write(cells ...string) error {
	safe := make([]string, len(cells))
	for i, c := range cells {
		safe[i] = Cell(c)
	}
	return w.w.Write(safe)
}

// Flush writes what is buffered and reports any error.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}

// Cell is c made safe to open in a spreadsheet.
func Cell(c string) string {
	if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
		return "'" + c
	}
	return c
}
