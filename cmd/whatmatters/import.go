package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/i18n"
	"whatmatters/internal/importer"
	"whatmatters/internal/store"
	"whatmatters/internal/web"
)

func init() {
	register("import", "import people from a CSV file: a dry run listing every problem, then --confirm", runImport)
}

func runImport(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("import", stderr)
	var d dbFlags
	d.register(fs)
	as := fs.String("as", "", "the email address of the organisation's admin doing the import (required)")
	mapping := fs.String("mapping", "", "the column names: template (the default), mosaic, liquidlogic, or a mapping saved with --save-mapping")
	confirm := fs.Bool("confirm", false, "write the people; without it the file is only checked and nothing is written")
	lang := fs.String("lang", i18n.English, "the language of the problems: en or cy")
	save := fs.String("save-mapping", "", "save a mapping of this name (with --map) for the organisation, instead of importing")
	var maps listFlag
	fs.Var(&maps, "map", "with --save-mapping: FIELD=COLUMN, the export's column for a template field (repeat for each)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: whatmatters import --as ADMIN_EMAIL [--mapping NAME] [--confirm] FILE.csv")
		fmt.Fprintln(stderr, "       whatmatters import --as ADMIN_EMAIL --save-mapping NAME --map FIELD=COLUMN ...")
		fs.PrintDefaults()
	}
	file, ok := parseWithFile(fs, args, stderr)
	if !ok {
		return 2
	}
	if *as == "" || (file == "") == (*save == "") {
		fs.Usage()
		return 2
	}
	ctx := context.Background()
	db, err := d.open(ctx)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer db.Close()
	a, err := accountByEmail(ctx, db, *as)
	if err != nil {
		return fieldFail(stderr, err, "as")
	}
	s := account.NewSubject(a, "", "cli")
	if *save != "" {
		return saveMapping(ctx, db, s, *save, maps, stdout, stderr)
	}
	return importFile(ctx, db, s, file, *mapping, *confirm, i18n.Lang(*lang), stdout, stderr)
}

// parseWithFile parses flags given before or after the one FILE argument.
func parseWithFile(fs *flag.FlagSet, args []string, stderr io.Writer) (string, bool) {
	var file string
	for {
		if err := fs.Parse(args); err != nil {
			return "", false
		}
		if fs.NArg() == 0 {
			return file, true
		}
		if file != "" {
			fmt.Fprintf(stderr, "whatmatters: one file at a time: %q and %q\n", file, fs.Arg(0))
			return "", false
		}
		file, args = fs.Arg(0), fs.Args()[1:]
	}
}

func saveMapping(ctx context.Context, db *store.DB, s account.Subject, name string, maps []string, stdout, stderr io.Writer) int {
	m := importer.Mapping{Name: name, Columns: map[importer.Field]string{}}
	for _, kv := range maps {
		f, col, ok := strings.Cut(kv, "=")
		if !ok {
			fmt.Fprintf(stderr, "whatmatters: --map %q: write FIELD=COLUMN\n", kv)
			return 2
		}
		m.Columns[importer.Field(strings.TrimSpace(f))] = strings.TrimSpace(col)
	}
	if err := importer.SaveMapping(ctx, db, s, m); err != nil {
		if errors.Is(err, access.ErrNotAllowed) {
			return fail(stderr, "%s", i18n.T(i18n.English, "cli.import.not_admin", s.Account.Email))
		}
		return fieldFail(stderr, err, "map")
	}
	fmt.Fprintf(stdout, "saved mapping %q (%d columns)\n", m.Name, len(m.Columns))
	return 0
}

// importFile checks the file, printing every problem by row and column,
// and with confirm imports it. The status is 0 when the file is fine (and,
// with --confirm, written) and 1 when it has problems: nothing is written.
func importFile(ctx context.Context, db *store.DB, s account.Subject, file, mapping string, confirm bool, lang string,
	stdout, stderr io.Writer) int {
	m, err := importer.FindMapping(ctx, db.Read(), s.Account.OrganisationID, mapping)
	if errors.Is(err, store.ErrNotFound) {
		return fail(stderr, "--mapping: there is no mapping called %q", mapping)
	}
	if err != nil {
		return fail(stderr, "%v", err)
	}
	f, err := os.Open(file)
	if err != nil {
		return fail(stderr, "%v", err)
	}
	defer f.Close()
	res, err := importer.Run(ctx, db, s, f, m, filepath.Base(file), confirm)
	switch {
	case errors.Is(err, access.ErrNotAllowed):
		return fail(stderr, "%s", i18n.T(lang, "cli.import.not_admin", s.Account.Email))
	case errors.Is(err, importer.ErrTooLarge):
		return fail(stderr, "%s", i18n.T(lang, "import.file.too_large", importer.MaxFileBytes>>20))
	case errors.Is(err, importer.ErrTooManyRows):
		return fail(stderr, "%s", i18n.T(lang, "import.file.too_many_rows", web.Thousands(importer.MaxRows)))
	case err != nil:
		return fail(stderr, "%v", err)
	}
	for _, p := range res.Problems {
		fmt.Fprintln(stdout, i18n.T(lang, "cli.import.problem", p.Row, p.Column, i18n.T(lang, p.Code, p.Args...)))
	}
	fmt.Fprintln(stdout, i18n.T(lang, "cli.import.summary", res.Rows, res.New, res.Skipped, len(res.Problems)))
	switch {
	case len(res.Problems) > 0:
		fmt.Fprintln(stdout, i18n.T(lang, "cli.import.nothing_written"))
		return 1
	case res.Written:
		fmt.Fprintln(stdout, i18n.N(lang, "cli.import.imported", res.New))
	default:
		fmt.Fprintln(stdout, i18n.T(lang, "cli.import.dry_run"))
	}
	return 0
}
