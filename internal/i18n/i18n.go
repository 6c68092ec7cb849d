// Package i18n holds every user-facing string in English and Welsh.
//
// Pages use short message ids ("signin.title"); validation problems from
// the domain packages are codes too ("valid.…"), with their arguments. The
// shell's messages (layout, errors, dates, roles, shared validation codes)
// are here; each domain adds its own catalogues, kept beside its pages, with
// Add.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"
)

// Languages offered.
const (
	English = "en"
	Welsh   = "cy"
)

//go:embed en.json cy.json
var files embed.FS

var (
	mu         sync.RWMutex
	catalogues = map[string]map[string]string{}
)

func init() {
	for _, lang := range []string{English, Welsh} {
		catalogues[lang] = map[string]string{}
	}
	Add(files, ".")
}

// Add merges a domain's catalogues, dir/en.json and dir/cy.json in fsys,
// into the messages. A key defined twice is a mistake that would make one
// domain's words depend on the order they load: it panics at start-up.
// Call it from the domain's init.
func Add(fsys fs.FS, dir string) {
	for _, lang := range []string{English, Welsh} {
		b, err := fs.ReadFile(fsys, path.Join(dir, lang+".json"))
		if err != nil {
			panic(fmt.Sprintf("i18n: %v", err))
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("i18n: %s/%s.json: %v", dir, lang, err))
		}
		mu.Lock()
		for k, v := range m {
			if _, dup := catalogues[lang][k]; dup {
				mu.Unlock()
				panic(fmt.Sprintf("i18n: %q is defined twice (%s/%s.json)", k, dir, lang))
			}
			catalogues[lang][k] = v
		}
		mu.Unlock()
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
// both is shown as its key (the catalogue tests stop either happening).
func T(lang, key string, args ...any) string {
	mu.RLock()
	msg, ok := catalogues[Lang(lang)][key]
	if !ok {
		msg, ok = catalogues[English][key]
	}
	mu.RUnlock()
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
	mu.RLock()
	defer mu.RUnlock()
	_, ok := catalogues[lang][key]
	return ok
}

// Keys returns every key in a language's catalogue.
func Keys(lang string) []string {
	mu.RLock()
	defer mu.RUnlock()
	var out []string
	for k := range catalogues[lang] {
		out = append(out, k)
	}
	return out
}

// N returns the message for a count n, in the plural form the language
// uses for it: key.one, key.other in English; Welsh also has key.zero,
// key.two, key.few and key.many (CLDR's rules). A form the catalogue
// lacks falls back to key.other. n is the first argument of the message.
func N(lang, key string, n int, args ...any) string {
	form := PluralForm(lang, n)
	k := key + "." + form
	if !Has(Lang(lang), k) && !Has(English, k) {
		k = key + ".other"
	}
	return T(lang, k, append([]any{n}, args...)...)
}

// PluralForm is the CLDR plural category of n in the language.
func PluralForm(lang string, n int) string {
	if Lang(lang) == Welsh {
		switch n {
		case 0:
			return "zero"
		case 1:
			return "one"
		case 2:
			return "two"
		case 3:
			return "few"
		case 6:
			return "many"
		}
		return "other"
	}
	if n == 1 {
		return "one"
	}
	return "other"
}
