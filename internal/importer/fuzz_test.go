package importer_test

import (
	"strings"
	"testing"

	"whatmatters/internal/importer"
)

// FuzzParse feeds Parse any bytes: it must not panic, and every problem it
// reports must name a row of the file (the header is row 1).
func FuzzParse(f *testing.F) {
	f.Add(header + "M-1,Yusuf,Ahmed,1944-03-09,,12 Mill Lane,rv1 2ab,North,sam@x.test,high\n")
	f.Add("external_id,given_name,family_name,team\n1,\"a\nb\",c,T\n2,,,\n")
	f.Add("\ufeffPERSON_ID,FIRST_NAMES,LAST_NAME,DATE_OF_BIRTH\n1,a,b,31/02/1950\n")
	f.Add("external_id,given_name,family_name,team\n1,\"unclosed,b,T\n")
	f.Fuzz(func(t *testing.T, s string) {
		rows, ps, err := importer.Parse(strings.NewReader(s), importer.Mosaic)
		if err != nil {
			return
		}
		lines := strings.Count(s, "\n") + strings.Count(s, "\r") + 2
		for _, p := range ps {
			if p.Row < 0 || p.Row > lines {
				t.Fatalf("problem on row %d of a file of at most %d rows: %+v", p.Row, lines, p)
			}
		}
		if len(rows) > lines {
			t.Fatalf("%d rows from %d lines", len(rows), lines)
		}
	})
}
