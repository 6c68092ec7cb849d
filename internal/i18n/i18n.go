// Package i18n holds every user-facing string in English and Welsh.
//
// Pages use short message ids ("signin.title"). Messages that come from the
// domain packages (validation problems) are English sentences; the
// catalogues carry those too, keyed by the English text, so they are shown
// in Welsh when Welsh is chosen.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
)

// Languages offered.
const (
	English = "en"
	Welsh   = "cy"
)

//go:embed en.json cy.json
var files embed.FS

var catalogues = map[string]map[string]string{}

func init() {
	for _, lang := range []string{English, Welsh} {
		b, err := files.ReadFile(lang + ".json")
		if err != nil {
			panic(err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: %s.json: %v", lang, err))
		}
		catalogues[lang] = m
	}
}

// Lang returns a supported language code for v, English by default.
func Lang(v string) string {
	if strings.HasPrefix(strings.ToLower(v), Welsh) {
		return Welsh
	}
	return English
}

// T returns the message in the language, formatted with args (fmt verbs).
// A message missing from Welsh falls back to English; one missing from
// both is shown as given (which is how English domain sentences without a
// Welsh entry would appear; the catalogue test stops that happening).
func T(lang, key string, args ...any) string {
	msg, ok := catalogues[Lang(lang)][key]
	if !ok {
		msg, ok = catalogues[English][key]
	}
	if !ok {
		msg = key
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Has reports whether the language's catalogue has the key.
func Has(lang, key string) bool {
	_, ok := catalogues[lang][key]
	return ok
}

// Keys returns every key in a language's catalogue.
func Keys(lang string) []string {
	var out []string
	for k := range catalogues[lang] {
		out = append(out, k)
	}
	return out
}
