// Package pdfx builds the few PDF documents whatmatters offers for
// download (a person's access report): A4 landscape, a heading, paragraphs and a
// table whose rows break across pages with the header repeated, and the
// page numbers in the reader's words.
//
// The text is in DejaVu Sans, embedded in the binary and in each PDF:
// Welsh needs ŵ and ŷ, which the PDF core fonts (WinAnsi) lack, and the
// server must need nothing at run time. The fonts and their licence are in
// fonts/ (Debian's fonts-dejavu-core).
package pdfx

import (
	_ "embed"
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

var (
	//go:embed fonts/DejaVuSans.ttf
	regular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	bold []byte
)

const (
	family   = "DejaVu"
	margin   = 15.0 // mm, every side
	lineH    = 4.5  // mm, one line of table text
	pad      = 1.2  // mm, inside a table cell
	bodySize = 9.0  // pt, the table
	maxLines = 40   // a cell taller than this is cut, so a row always fits on a page
	pagesTag = "{nb}"
)

// Doc is a document being written. Its errors are kept by fpdf and
// returned by Output.
type Doc struct {
	f *fpdf.Fpdf
}

// New starts an A4 landscape document (the tables are wide: landscape
// keeps most rows to a line) in language lang (a BCP 47 tag, for screen
// readers), with title in its properties and page says each page's
// footer, given the page number and the number of pages (as text).
func New(title, lang string, page func(n int, of string) string) *Doc {
	f := fpdf.New("L", "mm", "A4", "")
	f.AddUTF8FontFromBytes(family, "", regular)
	f.AddUTF8FontFromBytes(family, "B", bold)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, margin+5)
	f.SetTitle(title, true)
	f.SetLang(lang)
	f.SetCreator("whatmatters", true)
	f.AliasNbPages(pagesTag)
	f.SetFooterFunc(func() {
		f.SetY(-margin)
		f.SetFont(family, "", 8)
		f.CellFormat(0, 5, page(f.PageNo(), pagesTag), "", 0, "C", false, 0, "")
	})
	f.AddPage()
	return &Doc{f: f}
}

// Heading writes a line of large bold text.
func (d *Doc) Heading(s string) {
	d.f.SetFont(family, "B", 16)
	d.f.MultiCell(0, 8, s, "", "L", false)
	d.f.Ln(2)
}

// Subheading writes a line of bold text.
func (d *Doc) Subheading(s string) {
	d.f.Ln(2)
	d.f.SetFont(family, "B", 11)
	d.f.MultiCell(0, 6, s, "", "L", false)
	d.f.Ln(1)
}

// Para writes a paragraph, wrapped to the page.
func (d *Doc) Para(s string) {
	d.f.SetFont(family, "", 10)
	d.f.MultiCell(0, 5, s, "", "L", false)
	d.f.Ln(2)
}

// Output writes the finished document to w.
func (d *Doc) Output(w io.Writer) error {
	if err := d.f.Error(); err != nil {
		return fmt.Errorf("pdfx: %w", err)
	}
	return d.f.Output(w)
}

// Column is one column of a table: its heading and its share of the
// page's width (the shares of a table add up to 1).
type Column struct {
	Title string
	Share float64
}

// Table is a table being written; its header is repeated at the top of
// every page it reaches.
type Table struct {
	d      *Doc
	cols   []Column
	widths []float64
}

// Table starts a table with its header.
func (d *Doc) Table(cols ...Column) *Table {
	pw, _ := d.f.GetPageSize()
	t := &Table{d: d, cols: cols}
	for _, c := range cols {
		t.widths = append(t.widths, (pw-2*margin)*c.Share)
	}
	t.header()
	return t
}

func (t *Table) header() {
	titles := make([]string, len(t.cols))
	for i, c := range t.cols {
		titles[i] = c.Title
	}
	t.d.f.SetFillColor(230, 230, 230)
	t.draw("B", true, titles)
}

// Row writes one row, on a new page (under the header again) if it does
// not fit on this one.
func (t *Table) Row(cells ...string) {
	t.draw("", false, cells)
}

// draw writes a row of cells, each wrapped to its column, all as tall as
// the tallest.
func (t *Table) draw(style string, fill bool, cells []string) {
	f := t.d.f
	f.SetFont(family, style, bodySize)
	lines := make([][]string, len(t.widths))
	n := 1
	for i, w := range t.widths {
		if i < len(cells) {
			lines[i] = wrap(f, cells[i], w-2*pad)
		}
		n = max(n, len(lines[i]))
	}
	h := float64(n)*lineH + 2*pad
	_, ph := f.GetPageSize()
	if f.GetY()+h > ph-margin-5 {
		f.AddPage()
		if !fill {
			t.header()
			f.SetFont(family, style, bodySize)
		}
	}
	x, y := f.GetX(), f.GetY()
	for i, w := range t.widths {
		rect := "D"
		if fill {
			rect = "FD"
		}
		f.Rect(x, y, w, h, rect)
		for j, line := range lines[i] {
			f.SetXY(x+pad, y+pad+float64(j)*lineH)
			f.CellFormat(w-2*pad, lineH, line, "", 0, "L", false, 0, "")
		}
		x += w
	}
	f.SetXY(margin, y+h)
}

// wrap splits s into the lines that fit width w, at most maxLines.
func wrap(f *fpdf.Fpdf, s string, w float64) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	// SplitText leaves its own cell margin out of w.
	lines := f.SplitText(s, w+2*f.GetCellMargin())
	if len(lines) > maxLines {
		lines = append(lines[:maxLines-1], "…")
	}
	return lines
}
