// Package coach is the recording coach: as a worker writes, it points out
// deficit language and jargon with plainer alternatives, notices when an
// outcome is not in the first person, and nudges when a note runs long.
// It only advises; it never stops a save.
//
// The word lists are data: they start from terms.json and live in the
// database, where an admin can change them.
package coach

import (
	_ "embed"
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"unicode"
)

// Term is a word or phrase to flag, with what to write instead.
type Term struct {
	ID         string `json:"id,omitempty"`
	Lang       string `json:"lang,omitempty"` // "en" or "cy"
	Term       string `json:"term"`
	Suggestion string `json:"suggestion"`
}

//go:embed terms.json
var defaultTermsJSON []byte

// Defaults returns the starting word lists, by language.
func Defaults() map[string][]Term {
	var m map[string][]Term
	if err := json.Unmarshal(defaultTermsJSON, &m); err != nil {
		panic("coach: terms.json: " + err.Error())
	}
	for lang, ts := range m {
		for i := range ts {
			ts[i].Lang = lang
		}
	}
	return m
}

// Flag is one thing the coach noticed.
type Flag struct {
	Kind       string `json:"kind"` // "term", "third_person", "long"
	Text       string `json:"text"` // the words flagged, as written
	Suggestion string `json:"suggestion"`
	Start      int    `json:"start"` // rune offsets into the text; -1 when not about a span
	End        int    `json:"end"`
}

// LongNoteWords is the length past which a note gets a nudge to be
// shorter: clear and concise records are easier for everyone, the person
// included, to read.
const LongNoteWords = 250

// Check looks at a piece of recording and returns what the coach noticed,
// in the order it appears. terms should be the list of the language the
// text is written in (DetectLanguage), not the page's.
func Check(text string, terms []Term) []Flag {
	flags := findTerms(text, terms)
	if n := len(strings.Fields(text)); n > LongNoteWords {
		flags = append(flags, Flag{Kind: "long", Text: "", Start: -1, End: -1,
			Suggestion: "This note is long. Could it be shorter? What difference did it make to the person?"})
	}
	return flags
}

// findTerms finds each term as a whole word or phrase, case-insensitively;
// where terms overlap ("non-compliant" and "compliant"), the longer wins.
func findTerms(text string, terms []Term) []Flag {
	lower := []rune(strings.ToLower(text))
	orig := []rune(text)
	sorted := append([]Term(nil), terms...)
	sort.SliceStable(sorted, func(i, j int) bool { return len([]rune(sorted[i].Term)) > len([]rune(sorted[j].Term)) })
	taken := make([]bool, len(lower))
	var flags []Flag
	for _, t := range sorted {
		needle := []rune(strings.ToLower(strings.TrimSpace(t.Term)))
		if len(needle) == 0 {
			continue
		}
		for i := 0; i+len(needle) <= len(lower); i++ {
			if !matchAt(lower, needle, i) || !boundary(lower, i-1) || !boundary(lower, i+len(needle)) || anyTaken(taken, i, i+len(needle)) {
				continue
			}
			for k := i; k < i+len(needle); k++ {
				taken[k] = true
			}
			flags = append(flags, Flag{Kind: "term", Text: string(orig[i : i+len(needle)]), Suggestion: t.Suggestion, Start: i, End: i + len(needle)})
		}
	}
	sort.SliceStable(flags, func(i, j int) bool { return flags[i].Start < flags[j].Start })
	return flags
}

func matchAt(hay, needle []rune, i int) bool {
	for k, r := range needle {
		if hay[i+k] != r {
			return false
		}
	}
	return true
}

// boundary reports whether position i is outside the text or not part of
// a word (so "case" is not found inside "showcase").
func boundary(s []rune, i int) bool {
	if i < 0 || i >= len(s) {
		return true
	}
	r := s[i]
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\''
}

func anyTaken(taken []bool, from, to int) bool {
	for k := from; k < to; k++ {
		if taken[k] {
			return true
		}
	}
	return false
}

var (
	firstPersonEN = regexp.MustCompile(`(?i)\b(i|i'm|i've|i'd|i'll|me|my|mine|myself|we|our|us)\b`)
	firstPersonCY = regexp.MustCompile(`(?i)\b(i|fi|mi|fy|rwy|rydw|dw|dwi|hoffwn|ein|ni)\b`)
)

// CheckOutcome is Check for an outcome statement, which should be in the
// words of whoever said it: it also notices a statement with no first
// person in it ("Mr Jones needs to…" rather than "I want to…"). lang is the
// language the statement is written in (DetectLanguage), which decides
// the first-person words looked for; it need not be the page's.
func CheckOutcome(text, lang string, terms []Term) []Flag {
	flags := Check(text, terms)
	re := firstPersonEN
	if lang == "cy" {
		re = firstPersonCY
	}
	if strings.TrimSpace(text) != "" && !re.MatchString(text) {
		flags = append(flags, Flag{Kind: "third_person", Start: -1, End: -1,
			Suggestion: "Is this in the person's own words? Try writing it as they said it: \"I want to…\""})
	}
	return flags
}
