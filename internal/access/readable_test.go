package access_test

import (
	"context"
	"slices"
	"testing"

	"whatmatters/internal/access"
	"whatmatters/internal/account"
	"whatmatters/internal/store"
)

// Readable (the SQL a search uses) must agree with Open (the gate of every
// record) for every account, person and part: a person matches exactly
// when opening their record would grant reading that part. Emergency
// access is included, through Priya breaking glass into Helen's record.
func TestReadableAgreesWithTheGrant(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if _, err := access.StartBreakGlass(ctx, w.db, subject(w.priya),
		w.helen.ID, "A&E rang: Helen was admitted confused and they need her contacts"); err != nil {
		t.Fatal(err)
	}
	accounts := []*account.Account{w.sam, w.priya, w.alys, w.loner, w.mgrNorth, w.mgrRiver, w.jo, w.nurse, w.planner, w.admin, w.helenAcc}
	matched := 0
	for _, a := range accounts {
		s := subject(a)
		grants := map[string]access.Grant{}
		for _, p := range w.everyone() {
			if op, err := access.Open(ctx, w.db, s, p.ID, "test"); err == nil {
				grants[p.GivenName] = op.Grant()
			}
		}
		for part := access.PartIdentity; part <= access.PartConversations; part <<= 1 {
			var args store.Args
			rows, err := w.db.Read().QueryContext(ctx, `SELECT p.given_name FROM people p WHERE `+
				access.Readable(s, part, "p.id", &args)+` ORDER BY p.given_name`, args.Values...)
			must(t, err)
			got := []string{}
			for rows.Next() {
				var n string
				must(t, rows.Scan(&n))
				got = append(got, n)
			}
			must(t, rows.Close())
			want := []string{}
			for _, p := range w.everyone() {
				if g, ok := grants[p.GivenName]; ok && g.MayRead(part) {
					want = append(want, p.GivenName)
				}
			}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("Readable(%s, %s) = %v; opening the records grants reading it for %v", a.Email, part, got, want)
			}
			matched += len(got)
		}
	}
	if matched == 0 {
		t.Fatal("Readable matched nobody at all: the test is not testing anything")
	}
}
