package coach

import (
	"strings"
	"unicode"
)

// The coach checks a note against the word list of the language the note
// is written in, which need not be the language of the pages: a worker
// browsing in Welsh may write a note in English, and the other way round.
//
// DetectLanguage tells Welsh from English by their small, common words
// (function words), which every sentence has and which the two languages
// hardly share. It counts the words of the text found in each list below;
// the text is in a language when at least MinLanguageWords of them were
// found and at least two thirds of them are that language's. Otherwise (a
// few words only, or a mix of both languages) the text keeps the fallback,
// the language of the pages. Words both languages use ("a", "i", "am",
// "at") count for neither, with one exception: a capital I standing alone
// counts as English, as English writes the pronoun so and Welsh writes i
// small (at the start of a sentence Welsh has I'r or I'w, which do not
// count).
//
// It is a heuristic, meant to be read and checked by anyone: nothing is
// learnt, and Detection says what was counted.

// MinLanguageWords is how many function words a text needs before its
// language is judged from them.
const MinLanguageWords = 2

// welshWords are common Welsh function words: articles, particles,
// prepositions, pronouns, and forms of bod (to be). "r" and "n" are
// the clitics of i'r, o'r and mae'n, split off at the apostrophe.
var welshWords = wordSet(`y yr r yn n mae ac ei eu ein o ar ddim dim wedi gyda hefo efo hi fe fo e ef fy
	ni chi nhw bod oedd roedd mi rwy rydw ydw dw dwi ydy oes sydd sy yw gan iddo iddi iddyn ganddo ganddi
	hefyd iawn ond neu nid nad pan hwn hon hyn yma yno mewn wrth heb dros rhwng`)

// englishWords are common English function words.
var englishWords = wordSet(`the and of to is was in it that he she with for on his her they we my me not but be
	have had has this are were from by as an or will would there their them what when who you your our us
	been did do does so if no up out him its which can could all said`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// Detection is the language DetectLanguage chose, and why.
type Detection struct {
	Lang    string // "en" or "cy"
	Welsh   int    // Welsh function words counted
	English int    // English function words counted
	// Detected is false when the text kept the fallback: too few
	// function words, or a mix.
	Detected bool
}

// DetectLanguage returns the language text is written in, "en" or "cy",
// or fallback when the words do not say clearly.
func DetectLanguage(text, fallback string) Detection {
	d := Detection{Lang: fallback}
	runes := []rune(text)
	for i := 0; i < len(runes); {
		if !unicode.IsLetter(runes[i]) {
			i++
			continue
		}
		j := i
		for j < len(runes) && unicode.IsLetter(runes[j]) {
			j++
		}
		w := string(runes[i:j])
		switch lw := strings.ToLower(w); {
		case welshWords[lw]:
			d.Welsh++
		case englishWords[lw]:
			d.English++
		case w == "I" && !welshClitic(runes[j:]):
			d.English++
		}
		i = j
	}
	total := d.Welsh + d.English
	if total < MinLanguageWords {
		return d
	}
	switch {
	case 3*d.Welsh >= 2*total:
		d.Lang, d.Detected = "cy", true
	case 3*d.English >= 2*total:
		d.Lang, d.Detected = "en", true
	}
	return d
}

// welshClitic reports whether rest begins with the 'r or 'w of Welsh i'r
// and i'w.
func welshClitic(rest []rune) bool {
	if len(rest) < 2 || (rest[0] != '\'' && rest[0] != '’') {
		return false
	}
	c := unicode.ToLower(rest[1])
	return (c == 'r' || c == 'w') && (len(rest) == 2 || !unicode.IsLetter(rest[2]))
}
