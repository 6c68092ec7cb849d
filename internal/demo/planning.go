package demo

import (
	"context"
	"embed"
	"fmt"

	"whatmatters/internal/planning"
	"whatmatters/internal/store"
	"whatmatters/internal/workspace"
)

// The planning models the demo council's planner finds: the Riverside
// worked example (its baseline and three scenarios) and the Riverside LP
// check, whose home care hours are short, so the optimiser has a limit
// to name and a price to put on it. Both are the shared fixtures, copied
// here: synthetic numbers, not real data.
//
//go:embed planning/*.json
var planningModels embed.FS

// seedPlanning stores each model once, owned by the council, as if its
// planner had imported it.
func (w *world) seedPlanning(ctx context.Context, db *store.DB) error {
	pat := w.subject("planner@riverside.example")
	have, err := workspace.List(ctx, db.Read(), pat)
	if err != nil {
		return err
	}
	for _, file := range []string{"riverside.json", "riverside-lp.json"} {
		data, err := planningModels.ReadFile("planning/" + file)
		if err != nil {
			return err
		}
		m, err := planning.Parse(data)
		if err != nil {
			return fmt.Errorf("demo: %s: %w", file, err)
		}
		if named(have, m.Name) {
			continue
		}
		if _, err := workspace.Create(ctx, db, pat, m, "Imported from "+file); err != nil {
			return fmt.Errorf("demo: %s: %w", file, err)
		}
	}
	return nil
}

func named(models []workspace.Model, name string) bool {
	for _, m := range models {
		if m.Name == name {
			return true
		}
	}
	return false
}
