// Package server is the composition root: it builds the web shell and the
// API and gives each the domains that add their pages and endpoints. A
// new domain is one line here; everything else about it lives in its own
// folder.
package server

import (
	"log/slog"
	"net/http"

	accesspages "whatmatters/internal/access/pages"
	accountpages "whatmatters/internal/account/pages"
	adminpages "whatmatters/internal/admin/pages"
	"whatmatters/internal/api"
	coachpages "whatmatters/internal/coach/pages"
	contactpages "whatmatters/internal/contacts/pages"
	conversationpages "whatmatters/internal/conversations/pages"
	directorypages "whatmatters/internal/directory/pages"
	importpages "whatmatters/internal/importer/pages"
	oversightpages "whatmatters/internal/oversight/pages"
	"whatmatters/internal/people/apiv1"
	peoplepages "whatmatters/internal/people/pages"
	ssopages "whatmatters/internal/sso/pages"
	"whatmatters/internal/store"
	"whatmatters/internal/telemetry"
	"whatmatters/internal/web"
	workspacepages "whatmatters/internal/workspace/pages"
)

// Options configure the server.
type Options = web.Options

// Server is the whole site, with the routes each part registered.
type Server struct {
	http.Handler
	Web *web.Shell
	API *api.API
}

// New builds the site on db.
func New(db *store.DB, opts Options) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	// Every line logged while serving a request names the request.
	opts.Logger = telemetry.Logger(opts.Logger)
	a := api.New(db, opts.Logger)
	apiHandler := a.Handler(
		apiv1.New(a),
	)
	shell := web.NewShell(db, opts)
	h := shell.Handler(apiHandler,
		accountpages.New(shell),
		peoplepages.New(shell),
		accesspages.New(shell),
		coachpages.New(shell),
		oversightpages.New(shell),
		ssopages.New(shell),
		directorypages.New(shell),
		conversationpages.New(shell),
		workspacepages.New(shell),
		contactpages.New(shell),
		adminpages.New(shell),
		importpages.New(shell),
	)
	return &Server{Handler: h, Web: shell, API: a}
}
