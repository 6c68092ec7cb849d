package coach

import "testing"

func TestDetectLanguage(t *testing.T) {
	for _, c := range []struct {
		text, fallback, want string
		detected             bool
		why                  string
	}{
		{"Helen refused her tea and she was non-compliant with the plan we made for the week.", "cy", "en", true, "an English note on a Welsh page"},
		{"We walked to the river together and talked about the heron.", "cy", "en", true, "English"},
		{"Mae ganddo ymddygiad heriol weithiau ac mae e wedi bod yn drist iawn yr wythnos hon.", "en", "cy", true, "a Welsh note on an English page"},
		{"Aethon ni i'r afon gyda'n gilydd a siarad am y crëyr.", "en", "cy", true, "Welsh, with i'r split at the apostrophe"},
		{"Rydw i eisiau cerdded i'r afon bob dydd", "en", "cy", true, "a short Welsh outcome in the first person"},
		{"Mae e eisiau mynd adref", "en", "cy", true, "a short Welsh outcome in the third person"},
		{"I want to walk outdoors again", "cy", "en", true, "a short English outcome"},
		{"I'r afon yr aethon ni ddoe", "en", "cy", true, "I'r at the start of a Welsh sentence is not the English I"},
		{"I'm going home", "cy", "cy", false, "I'm counts once: too short to say"},
		{"Heron", "cy", "cy", false, "one word: too short to say, so the page's language"},
		{"Walked outdoors", "cy", "cy", false, "no function words at all"},
		{"A i", "en", "en", false, "words both languages use count for neither"},
		{"We went to the shop, wedyn mae hi wedi mynd adref gyda fe and that was it.", "cy", "cy", false, "half and half: a mix keeps the page's language"},
		{"We went to the shop, wedyn mae hi wedi mynd adref gyda fe and that was it.", "en", "en", false, "the same mix on an English page"},
		{"", "cy", "cy", false, "nothing written"},
	} {
		d := DetectLanguage(c.text, c.fallback)
		if d.Lang != c.want || d.Detected != c.detected {
			t.Errorf("%s: DetectLanguage(%q, %s) = %+v; want %s (detected %v)", c.why, c.text, c.fallback, d, c.want, c.detected)
		}
	}
}
