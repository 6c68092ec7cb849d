package importer_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"whatmatters/internal/account"
	"whatmatters/internal/audit"
	"whatmatters/internal/store"
	"whatmatters/internal/store/storetest"
	"whatmatters/internal/testworld"
)

type fixture struct {
	*testworld.World
	ctx   context.Context
	Admin *account.Account // Riverside Council's admin
	Other *account.Account // Hillside Council's admin
}

func setUp(t testing.TB) *fixture {
	t.Helper()
	db := storetest.Open(t)
	w := testworld.New(t, db)
	f := &fixture{World: w, ctx: context.Background()}
	f.Admin = &account.Account{OrganisationID: w.Sam.OrganisationID, Email: "ada@riverside.test", DisplayName: "Ada Admin",
		Role: account.RoleAdmin}
	must(t, account.CreateAccount(f.ctx, db, audit.System, f.Admin, testworld.Password))
	f.Other = &account.Account{OrganisationID: w.Alys.OrganisationID, Email: "hal@hillside.test", DisplayName: "Hal Admin",
		Role: account.RoleAdmin}
	must(t, account.CreateAccount(f.ctx, db, audit.System, f.Other, testworld.Password))
	return f
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func count(t testing.TB, db *store.DB, q string, args ...any) int {
	t.Helper()
	var n int
	must(t, db.Read().QueryRowContext(context.Background(), q, args...).Scan(&n))
	return n
}

// nhsNumber makes the i-th valid NHS number of a series, working the
// modulus 11 check digit out by the NHS Data Dictionary's rule (not by the
// code under test): nine digits, weights 10 down to 2, 11 minus the
// remainder, 11 meaning 0; a series number whose check would be 10 is
// stepped past.
func nhsNumber(i int) string {
	for n := 600000000 + i*7; ; n++ {
		d := fmt.Sprintf("%09d", n)
		sum := 0
		for k := 0; k < 9; k++ {
			sum += int(d[k]-'0') * (10 - k)
		}
		c := 11 - sum%11
		if c == 11 {
			c = 0
		}
		if c != 10 {
			return d + fmt.Sprint(c)
		}
	}
}

// generated is a template file of n people allocated to team, each with
// an address and a relationship.
func generated(n int, team string) string {
	var b strings.Builder
	b.WriteString("external_id,given_name,family_name,date_of_birth,nhs_number,address_lines,postcode,team,allocation_priority,relationship_name,relationship,relationship_is_carer\n")
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "GEN-%06d,Given%d,Family%d,19%02d-%02d-%02d,%s,\"%d Mill Lane\nRiverside\",RV1 %dAB,%s,routine,Carer %d,daughter,yes\n",
			i, i, i, 30+i%60, 1+i%12, 1+i%28, nhsNumber(i), i+1, i%10, team, i)
	}
	return b.String()
}
