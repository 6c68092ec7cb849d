package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
)

// The schema is written twice, once per engine, in migrations/sqlite and
// migrations/postgres. TestSchemaParity keeps the twins from drifting: it
// migrates a fresh database on each engine, reads back what the engine
// itself says the schema is, and compares
//
//   - tables and views, by name;
//   - columns: type family (see typeFamily), nullability, and default
//     (see normDefault);
//   - primary keys, unique constraints (by columns: the engines name them
//     differently), foreign keys (columns, referenced table and columns,
//     ON DELETE and ON UPDATE) and CHECK constraints (see normExpr);
//   - indexes made with CREATE INDEX: name, table, columns in order (with
//     DESC), unique or not, and the WHERE of a partial index;
//   - triggers: name, table, BEFORE/AFTER/INSTEAD OF and the events.
//
// Not compared: column order, collations, CHECK and index expressions
// beyond the normalisation below, trigger bodies and WHEN clauses, and
// FOR EACH ROW against FOR EACH STATEMENT (SQLite only has the first).
//
// What may legitimately differ is listed, with the reason, in
// parityExceptions; everything else must match. The test needs PostgreSQL
// and runs in the PostgreSQL pass of `make check`:
//
//	scripts/with-postgres.sh go test ./internal/store/ -run Parity
func TestSchemaParity(t *testing.T) {
	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skipf("the schema parity test needs PostgreSQL: run it under scripts/with-postgres.sh (%s is unset)", storetest.EnvPostgres)
	}
	ctx := context.Background()

	lite, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "parity.db"), "")
	if err != nil {
		t.Fatalf("open SQLite: %v", err)
	}
	t.Cleanup(func() { lite.Close() })
	if err := lite.Migrate(ctx); err != nil {
		t.Fatalf("migrate SQLite: %v", err)
	}
	pg := storetest.Open(t) // a fresh, migrated PostgreSQL database
	if pg.Dialect != store.Postgres {
		t.Fatalf("storetest.Open gave a %s database; want PostgreSQL", pg.Dialect)
	}

	// Both must be fully migrated, to the same version.
	lc, ll, err := lite.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pc, pl, err := pg.SchemaVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if lc != ll || pc != pl || ll != pl {
		t.Errorf("schema versions: sqlite at %d of %d, postgres at %d of %d; want both at the same newest version", lc, ll, pc, pl)
	}

	ls := inspectSQLite(t, lite.Read())
	ps := inspectPostgres(t, pg.Read())
	// Guard against introspection that quietly finds nothing (a wrong
	// schema name, a changed catalogue), which would make the two agree.
	for _, s := range []*schema{ls, ps} {
		if n := s.missingKind(); n != "" {
			t.Fatalf("%s: introspection found no %s; the test is not reading the schema", s.engine, n)
		}
	}
	for _, e := range parityExceptions {
		t.Logf("allowed: %s %s on %s: %s", e.kind, e.name, e.engine, e.why)
	}
	for _, e := range applyExceptions(ls, ps) {
		t.Error(e)
	}
	for _, d := range compareSchemas(ls, ps) {
		t.Error(d)
	}
}

// TestMigrationsComeInPairs needs no database: every migration file has a
// twin of the same name for the other engine, so the version numbers stay
// in step.
func TestMigrationsComeInPairs(t *testing.T) {
	names := func(dir string) map[string]bool {
		entries, err := os.ReadDir(filepath.Join("migrations", dir))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]bool{}
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".sql") {
				m[e.Name()] = true
			}
		}
		return m
	}
	lite, pg := names("sqlite"), names("postgres")
	for n := range lite {
		if !pg[n] {
			t.Errorf("migrations/sqlite/%s has no twin in migrations/postgres", n)
		}
	}
	for n := range pg {
		if !lite[n] {
			t.Errorf("migrations/postgres/%s has no twin in migrations/sqlite", n)
		}
	}
}

// parityException is one object that exists on one engine only, or whose
// difference is in the engines' nature rather than a drift.
type parityException struct {
	engine string // "sqlite", "postgres" or "both"
	kind   string // "table", "index", "trigger" or "column" (name "table.column")
	name   string
	why    string
}

// parityExceptions is the whole allow-list. Each entry must still match
// something, so that a stale exception cannot hide a later drift.
var parityExceptions = []parityException{
	{"both", "table", "goose_db_version",
		"goose's own record of the applied migrations, created by goose, not by our migrations"},
	{"postgres", "table", "goose_lock",
		"goose's lock table (lock.NewPostgresTableLocker in migrate.go), which serialises migrations from several instances; SQLite has one writer and needs none"},

	// Full-text search over the story is built differently on each engine:
	// SQLite uses an FTS5 virtual table that the application fills in the
	// same transaction as the entry; PostgreSQL indexes to_tsvector(body)
	// directly on story_entries, so there is no second table to keep in step.
	{"sqlite", "table", "story_search",
		"FTS5 virtual table for story search; PostgreSQL uses the GIN index story_entries_search instead"},
	{"sqlite", "table", "story_search_config", "FTS5 shadow table of story_search (FTS5 internals)"},
	{"sqlite", "table", "story_search_content", "FTS5 shadow table of story_search (FTS5 internals)"},
	{"sqlite", "table", "story_search_data", "FTS5 shadow table of story_search (FTS5 internals)"},
	{"sqlite", "table", "story_search_docsize", "FTS5 shadow table of story_search (FTS5 internals)"},
	{"sqlite", "table", "story_search_idx", "FTS5 shadow table of story_search (FTS5 internals)"},
	{"postgres", "index", "story_entries_search",
		"GIN index on to_tsvector('english', body) for story search; SQLite uses the FTS5 table story_search instead"},

	// About me and outcomes are searched the same two ways (00012_search_more):
	// FTS5 tables on SQLite, kept in step by the application in the write's
	// transaction; GIN indexes on the rows' own words on PostgreSQL.
	{"postgres", "index", "about_me_versions_search",
		"GIN index on to_tsvector of About me's sections; SQLite uses the FTS5 table about_me_search instead"},
	{"postgres", "index", "outcomes_search",
		"GIN index on to_tsvector of an outcome's statement and why it matters; SQLite uses the FTS5 table outcome_search instead"},

	// The audit trail refuses UPDATE and DELETE on both engines through
	// triggers of the same names. SQLite has no TRUNCATE statement (a DELETE
	// without WHERE still fires audit_events_no_delete, because SQLite turns
	// off its truncate optimisation on a table with triggers), so only
	// PostgreSQL needs a trigger for it.
	{"postgres", "trigger", "audit_events_no_truncate",
		"PostgreSQL's TRUNCATE bypasses DELETE triggers; SQLite has no TRUNCATE"},
	{"postgres", "trigger", "audit_head_no_truncate",
		"PostgreSQL's TRUNCATE bypasses DELETE triggers; SQLite has no TRUNCATE"},
	{"postgres", "trigger", "audit_chain_no_truncate",
		"PostgreSQL's TRUNCATE bypasses DELETE triggers; SQLite has no TRUNCATE"},
}

func init() {
	parityExceptions = append(parityExceptions,
		fts5Table("about_me_search", "FTS5 virtual table for About me search; PostgreSQL uses the GIN index about_me_versions_search instead")...)
	parityExceptions = append(parityExceptions,
		fts5Table("outcome_search", "FTS5 virtual table for outcome search; PostgreSQL uses the GIN index outcomes_search instead")...)
}

// fts5Table is the allow-list entries of an FTS5 virtual table on SQLite:
// the table and the shadow tables FTS5 makes for it.
func fts5Table(name, why string) []parityException {
	out := []parityException{{"sqlite", "table", name, why}}
	for _, shadow := range []string{"config", "content", "data", "docsize", "idx"} {
		out = append(out, parityException{"sqlite", "table", name + "_" + shadow, "FTS5 shadow table of " + name + " (FTS5 internals)"})
	}
	return out
}

// Engine objects not written by our migrations are left out by the
// queries themselves rather than by the allow-list: on SQLite the names
// beginning sqlite_ (sqlite_sequence, sqlite_stat1, ...; SQLite refuses to
// let anyone else create such names) and the automatic indexes behind
// PRIMARY KEY and UNIQUE (compared as constraints instead); on PostgreSQL
// everything outside the current schema, the indexes behind primary key and
// unique constraints (likewise), and the internal triggers that enforce
// foreign keys.

type schema struct {
	engine   string
	tables   map[string]*table
	indexes  map[string]*index
	triggers map[string]*trigger
}

type table struct {
	kind    string // "table" or "view"
	columns map[string]*column
	pk      string // "(a, b)", or "" for none
	// Constraints, keyed by a normalised form, holding a description for
	// messages.
	uniques map[string]string // "(a, b)" → "unique (a, b)"
	fks     map[string]string // "foreign key (a) → t(b) ON DELETE ..." → the same
	checks  map[string]string // normalised expression → "CHECK (...)" as the engine shows it
}

type column struct {
	typ     string // as declared or reported
	family  string
	notNull bool
	def     string // as the engine shows it
	defNorm string
}

type index struct {
	table    string
	columns  []string
	unique   bool
	where    string // normalised
	whereRaw string
}

type trigger struct {
	table  string
	timing string   // "BEFORE", "AFTER" or "INSTEAD OF"
	events []string // sorted: "DELETE", "INSERT", "TRUNCATE", "UPDATE" or "UPDATE OF a,b"
}

func newSchema(engine string) *schema {
	return &schema{engine: engine, tables: map[string]*table{}, indexes: map[string]*index{}, triggers: map[string]*trigger{}}
}

// missingKind names the first kind of object the schema has none of, or "".
func (s *schema) missingKind() string {
	var cols, uniques, fks, checks int
	for _, tb := range s.tables {
		cols += len(tb.columns)
		uniques += len(tb.uniques)
		fks += len(tb.fks)
		checks += len(tb.checks)
	}
	for _, c := range []struct {
		what string
		n    int
	}{{"tables", len(s.tables)}, {"columns", cols}, {"unique constraints", uniques}, {"foreign keys", fks},
		{"CHECK constraints", checks}, {"indexes", len(s.indexes)}, {"triggers", len(s.triggers)}} {
		if c.n == 0 {
			return c.what
		}
	}
	return ""
}

func newTable(kind string) *table {
	return &table{kind: kind, columns: map[string]*column{}, uniques: map[string]string{}, fks: map[string]string{}, checks: map[string]string{}}
}

// typeFamily maps a declared (SQLite) or reported (PostgreSQL) column type
// to a family, which is what the comparison uses:
//
//	text     TEXT, VARCHAR(n), CHAR(n) / text, character varying, character
//	integer  INTEGER, INT, BIGINT, SMALLINT / integer, bigint, smallint.
//	         SQLite integers are all 64-bit, so INTEGER there and BIGINT here
//	         agree.
//	boolean  BOOLEAN / boolean. SQLite has no boolean storage class: a column
//	         declared BOOLEAN has NUMERIC affinity and holds 0 and 1. But the
//	         declared type is kept in the schema, and it is what we compare:
//	         a SQLite INTEGER facing a PostgreSQL boolean is reported,
//	         because code that works on one (0/1 against true/false) may not
//	         on the other.
//	time     TIMESTAMP, DATETIME / timestamp with and without time zone. The
//	         SQLite driver turns TIMESTAMP and DATETIME columns into
//	         time.Time, so the declared type matters there too.
//	date     DATE / date
//	float    REAL, DOUBLE, FLOAT / real, double precision
//	numeric  NUMERIC, DECIMAL / numeric
//	bytes    BLOB / bytea
//	json     JSON, JSONB / json, jsonb
//	uuid     UUID / uuid
//
// Lengths and precisions (VARCHAR(20), timestamp(3)) are ignored: SQLite
// does not enforce them. Anything else is its own family, spelled out, so
// an unfamiliar type never matches by accident.
func typeFamily(typ string) string {
	t := strings.ToLower(strings.TrimSpace(typ))
	t = regexp.MustCompile(`\s*\(\s*\d+\s*(,\s*\d+\s*)?\)`).ReplaceAllString(t, "")
	t = strings.Join(strings.Fields(t), " ")
	switch t {
	case "text", "varchar", "character varying", "char", "character", "bpchar", "nvarchar", "nchar", "clob":
		return "text"
	case "integer", "int", "int2", "int4", "int8", "smallint", "bigint", "tinyint", "mediumint":
		return "integer"
	case "boolean", "bool":
		return "boolean"
	case "timestamp", "timestamptz", "datetime", "timestamp with time zone", "timestamp without time zone":
		return "time"
	case "date":
		return "date"
	case "real", "double", "double precision", "float", "float4", "float8":
		return "float"
	case "numeric", "decimal":
		return "numeric"
	case "blob", "bytea":
		return "bytes"
	case "json", "jsonb":
		return "json"
	case "uuid":
		return "uuid"
	case "":
		return "(none)"
	}
	return "other:" + t
}

var (
	reAnyArray  = regexp.MustCompile(`(?i)=\s*any\s*\(+\s*array\s*\[([^\]]*)\]`)
	reAllArray  = regexp.MustCompile(`(?i)<>\s*all\s*\(+\s*array\s*\[([^\]]*)\]`)
	reCast      = regexp.MustCompile(`::\s*[a-z_]+( varying| precision| with time zone| without time zone)?(\s*\(\s*\d+(\s*,\s*\d+)?\s*\))?(\[\])?`)
	reQuotedNum = regexp.MustCompile(`'([-+]?[0-9]+(\.[0-9]+)?)'::\s*(integer|bigint|smallint|numeric|real|double precision)`)
	reOperator  = regexp.MustCompile(`\s*(<>|!=|<=|>=|=|<|>)\s*`)
	reComma     = regexp.MustCompile(`\s*,\s*`)
)

// normExpr brings an SQL expression as either engine shows it to one
// spelling: PostgreSQL's `x = ANY (ARRAY[...])` becomes `x IN (...)`,
// its quoted negative numbers (`'-1'::integer`) lose their quotes, and
// casts (`'a'::text`) go; outside string literals, case is folded,
// identifier quotes dropped and spacing made regular; with dropParens,
// parentheses go too (PostgreSQL parenthesises every subexpression when it
// prints one; SQLite keeps what was written). That loses precedence, which
// is acceptable for spotting drift in the simple CHECKs and WHEREs a
// schema has.
func normExpr(s string, dropParens bool) string {
	s = reQuotedNum.ReplaceAllString(s, "$1")
	s = reAnyArray.ReplaceAllString(s, "IN ($1")
	s = reAllArray.ReplaceAllString(s, "NOT IN ($1")
	var b strings.Builder
	for i, part := range splitQuoted(s) {
		if i%2 == 1 { // a string literal, quotes included: kept as written
			b.WriteString(part)
			continue
		}
		p := strings.ToLower(part)
		p = reCast.ReplaceAllString(p, "")
		p = strings.NewReplacer(`"`, "", "`", "").Replace(p)
		if dropParens {
			p = strings.NewReplacer("(", " ", ")", " ", "[", " ", "]", " ").Replace(p)
		}
		p = reOperator.ReplaceAllString(p, " $1 ")
		p = strings.ReplaceAll(p, "!=", "<>")
		b.WriteString(p)
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	out = reComma.ReplaceAllString(out, ", ")
	if !dropParens {
		out = strings.ReplaceAll(strings.ReplaceAll(out, "( ", "("), " )", ")")
		for strings.HasPrefix(out, "(") && matchParen(out, 0) == len(out)-1 {
			out = strings.TrimSpace(out[1 : len(out)-1])
		}
	}
	return out
}

// splitQuoted splits s into alternating runs outside and inside single
// quotes. The quoted runs keep their quotes, and a doubled quote inside
// one stays part of it.
func splitQuoted(s string) []string {
	var parts []string
	start, in := 0, false
	for i := 0; i < len(s); i++ {
		if s[i] != '\'' {
			continue
		}
		if !in {
			parts = append(parts, s[start:i])
			start, in = i, true
			continue
		}
		if i+1 < len(s) && s[i+1] == '\'' {
			i++
			continue
		}
		parts = append(parts, s[start:i+1])
		start, in = i+1, false
	}
	return append(parts, s[start:])
}

// normDefault normalises a column default for its type family: no default
// and DEFAULT NULL agree; now(), CURRENT_TIMESTAMP and datetime('now') are
// all "now"; a boolean's 0/1 and false/true agree.
func normDefault(def, family string) string {
	d := normExpr(def, false)
	switch d {
	case "", "null":
		return ""
	case "now()", "current_timestamp", "transaction_timestamp()", "datetime('now')":
		return "<now>"
	}
	if family == "boolean" {
		switch d {
		case "0", "false", "'f'", "'false'":
			return "false"
		case "1", "true", "'t'", "'true'":
			return "true"
		}
	}
	return d
}

// ---- SQLite ----

func inspectSQLite(t *testing.T, db store.Reader) *schema {
	t.Helper()
	ctx := context.Background()
	s := newSchema("sqlite")
	var objs []sqliteObject
	rows, err := db.QueryContext(ctx, `SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master
		WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		t.Fatalf("sqlite: read schema: %v", err)
	}
	for rows.Next() {
		var o sqliteObject
		if err := rows.Scan(&o.typ, &o.name, &o.tbl, &o.sql); err != nil {
			t.Fatal(err)
		}
		objs = append(objs, o)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()

	query := func(q string, ncols int, args ...any) [][]any {
		t.Helper()
		rows, err := db.QueryContext(ctx, q, args...)
		if err != nil {
			t.Fatalf("sqlite: %s: %v", q, err)
		}
		defer rows.Close()
		var out [][]any
		for rows.Next() {
			vals := make([]any, ncols)
			ptrs := make([]any, ncols)
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			out = append(out, vals)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	str := func(v any) string {
		switch x := v.(type) {
		case nil:
			return ""
		case []byte:
			return string(x)
		default:
			return fmt.Sprint(x)
		}
	}
	num := func(v any) int64 {
		x, _ := v.(int64)
		return x
	}

	// Tables, views and their columns first: foreign keys need every
	// table's primary key.
	for _, o := range objs {
		if o.typ != "table" && o.typ != "view" {
			continue
		}
		tb := newTable(o.typ)
		s.tables[o.name] = tb
		type pkcol struct {
			pos  int64
			name string
		}
		var pk []pkcol
		for _, r := range query(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info(?)`, 5, o.name) {
			c := &column{typ: str(r[1]), notNull: num(r[2]) == 1, def: str(r[3])}
			c.family = typeFamily(c.typ)
			// SQLite lets a PRIMARY KEY column that is not an INTEGER
			// PRIMARY KEY hold NULL unless NOT NULL is written as well (a
			// bug kept for compatibility; https://sqlite.org/lang_createtable.html#the_primary_key),
			// and reports it as nullable. PostgreSQL makes every key column
			// NOT NULL. The application always supplies ids, so a key
			// column counts as NOT NULL here rather than rebuilding every
			// SQLite table to say so.
			if num(r[4]) > 0 {
				c.notNull = true
				pk = append(pk, pkcol{num(r[4]), str(r[0])})
			}
			c.defNorm = normDefault(c.def, c.family)
			tb.columns[str(r[0])] = c
		}
		sort.Slice(pk, func(i, j int) bool { return pk[i].pos < pk[j].pos })
		var pkNames []string
		for _, p := range pk {
			pkNames = append(pkNames, p.name)
		}
		if len(pkNames) > 0 {
			tb.pk = colList(pkNames)
		}
		for _, c := range sqliteChecks(o.sql) {
			tb.checks[normExpr(c, true)] = "CHECK (" + c + ")"
		}
	}

	for _, o := range objs {
		tb := s.tables[o.name]
		if o.typ != "table" || tb == nil {
			continue
		}
		// Unique constraints, and the explicit indexes (origin "c").
		for _, r := range query(`SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, 4, o.name) {
			name, unique, origin, partial := str(r[0]), num(r[1]) == 1, str(r[2]), num(r[3]) == 1
			var cols []string
			var exprs []string
			for _, c := range query(`SELECT cid, name, "desc" FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno`, 3, name) {
				col := str(c[1])
				if num(c[0]) == -2 { // an expression
					if exprs == nil {
						exprs, _ = sqliteIndexParts(sqlOf(objs, "index", name))
					}
					if i := len(cols); i < len(exprs) {
						col = "expr:" + normExpr(stripOrder(exprs[i]), true)
					} else {
						col = "expr:?"
					}
				}
				if num(c[2]) == 1 {
					col += " desc"
				}
				cols = append(cols, col)
			}
			switch origin {
			case "u":
				tb.uniques[colList(cols)] = "unique " + colList(cols)
			case "c":
				ix := &index{table: o.name, columns: cols, unique: unique}
				if partial {
					_, ix.whereRaw = sqliteIndexParts(sqlOf(objs, "index", name))
					ix.where = normExpr(ix.whereRaw, true)
				}
				s.indexes[name] = ix
			}
		}
		// Foreign keys, one row per column.
		type fk struct {
			ref, onDelete, onUpdate string
			from, to                []string
		}
		fks := map[int64]*fk{}
		var ids []int64
		for _, r := range query(`SELECT id, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, 6, o.name) {
			id := num(r[0])
			f := fks[id]
			if f == nil {
				f = &fk{ref: str(r[1]), onUpdate: strings.ToUpper(str(r[4])), onDelete: strings.ToUpper(str(r[5]))}
				fks[id] = f
				ids = append(ids, id)
			}
			f.from = append(f.from, str(r[2]))
			f.to = append(f.to, str(r[3]))
		}
		for _, id := range ids {
			f := fks[id]
			to := colList(f.to)
			if strings.Join(f.to, "") == "" { // REFERENCES t with no columns: t's primary key
				if rt := s.tables[f.ref]; rt != nil {
					to = rt.pk
				}
			}
			k := fkString(colList(f.from), f.ref, to, f.onDelete, f.onUpdate)
			tb.fks[k] = k
		}
	}

	for _, o := range objs {
		if o.typ != "trigger" {
			continue
		}
		tr, err := parseSQLiteTrigger(o.sql)
		if err != nil {
			t.Errorf("sqlite: trigger %s: %v", o.name, err)
			continue
		}
		tr.table = o.tbl
		s.triggers[o.name] = tr
	}
	return s
}

// sqliteObject is one row of sqlite_master.
type sqliteObject struct{ typ, name, tbl, sql string }

func sqlOf(objs []sqliteObject, typ, name string) string {
	for _, o := range objs {
		if o.typ == typ && o.name == name {
			return o.sql
		}
	}
	return ""
}

var reOrder = regexp.MustCompile(`(?i)\s+(collate\s+\S+\s*)?(asc|desc)?\s*$`)

// stripOrder drops a trailing COLLATE and ASC/DESC from an index term.
func stripOrder(s string) string { return strings.TrimSpace(reOrder.ReplaceAllString(s, "")) }

var reTrigger = regexp.MustCompile(`(?is)^\s*create\s+(?:temp(?:orary)?\s+)?trigger\s+(?:if\s+not\s+exists\s+)?\S+\s+(before|after|instead\s+of)?\s*(delete|insert|update(?:\s+of\s+(.+?))?)\s+on\s`)

func parseSQLiteTrigger(sql string) (*trigger, error) {
	m := reTrigger.FindStringSubmatch(stripComments(sql))
	if m == nil {
		return nil, fmt.Errorf("cannot read %q", sql)
	}
	tr := &trigger{timing: "BEFORE"} // SQLite's default
	if m[1] != "" {
		tr.timing = strings.ToUpper(strings.Join(strings.Fields(m[1]), " "))
	}
	ev := strings.ToUpper(strings.Fields(m[2])[0])
	if m[3] != "" {
		var cols []string
		for _, c := range strings.Split(m[3], ",") {
			cols = append(cols, strings.Trim(strings.TrimSpace(c), "\"`[]"))
		}
		sort.Strings(cols)
		ev += " OF " + strings.Join(cols, ",")
	}
	tr.events = []string{ev}
	return tr, nil
}

// A small scanner for the SQL text SQLite keeps in sqlite_master: it
// steps over string literals, quoted identifiers and comments.

// skipNonCode returns the index just past the literal, quoted identifier
// or comment starting at i, or i if none starts there.
func skipNonCode(s string, i int) int {
	switch {
	case s[i] == '\'' || s[i] == '"' || s[i] == '`':
		q := s[i]
		for j := i + 1; j < len(s); j++ {
			if s[j] == q {
				if j+1 < len(s) && s[j+1] == q {
					j++
					continue
				}
				return j + 1
			}
		}
		return len(s)
	case s[i] == '[':
		if j := strings.IndexByte(s[i:], ']'); j >= 0 {
			return i + j + 1
		}
		return len(s)
	case strings.HasPrefix(s[i:], "--"):
		if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
			return i + j + 1
		}
		return len(s)
	case strings.HasPrefix(s[i:], "/*"):
		if j := strings.Index(s[i+2:], "*/"); j >= 0 {
			return i + 2 + j + 2
		}
		return len(s)
	}
	return i
}

func stripComments(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if j := skipNonCode(s, i); j > i {
			if s[i] == '-' || s[i] == '/' {
				b.WriteByte(' ')
			} else {
				b.WriteString(s[i:j])
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// matchParen returns the index of the parenthesis closing the one at
// open, or -1.
func matchParen(s string, open int) int {
	depth := 0
	for i := open; i < len(s); {
		if j := skipNonCode(s, i); j > i {
			i = j
			continue
		}
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
		i++
	}
	return -1
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// sqliteChecks returns the expressions of every CHECK in a CREATE TABLE.
func sqliteChecks(sql string) []string {
	var out []string
	for i := 0; i < len(sql); {
		if j := skipNonCode(sql, i); j > i {
			i = j
			continue
		}
		if !isWordByte(sql[i]) {
			i++
			continue
		}
		j := i
		for j < len(sql) && isWordByte(sql[j]) {
			j++
		}
		word := sql[i:j]
		i = j
		if !strings.EqualFold(word, "check") {
			continue
		}
		for i < len(sql) && (sql[i] == ' ' || sql[i] == '\t' || sql[i] == '\n' || sql[i] == '\r') {
			i++
		}
		if i < len(sql) && sql[i] == '(' {
			if end := matchParen(sql, i); end > i {
				out = append(out, strings.TrimSpace(sql[i+1:end]))
				i = end + 1
			}
		}
	}
	return out
}

var reIndexOn = regexp.MustCompile(`(?is)\bon\s+("[^"]+"|` + "`[^`]+`" + `|\[[^\]]+\]|[\w.]+)\s*\(`)

// sqliteIndexParts splits a CREATE INDEX into its terms and its WHERE.
func sqliteIndexParts(sql string) (terms []string, where string) {
	sql = stripComments(sql)
	loc := reIndexOn.FindStringIndex(sql)
	if loc == nil {
		return nil, ""
	}
	open := loc[1] - 1
	end := matchParen(sql, open)
	if end < 0 {
		return nil, ""
	}
	inner := sql[open+1 : end]
	start, depth := 0, 0
	for i := 0; i < len(inner); {
		if j := skipNonCode(inner, i); j > i {
			i = j
			continue
		}
		switch inner[i] {
		case '(':
			depth++
		case ')':
			depth--
		case ',':
			if depth == 0 {
				terms = append(terms, strings.TrimSpace(inner[start:i]))
				start = i + 1
			}
		}
		i++
	}
	terms = append(terms, strings.TrimSpace(inner[start:]))
	rest := strings.TrimSpace(sql[end+1:])
	if len(rest) >= 5 && strings.EqualFold(rest[:5], "where") {
		where = strings.TrimSpace(rest[5:])
	}
	return terms, where
}

// ---- PostgreSQL ----

func inspectPostgres(t *testing.T, db store.Reader) *schema {
	t.Helper()
	ctx := context.Background()
	s := newSchema("postgres")
	each := func(q string, scan func(rows interface{ Scan(...any) error }) error) {
		t.Helper()
		rows, err := db.QueryContext(ctx, q)
		if err != nil {
			t.Fatalf("postgres: %v\n%s", err, q)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				t.Fatal(err)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}

	each(`SELECT c.relname, c.relkind::text FROM pg_class c
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')`,
		func(r interface{ Scan(...any) error }) error {
			var name, kind string
			if err := r.Scan(&name, &kind); err != nil {
				return err
			}
			k := "table"
			if kind == "v" || kind == "m" {
				k = "view"
			}
			s.tables[name] = newTable(k)
			return nil
		})

	each(`SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
			COALESCE(pg_get_expr(d.adbin, d.adrelid), ''), a.attidentity::text, a.attgenerated::text
		FROM pg_attribute a
		JOIN pg_class c ON c.oid = a.attrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
		WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
			AND a.attnum > 0 AND NOT a.attisdropped`,
		func(r interface{ Scan(...any) error }) error {
			var tbl, name, identity, generated string
			c := &column{}
			if err := r.Scan(&tbl, &name, &c.typ, &c.notNull, &c.def, &identity, &generated); err != nil {
				return err
			}
			c.family = typeFamily(c.typ)
			c.defNorm = normDefault(c.def, c.family)
			if identity != "" {
				c.def, c.defNorm = "GENERATED AS IDENTITY", "<identity>"
			}
			if generated != "" {
				c.def, c.defNorm = "GENERATED ALWAYS AS "+c.def, "<generated> "+normExpr(c.def, true)
			}
			if tb := s.tables[tbl]; tb != nil {
				tb.columns[name] = c
			}
			return nil
		})

	// Column lists in key order, comma-separated (names with commas would
	// break this; we have none).
	const keyCols = `array_to_string(ARRAY(SELECT a.attname FROM unnest(%s) WITH ORDINALITY k(num, ord)
		JOIN pg_attribute a ON a.attrelid = %s AND a.attnum = k.num ORDER BY k.ord), ',')`
	each(`SELECT c.relname, con.contype::text, pg_get_constraintdef(con.oid),
			`+fmt.Sprintf(keyCols, "con.conkey", "con.conrelid")+`,
			COALESCE(fc.relname, ''),
			`+fmt.Sprintf(keyCols, "con.confkey", "con.confrelid")+`,
			con.confdeltype::text, con.confupdtype::text
		FROM pg_constraint con
		JOIN pg_class c ON c.oid = con.conrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		LEFT JOIN pg_class fc ON fc.oid = con.confrelid
		WHERE n.nspname = current_schema() AND con.contype IN ('p', 'u', 'f', 'c')`,
		func(r interface{ Scan(...any) error }) error {
			var tbl, typ, def, cols, ref, refCols, onDel, onUpd string
			if err := r.Scan(&tbl, &typ, &def, &cols, &ref, &refCols, &onDel, &onUpd); err != nil {
				return err
			}
			tb := s.tables[tbl]
			if tb == nil {
				return nil
			}
			switch typ {
			case "p":
				tb.pk = colList(strings.Split(cols, ","))
			case "u":
				k := colList(strings.Split(cols, ","))
				tb.uniques[k] = "unique " + k
			case "f":
				k := fkString(colList(strings.Split(cols, ",")), ref, colList(strings.Split(refCols, ",")), pgAction(onDel), pgAction(onUpd))
				tb.fks[k] = k
			case "c":
				expr := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(def), "NOT VALID"))
				expr = strings.TrimSpace(strings.TrimPrefix(expr, "CHECK"))
				tb.checks[normExpr(expr, true)] = "CHECK " + expr
			}
			return nil
		})

	// Explicit indexes: not those behind a primary key, unique or
	// exclusion constraint. Terms are separated by \x1f, as expressions may
	// hold commas.
	each(`SELECT i.relname, t.relname, ix.indisunique, COALESCE(pg_get_expr(ix.indpred, ix.indrelid), ''),
			array_to_string(ARRAY(
				SELECT CASE WHEN ix.indkey[k - 1] = 0 THEN 'expr:' ELSE '' END
					|| pg_get_indexdef(ix.indexrelid, k, true)
					|| CASE WHEN ix.indoption[k - 1] & 1 = 1 THEN ' desc' ELSE '' END
				FROM generate_series(1, ix.indnkeyatts) k ORDER BY k), chr(31))
		FROM pg_index ix
		JOIN pg_class i ON i.oid = ix.indexrelid
		JOIN pg_class t ON t.oid = ix.indrelid
		JOIN pg_namespace n ON n.oid = t.relnamespace
		WHERE n.nspname = current_schema()
			AND NOT EXISTS (SELECT 1 FROM pg_constraint con
				WHERE con.conindid = ix.indexrelid AND con.contype IN ('p', 'u', 'x'))`,
		func(r interface{ Scan(...any) error }) error {
			var name, tbl, where, cols string
			ix := &index{}
			if err := r.Scan(&name, &tbl, &ix.unique, &where, &cols); err != nil {
				return err
			}
			ix.table, ix.whereRaw, ix.where = tbl, where, normExpr(where, true)
			for _, c := range strings.Split(cols, "\x1f") {
				if e, ok := strings.CutPrefix(c, "expr:"); ok {
					desc := strings.HasSuffix(e, " desc")
					c = "expr:" + normExpr(strings.TrimSuffix(e, " desc"), true)
					if desc {
						c += " desc"
					}
				}
				ix.columns = append(ix.columns, c)
			}
			s.indexes[name] = ix
			return nil
		})

	each(`SELECT tg.tgname, c.relname, tg.tgtype,
			array_to_string(ARRAY(SELECT a.attname FROM pg_attribute a
				WHERE a.attrelid = tg.tgrelid AND a.attnum = ANY (tg.tgattr) ORDER BY a.attname), ',')
		FROM pg_trigger tg
		JOIN pg_class c ON c.oid = tg.tgrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = current_schema() AND NOT tg.tgisinternal`,
		func(r interface{ Scan(...any) error }) error {
			var name, tbl, cols string
			var typ int64
			if err := r.Scan(&name, &tbl, &typ, &cols); err != nil {
				return err
			}
			// tgtype bits, from PostgreSQL's pg_trigger.h.
			const (
				before   = 1 << 1
				insert   = 1 << 2
				del      = 1 << 3
				update   = 1 << 4
				truncate = 1 << 5
				instead  = 1 << 6
			)
			tr := &trigger{table: tbl, timing: "AFTER"}
			switch {
			case typ&before != 0:
				tr.timing = "BEFORE"
			case typ&instead != 0:
				tr.timing = "INSTEAD OF"
			}
			if typ&insert != 0 {
				tr.events = append(tr.events, "INSERT")
			}
			if typ&del != 0 {
				tr.events = append(tr.events, "DELETE")
			}
			if typ&update != 0 {
				ev := "UPDATE"
				if cols != "" {
					ev += " OF " + cols
				}
				tr.events = append(tr.events, ev)
			}
			if typ&truncate != 0 {
				tr.events = append(tr.events, "TRUNCATE")
			}
			sort.Strings(tr.events)
			s.triggers[name] = tr
			return nil
		})
	return s
}

func pgAction(c string) string {
	switch c {
	case "a":
		return "NO ACTION"
	case "r":
		return "RESTRICT"
	case "c":
		return "CASCADE"
	case "n":
		return "SET NULL"
	case "d":
		return "SET DEFAULT"
	}
	return "?" + c
}

func colList(cols []string) string { return "(" + strings.Join(cols, ", ") + ")" }

func fkString(from, ref, to, onDelete, onUpdate string) string {
	return fmt.Sprintf("foreign key %s → %s%s ON DELETE %s ON UPDATE %s", from, ref, to, onDelete, onUpdate)
}

// ---- comparison ----

// applyExceptions removes the allowed objects from both schemas and
// reports any exception that matched nothing.
func applyExceptions(ls, ps *schema) []string {
	var problems []string
	for _, e := range parityExceptions {
		var targets []*schema
		switch e.engine {
		case "sqlite":
			targets = []*schema{ls}
		case "postgres":
			targets = []*schema{ps}
		case "both":
			targets = []*schema{ls, ps}
		default:
			problems = append(problems, fmt.Sprintf("allow-list: %s %s: unknown engine %q", e.kind, e.name, e.engine))
		}
		for _, s := range targets {
			found := false
			switch e.kind {
			case "table":
				_, found = s.tables[e.name]
				delete(s.tables, e.name)
				for n, ix := range s.indexes { // its indexes go with it
					if ix.table == e.name {
						delete(s.indexes, n)
					}
				}
				for n, tr := range s.triggers {
					if tr.table == e.name {
						delete(s.triggers, n)
					}
				}
			case "index":
				_, found = s.indexes[e.name]
				delete(s.indexes, e.name)
			case "trigger":
				_, found = s.triggers[e.name]
				delete(s.triggers, e.name)
			case "column":
				tbl, col, _ := strings.Cut(e.name, ".")
				if tb := s.tables[tbl]; tb != nil {
					_, found = tb.columns[col]
					delete(tb.columns, col)
				}
			default:
				problems = append(problems, fmt.Sprintf("allow-list: %s: unknown kind %q", e.name, e.kind))
				found = true
			}
			if !found {
				problems = append(problems, fmt.Sprintf("allow-list: %s %s is not on %s any more; remove the exception", e.kind, e.name, s.engine))
			}
		}
	}
	return problems
}

// compareSchemas returns every difference, sorted, each naming the object
// and what both engines say.
func compareSchemas(ls, ps *schema) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	for _, name := range unionKeys(ls.tables, ps.tables) {
		lt, pt := ls.tables[name], ps.tables[name]
		switch {
		case pt == nil:
			add("%s %s: only on sqlite", lt.kind, name)
			continue
		case lt == nil:
			add("%s %s: only on postgres", pt.kind, name)
			continue
		}
		if lt.kind != pt.kind {
			add("%s: a %s on sqlite, a %s on postgres", name, lt.kind, pt.kind)
		}
		for _, cn := range unionKeys(lt.columns, pt.columns) {
			lc, pc := lt.columns[cn], pt.columns[cn]
			where := name + "." + cn
			switch {
			case pc == nil:
				add("column %s: only on sqlite (%s)", where, describeColumn(lc))
				continue
			case lc == nil:
				add("column %s: only on postgres (%s)", where, describeColumn(pc))
				continue
			}
			if lc.family != pc.family {
				add("column %s: type differs: sqlite %q (%s), postgres %q (%s)", where, lc.typ, lc.family, pc.typ, pc.family)
			}
			if lc.notNull != pc.notNull {
				add("column %s: nullability differs: sqlite %s, postgres %s", where, nullability(lc.notNull), nullability(pc.notNull))
			}
			if lc.defNorm != pc.defNorm {
				add("column %s: default differs: sqlite %s, postgres %s", where, showDefault(lc), showDefault(pc))
			}
		}
		if lt.pk != pt.pk {
			add("table %s: primary key differs: sqlite %s, postgres %s", name, orNone(lt.pk), orNone(pt.pk))
		}
		// Constraints are matched by their normalised form; a message shows
		// each as its engine has it, and what the other engine has instead.
		setDiff := func(l, p map[string]string) {
			for _, k := range unionKeys(l, p) {
				switch {
				case p[k] == "":
					add("table %s: %s only on sqlite; postgres has %s", name, l[k], listOrNone(p))
				case l[k] == "":
					add("table %s: %s only on postgres; sqlite has %s", name, p[k], listOrNone(l))
				}
			}
		}
		setDiff(lt.uniques, pt.uniques)
		setDiff(lt.fks, pt.fks)
		setDiff(lt.checks, pt.checks)
	}

	for _, name := range unionKeys(ls.indexes, ps.indexes) {
		li, pi := ls.indexes[name], ps.indexes[name]
		switch {
		case pi == nil:
			add("index %s on %s%s: only on sqlite", name, li.table, colList(li.columns))
			continue
		case li == nil:
			add("index %s on %s%s: only on postgres", name, pi.table, colList(pi.columns))
			continue
		}
		if li.table != pi.table || colList(li.columns) != colList(pi.columns) {
			add("index %s: columns differ: sqlite %s%s, postgres %s%s", name, li.table, colList(li.columns), pi.table, colList(pi.columns))
		}
		if li.unique != pi.unique {
			add("index %s: unique on sqlite %v, on postgres %v", name, li.unique, pi.unique)
		}
		if li.where != pi.where {
			add("index %s: WHERE differs: sqlite %q, postgres %q", name, li.whereRaw, pi.whereRaw)
		}
	}

	for _, name := range unionKeys(ls.triggers, ps.triggers) {
		lt, pt := ls.triggers[name], ps.triggers[name]
		switch {
		case pt == nil:
			add("trigger %s: only on sqlite (%s)", name, describeTrigger(lt))
			continue
		case lt == nil:
			add("trigger %s: only on postgres (%s)", name, describeTrigger(pt))
			continue
		}
		if describeTrigger(lt) != describeTrigger(pt) {
			add("trigger %s: differs: sqlite %s, postgres %s", name, describeTrigger(lt), describeTrigger(pt))
		}
	}
	sort.Strings(out)
	return out
}

func unionKeys[V any](a, b map[string]V) []string {
	seen := map[string]bool{}
	var keys []string
	for _, m := range []map[string]V{a, b} {
		for k := range m {
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	return keys
}

func describeColumn(c *column) string {
	s := c.typ + " " + nullability(c.notNull)
	if c.def != "" {
		s += " DEFAULT " + c.def
	}
	return s
}

func describeTrigger(tr *trigger) string {
	return fmt.Sprintf("%s %s ON %s", tr.timing, strings.Join(tr.events, " OR "), tr.table)
}

func nullability(notNull bool) string {
	if notNull {
		return "NOT NULL"
	}
	return "NULL"
}

func showDefault(c *column) string {
	if c.def == "" {
		return "no default"
	}
	return fmt.Sprintf("%q (read as %q)", c.def, c.defNorm)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func listOrNone(m map[string]string) string {
	if len(m) == 0 {
		return "none"
	}
	var l []string
	for _, v := range m {
		l = append(l, v)
	}
	sort.Strings(l)
	return strings.Join(l, "; ")
}
