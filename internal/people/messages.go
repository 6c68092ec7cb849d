package people

import (
	"embed"

	"whatmatters/internal/i18n"
)

// messages are this domain's validation messages in English and Welsh,
// shown by the pages, the API and the command line alike.
//
//go:embed messages/*.json
var messages embed.FS

func init() { i18n.Add(messages, "messages") }
