package importer

import (
	"embed"

	"whatmatters/internal/i18n"
)

// messages are the import's problems in English and Welsh, shown by the
// command line and the pages alike.
//
//go:embed messages/*.json
var messages embed.FS

func init() { i18n.Add(messages, "messages") }
