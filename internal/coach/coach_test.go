package coach

import (
	"strings"
	"testing"
)

func TestCheckFlagsDeficitLanguage(t *testing.T) {
	terms := Defaults()["en"]
	flags := Check("Mr Jones was non-compliant with his medication and refused the placement. Showcase.", terms)
	var got []string
	for _, f := range flags {
		got = append(got, f.Text)
	}
	want := []string{"non-compliant", "refused", "placement"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("flagged %q; want %q (and not 'case' inside 'Showcase')", got, want)
	}
	// Offsets point at the words as written.
	text := []rune("Mr Jones was non-compliant with his medication")
	f := Check(string(text), terms)[0]
	if string(text[f.Start:f.End]) != "non-compliant" {
		t.Fatalf("offsets %d–%d select %q", f.Start, f.End, string(text[f.Start:f.End]))
	}
}

func TestLongerTermWins(t *testing.T) {
	terms := []Term{{Term: "behaviour", Suggestion: "a"}, {Term: "challenging behaviour", Suggestion: "b"}}
	flags := Check("Some Challenging Behaviour today.", terms)
	if len(flags) != 1 || flags[0].Text != "Challenging Behaviour" || flags[0].Suggestion != "b" {
		t.Fatalf("flags = %+v; want one flag for the whole phrase", flags)
	}
}

func TestLongNoteNudge(t *testing.T) {
	short := strings.Repeat("word ", LongNoteWords)
	long := strings.Repeat("word ", LongNoteWords+1)
	if len(Check(short, nil)) != 0 {
		t.Fatal("a note of exactly the limit was nudged")
	}
	if fs := Check(long, nil); len(fs) != 1 || fs[0].Kind != "long" {
		t.Fatalf("long note flags = %+v", fs)
	}
}

func TestOutcomeInTheFirstPerson(t *testing.T) {
	for _, c := range []struct {
		text, lang string
		third      bool
	}{
		{"I want to walk outdoors again", "en", false},
		{"Keep walking to the river with my dog", "en", false},
		{"Mr Jones needs to comply with his care plan", "en", true},
		{"He wants to go home", "en", true},
		{"Rwy eisiau cerdded i'r afon bob dydd", "cy", false},
		{"Mae e eisiau mynd adref", "cy", true},
	} {
		third := false
		for _, f := range CheckOutcome(c.text, c.lang, nil) {
			third = third || f.Kind == "third_person"
		}
		if third != c.third {
			t.Errorf("%q (%s): third person = %v; want %v", c.text, c.lang, third, c.third)
		}
	}
}

func TestWelshTerms(t *testing.T) {
	flags := Check("Mae ganddo ymddygiad heriol weithiau.", Defaults()["cy"])
	if len(flags) != 1 || flags[0].Text != "ymddygiad heriol" {
		t.Fatalf("flags = %+v", flags)
	}
}
