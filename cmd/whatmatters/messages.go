package main

import (
	"embed"

	"whatmatters/internal/i18n"
)

// messages are the command's own problems (an organisation or account
// named on the command line that is not there), as codes like every
// domain's, in English and Welsh.
//
//go:embed messages/*.json
var messages embed.FS

func init() { i18n.Add(messages, "messages") }
