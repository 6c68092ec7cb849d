package demo

import (
	"context"
	"fmt"
	"time"

	"whatmatters/internal/access"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
	"whatmatters/internal/valid"
)

// The records of the people modelled on the source stories, so that a
// newcomer sees what a good record looks like: the person's own words
// first, outcomes with their ups and downs, strengths that mean
// something, risks chosen with the person, and a story told over time.

var stories = map[string]func(context.Context, *store.DB, *world, string) error{
	"Helen Marsh":    helen,
	"Rhodri Price":   rhodri,
	"Hugh Ellis":     hugh,
	"David Britton":  david,
	"Francis Doyle":  fran,
	"Geoffrey Young": mrY,
	"Margaret Exton": mrsX,
}

// ago is a time some days before now (store.Now, so a test can pin the
// clock), at mid-morning.
func ago(days int) time.Time {
	t := store.Now().AddDate(0, 0, -days)
	return time.Date(t.Year(), t.Month(), t.Day(), 10, 30, 0, 0, time.UTC)
}

// day is the calendar date some days before now.
func day(days int) valid.Date { return valid.DateOf(ago(days)) }

// record is a builder that stops at the first error, so each story reads
// as a list of what happened. Each worker writes through the record as
// they opened it (access.Open, audited as a read for the seed), so every
// write goes through the access rule and the worker's grant, exactly as
// if they had typed it in.
type record struct {
	ctx      context.Context
	db       *store.DB
	w        *world
	personID string
	opened   map[string]*access.Opened // by the writer's email
	err      error
}

// as returns the record as opened by the worker with this email, opening
// it the first time that worker writes in it.
func (r *record) as(email string) *access.Opened {
	if r.err != nil {
		return nil
	}
	if op := r.opened[email]; op != nil {
		return op
	}
	op, err := access.Open(r.ctx, r.db, r.w.subject(email), r.personID, seedReason)
	if err != nil {
		r.err = fmt.Errorf("%s opening the record: %w", email, err)
		return nil
	}
	r.opened[email] = op
	return op
}

// seedReason is what the audit log says a seeding worker opened a record
// for.
const seedReason = "demo seed"

func (r *record) aboutMe(email string, a people.AboutMe) {
	op := r.as(email)
	if r.err != nil {
		return
	}
	r.err = people.SaveAboutMe(r.ctx, r.db, op, &a)
}

// outcome returns the new outcome's id, for story entries to link to.
func (r *record) outcome(email string, o people.Outcome, progress ...people.Progress) string {
	op := r.as(email)
	if r.err != nil {
		return ""
	}
	if r.err = people.AddOutcome(r.ctx, r.db, op, &o); r.err != nil {
		return ""
	}
	for _, p := range progress {
		p.OutcomeID = o.ID
		if r.err = people.AddProgress(r.ctx, r.db, op, &p); r.err != nil {
			return ""
		}
	}
	return o.ID
}

// strength and risk return the new id, for outcomes to link to.
func (r *record) strength(email string, s people.Strength) string {
	op := r.as(email)
	if r.err != nil {
		return ""
	}
	r.err = people.AddStrength(r.ctx, r.db, op, &s)
	return s.ID
}

func (r *record) risk(email string, ra people.RiskAgreement) string {
	op := r.as(email)
	if r.err != nil {
		return ""
	}
	r.err = people.AddRiskAgreement(r.ctx, r.db, op, &ra)
	return ra.ID
}

func (r *record) entry(email string, e people.Entry) {
	op := r.as(email)
	if r.err != nil {
		return
	}
	r.err = people.AddEntry(r.ctx, r.db, op, &e)
}

func (r *record) profile(email string, p people.Profile) {
	op := r.as(email)
	if r.err != nil {
		return
	}
	current, err := people.GetProfile(r.ctx, r.db.Read(), op)
	if err != nil {
		r.err = err
		return
	}
	p.Version = current.Version
	if p.GPPracticeID == "" {
		p.GPPracticeID = r.w.orgs[Surgery].ID // everyone in the stories is registered at Elm Street
	}
	r.err = people.UpdateProfile(r.ctx, r.db, op, &p)
}

func (r *record) relationship(email string, rel people.Relationship) {
	op := r.as(email)
	if r.err != nil {
		return
	}
	r.err = people.AddRelationship(r.ctx, r.db, op, &rel, "")
}

func newRecord(ctx context.Context, db *store.DB, w *world, personID string) *record {
	return &record{ctx: ctx, db: db, w: w, personID: personID, opened: map[string]*access.Opened{}}
}

const (
	sam   = "sam@riverside.example"
	priya = "priya@riverside.example"
	jo    = "jo@oakfield.example"
	nurse = "nurse@riversidehealth.example"
)

// Helen, in her seventies, has had incurable cancer for three years. What
// matters is staying at home with her husband and daughter, and her walk
// to the river, where she looks out for the heron.
func helen(ctx context.Context, db *store.DB, w *world, id string) error {
	r := newRecord(ctx, db, w, id)
	r.aboutMe(sam, people.AboutMe{
		WhatMatters:   "Being at home with Alun and Rhian for as long as I can. Our walk to the river every day, and seeing the heron: he is a good omen for my family.",
		GoodDay:       "We get down to the river, the heron is there, and I have a cup of tea in the garden after.",
		BadDay:        "When I am too tired to go out and the day goes by at the window.",
		HowToSupport:  "Talk to me, not about me. I know what is happening to me. Plan things with Alun and Rhian there.",
		Important:     "Alun, my husband. Rhian, my daughter. The river path. My garden.",
		TalkAbout:     "The birds on the river, my garden, Rhian's little boy.",
		DontTalkAbout: "How long I have got, unless I bring it up.",
	})
	family := r.strength(sam, people.Strength{Strength: "A close family who plan with her", Meaning: "Alun and Rhian make the daily walk possible and will take her to the river by car when walking is no longer possible.",
		NamedBy: "Helen", LastConfirmedOn: day(20)})
	walk := r.risk(sam, people.RiskAgreement{WantsTo: "Walk to the river every day", Risk: "A fall on the river path as she tires",
		Likelihood: "medium", Impact: "high", Mitigation: "Always with Alun or Rhian; wheelchair for the way back; bench at the halfway point.",
		PersonsView: "I would rather have the river than be safe indoors.", AgreedBy: "Helen, Alun, Rhian, Sam Okafor (social worker)", ReviewOn: day(-30)})
	river := r.outcome(sam, people.Outcome{StrengthIDs: []string{family}, RiskIDs: []string{walk}, Statement: "I want to keep walking to the river every day with Alun and Rhian, for as long as I can.",
		Kind: people.OutcomeMaintain, ExpressedBy: "person", WhyItMatters: "The walks give the day a shape, and the heron is a good omen for the family."},
		people.Progress{OnDate: day(120), Movement: "no_change", Note: "Walking to the river every day with Alun.", Contributors: "Helen, Alun"},
		people.Progress{OnDate: day(60), Movement: "further_away", Note: "More tired; managed the river three days this week.", Contributors: "Helen, Rhian"},
		people.Progress{OnDate: day(20), Movement: "closer", Note: "With the wheelchair for the way back, the walk is every day again.", Contributors: "Helen, Rhian, district nurse"})
	r.entry(sam, people.Entry{Kind: "visit", OccurredAt: ago(21), Place: "At home", Who: "Helen, Rhian", OutcomeIDs: []string{river},
		Body: "Helen told me about the heron she saw by the weir yesterday. Rhian has found a photograph of a heron to put by Helen's bed for the days she cannot get out. We agreed the wheelchair for the way back."})
	r.entry(nurse, people.Entry{Kind: "visit", OccurredAt: ago(10), Place: "At home", Who: "Helen, Alun", OutcomeIDs: []string{river},
		Body: "Pain well controlled this week. Helen and Alun had walked to the river in the morning; she was tired but happy."})
	r.profile(sam, people.Profile{Pronouns: "she/her", FirstLanguage: "English", Communication: "Speaks for herself, clearly and directly.",
		CommunicationHelps: "Talk in the garden or by the window, with Alun there.", BestTime: "Mornings", NHSNumberVerified: true})
	r.relationship(sam, people.Relationship{Name: "Alun Marsh", Relationship: "husband", IsMainCarer: true, IsKeyContact: true, Contact: "01632 960101"})
	r.relationship(sam, people.Relationship{Name: "Rhian Marsh", Relationship: "daughter", IsCarer: true})
	return r.err
}

// Rhodri wants the confidence to walk outdoors again after a car
// accident. His journey has a setback, and a physiotherapist he trusts
// helps him back.
func rhodri(ctx context.Context, db *store.DB, w *world, id string) error {
	r := newRecord(ctx, db, w, id)
	r.aboutMe(sam, people.AboutMe{
		WhatMatters:  "Getting out of the house again and seeing my mates at the rugby club.",
		GoodDay:      "I get to the end of the road and back without thinking about it.",
		BadDay:       "When my back is bad and I feel down in the dumps and stay in.",
		HowToSupport: "Don't rush me. Speak Welsh with me if you can.",
		Important:    "My pals from the club. My sister Carys.",
	})
	walk := r.outcome(sam, people.Outcome{Statement: "I want to have the confidence to walk outdoors again and spend time with my pals.",
		Kind: people.OutcomeChange, ExpressedBy: "person", WhyItMatters: "Since the accident I have lost touch with my friends."},
		people.Progress{OnDate: day(150), Movement: "closer", Note: "Walked to the end of the road with Carys.", Contributors: "Rhodri, Carys"},
		people.Progress{OnDate: day(100), Movement: "further_away", Note: "Back pain flared up; feeling down in the dumps and not going out.", Contributors: "Rhodri"},
		people.Progress{OnDate: day(60), Movement: "closer", Note: "After sessions with Ceri, the physiotherapist he trusts, he felt safe enough to step out of the door again.", Contributors: "Rhodri, Ceri (physiotherapist)"},
		people.Progress{OnDate: day(14), Movement: "closer", Note: "Went to the club on Saturday for an hour.", Contributors: "Rhodri, his pals"})
	r.strength(sam, people.Strength{Strength: "Determined", Meaning: "Keeps going with his exercises even on bad days.", NamedBy: "Carys, his sister", LastConfirmedOn: day(60)})
	r.entry(sam, people.Entry{Kind: "conversation", OccurredAt: ago(100), Place: "At home", Who: "Rhodri", OutcomeIDs: []string{walk},
		Body: "Rhodri said he has been feeling down in the dumps since his back got worse. He wants to get back to where he was. We agreed to ask for physiotherapy."})
	r.entry(sam, people.Entry{Kind: "phone_call", OccurredAt: ago(60), Who: "Rhodri", OutcomeIDs: []string{walk},
		Body: "Rhodri rang to say the sessions with Ceri are helping and he went out of the door on his own for the first time."})
	r.profile(sam, people.Profile{Pronouns: "he/him", FirstLanguage: "Welsh", PrefersWelsh: true,
		Communication: "Welsh first; happy in English with people who do not speak Welsh.", BestTime: "Late morning"})
	r.relationship(sam, people.Relationship{Name: "Carys Price", Relationship: "sister", IsKeyContact: true})
	return r.err
}

// Hugh has dementia and lives at Oakfield House. His son Michael told the
// staff about his love of Radio 3; with it on in the lounge, Hugh, who
// was never a joiner, comes to the lounge and conducts.
func hugh(ctx context.Context, db *store.DB, w *world, id string) error {
	r := newRecord(ctx, db, w, id)
	r.aboutMe(jo, people.AboutMe{
		WhatMatters:  "Classical music, Radio 3 especially. Dad was a music teacher and still conducts along.",
		GoodDay:      "Radio 3 on, a quiet corner of the lounge, and a visit from Michael.",
		BadDay:       "Noise and a crowded room: he was always a shy man, not a joiner.",
		HowToSupport: "Put Radio 3 on before you help him with anything. Give him time.",
		Important:    "Michael, his son. His baton. Music.",
		TalkAbout:    "Music, the school orchestra he ran, Elgar.",
		InWordsOf:    "his son, Michael",
	})
	music := r.strength(jo, people.Strength{Strength: "Knows and loves his music", Meaning: "With Radio 3 on he relaxes, joins others in the lounge and conducts: music reaches him when words do not.",
		NamedBy: "Michael, his son", LastConfirmedOn: day(40)})
	radio := r.outcome(jo, people.Outcome{StrengthIDs: []string{music}, Statement: "I want Radio 3 on, so Dad can enjoy his music and feel at home.", Kind: people.OutcomeProcess,
		ExpressedBy: "relative", ExpressedByName: "Michael Ellis (son)", WhyItMatters: "Music relaxes him and brings him into the lounge."},
		people.Progress{OnDate: day(75), Movement: "no_change", Note: "Staying in his room most of the day; unsettled when helped to wash.", Contributors: "Oakfield staff"},
		people.Progress{OnDate: day(40), Movement: "closer", Note: "With Radio 3 in the lounge, Hugh came in, sat with others, and conducted the symphony.", Contributors: "Oakfield staff, Michael"},
		people.Progress{OnDate: day(18), Movement: "further_away", Note: "The lounge radio was moved for the new television; Hugh stayed in his room again.", Contributors: "Oakfield staff"},
		people.Progress{OnDate: day(9), Movement: "closer", Note: "A radio of his own in the quiet lounge, tuned to Radio 3: back with the others in the afternoons.", Contributors: "Oakfield staff, Michael"})
	r.entry(jo, people.Entry{Kind: "conversation", OccurredAt: ago(80), Place: "Oakfield House", Who: "Michael Ellis, Jo Evans", OutcomeIDs: []string{radio},
		Body: "Michael told us his dad taught music for forty years and always had Radio 3 on at home. He thinks the quiet of his room is lonely rather than restful."})
	r.entry(jo, people.Entry{Kind: "note", OccurredAt: ago(40), Place: "Residents' lounge", Who: "Hugh and other residents", OutcomeIDs: []string{radio},
		Body: "We played Radio 3 in the lounge this afternoon. Hugh got up and came to the lounge, and conducted along with the music. He was smiling."})
	r.profile(jo, people.Profile{Pronouns: "he/him", FirstLanguage: "English", Communication: "Few words now; shows how he feels through his face and hands.",
		CommunicationHelps: "Radio 3 relaxes Hugh. Speak quietly and one at a time.", CommunicationAids: "Glasses", BestTime: "Afternoons"})
	r.relationship(jo, people.Relationship{Name: "Michael Ellis", Relationship: "son", IsKeyContact: true, Contact: "07700 900123"})
	return r.err
}

// David lives with Parkinson's disease in his bungalow with Cassie, his
// late wife's cat. People kept telling him to get rid of her; now he goes
// to coffee mornings and film nights, and the carers feed Cassie when he
// is in hospital.
func david(ctx context.Context, db *store.DB, w *world, id string) error {
	r := newRecord(ctx, db, w, id)
	r.aboutMe(sam, people.AboutMe{
		WhatMatters:  "Cassie isn't an animal, she's my only friend. She's my daily reminder of my wife. I'm not moving out of this bungalow if Cassie can't come too.",
		GoodDay:      "Cassie on my lap, the paper, and someone to talk to. Film night on a Thursday.",
		BadDay:       "When my hands shake too much to open her food.",
		HowToSupport: "Don't tell me what I need. Ask me. And don't tell me to get rid of the cat.",
		Important:    "Cassie. My son, Gareth. My wife's photographs.",
		TalkAbout:    "My wife. Cassie. I'd like to make new friends and do more things.",
	})
	friends := r.outcome(sam, people.Outcome{Statement: "I want to make new friends and do more things.", Kind: people.OutcomeChange, ExpressedBy: "person",
		WhyItMatters: "Since his wife died he has been on his own, and his son is more unwell than he is."},
		people.Progress{OnDate: day(80), Movement: "closer", Note: "Went to the coffee morning at the church hall with a volunteer driver.", Contributors: "David, community connector"},
		people.Progress{OnDate: day(55), Movement: "further_away", Note: "In hospital for a week; worried about Cassie and wanted to come home before he was ready.", Contributors: "David, ward staff"},
		people.Progress{OnDate: day(15), Movement: "closer", Note: "Coffee mornings three times a week and film night every Thursday. Has a best friend he visits for a tot of whisky.", Contributors: "David"})
	cassie := r.strength(sam, people.Strength{Strength: "Cares for Cassie every day", Meaning: "Gives his day a routine and a reason to get up.", NamedBy: "David", LastConfirmedOn: day(45)})
	keepCassie := r.risk(sam, people.RiskAgreement{WantsTo: "Keep Cassie at home", Risk: "Tripping over Cassie, with Parkinson's affecting his balance",
		Likelihood: "medium", Impact: "medium", Mitigation: "Cassie's bed and bowls moved out of the walkway; pendant alarm; daily call from the neighbour; the carers feed Cassie when he is in hospital.",
		PersonsView: "Cassie stays. I'll take my chances with her, thank you.", AgreedBy: "David, Sam Okafor (social worker), occupational therapist", ReviewOn: day(10)})
	home := r.outcome(sam, people.Outcome{StrengthIDs: []string{cassie}, RiskIDs: []string{keepCassie}, Statement: "I want to stay in my bungalow with Cassie.", Kind: people.OutcomeMaintain, ExpressedBy: "person",
		WhyItMatters: "Cassie was his wife's cat and is his link with her."},
		people.Progress{OnDate: day(90), Movement: "no_change", Note: "Managing at home; struggling to open cat food tins.", Contributors: "David"},
		people.Progress{OnDate: day(45), Movement: "closer", Note: "Ring-pull tins and a raised feeding bowl: David feeds Cassie himself again.", Contributors: "David, occupational therapist"})
	r.entry(sam, people.Entry{Kind: "conversation", OccurredAt: ago(90), Place: "At home", Who: "David, Cassie", OutcomeIDs: []string{home},
		Body: "David told me about his wife and why Cassie matters so much. We talked about what would make it easier to keep her, rather than whether he should."})
	r.entry(sam, people.Entry{Kind: "phone_call", OccurredAt: ago(52), Who: "David", OutcomeIDs: []string{home, friends},
		Body: "David rang from the ward, worried about Cassie. I arranged for his carers to call in twice a day to feed her; one of them plays with her too. He said he can get better now without worrying."})
	r.entry(sam, people.Entry{Kind: "visit", OccurredAt: ago(15), Place: "At home", Who: "David", OutcomeIDs: []string{friends},
		Body: "David told me about film night and his new best friend. He was laughing about the whisky."})
	r.profile(sam, people.Profile{Pronouns: "he/him", FirstLanguage: "English", Communication: "Speaks for himself; his voice is quiet.",
		CommunicationHelps: "Give him time to answer.", BestTime: "Mid-morning, when his tablets have worked"})
	r.relationship(sam, people.Relationship{Name: "Gareth Britton", Relationship: "son", IsKeyContact: true})
	return r.err
}

// Fran read his records as an adult: what mattered was that his social
// worker had written them so his mum knew everything, and so he could
// recognise himself. "It was gold, it really was."
func fran(ctx context.Context, db *store.DB, w *world, id string) error {
	r := newRecord(ctx, db, w, id)
	r.aboutMe(sam, people.AboutMe{
		WhatMatters:  "Being able to read my own record and recognise myself in it. My wife, my children and my grandchildren.",
		GoodDay:      "Time with the grandchildren, and a walk along the canal.",
		BadDay:       "When old memories from the children's home come back.",
		HowToSupport: "Write things down as they are, with the good bits too. I will read it.",
		Important:    "Linda, my wife. Our children and grandchildren. My foster mum and dad, who are gone now.",
		TalkAbout:    "The grandchildren, football, the canal.",
	})
	written := r.outcome(sam, people.Outcome{Statement: "I want my record written so that I could read it and recognise myself.", Kind: people.OutcomeProcess, ExpressedBy: "person",
		WhyItMatters: "Reading his childhood file was 'gold': it showed that his mum knew everything that had happened to him."},
		people.Progress{OnDate: day(28), Movement: "closer", Note: "Read the notes of our last two conversations with Sam and said they sounded like him.", Contributors: "Fran"})
	r.strength(sam, people.Strength{Strength: "Knows his own story", Meaning: "He can tell us what helped and what did not, so we do not repeat what went wrong.", NamedBy: "Fran", LastConfirmedOn: day(30)})
	r.entry(sam, people.Entry{Kind: "conversation", OccurredAt: ago(30), Place: "Community centre", Who: "Fran", OutcomeIDs: []string{written},
		Body: "Fran talked about reading his Barnardo's file in his thirties: it was gold, it really was. He asked that his record now is written the same way, so he can read it."})
	r.entry(sam, people.Entry{Kind: "letter", OccurredAt: ago(27), Who: "Fran", OutcomeIDs: []string{written},
		Body: "Wrote to Fran with a copy of our notes, as he asked, in plain words."})
	r.profile(sam, people.Profile{Pronouns: "he/him", FirstLanguage: "English", Communication: "Likes things in writing as well as said.",
		CommunicationHelps: "Send him a copy of what was written.", BestTime: "Afternoons"})
	r.relationship(sam, people.Relationship{Name: "Linda Doyle", Relationship: "wife", IsKeyContact: true})
	return r.err
}

// Mr Y was to be sent home after his stroke with a care package nobody
// asked him or Mrs Y about: four visits a day, starting with washing and
// dressing, which he could do himself. Here the hospital team asks first.
func mrY(ctx context.Context, db *store.DB, w *world, id string) error {
	r := newRecord(ctx, db, w, id)
	r.aboutMe(priya, people.AboutMe{
		WhatMatters:  "Doing things for myself, like I did before the stroke. Being asked, not told.",
		GoodDay:      "Up early, washed and dressed, and a cup of tea with Eileen before anyone arrives.",
		BadDay:       "Waiting for someone to come and do what I can do myself.",
		HowToSupport: "Ask me and my wife what we need. I can wash and dress myself.",
		Important:    "My wife, Eileen. Our allotment.",
	})
	wash := r.strength(priya, people.Strength{Strength: "Washes and dresses himself", Meaning: "He does not need the morning care visit.", NamedBy: "Mrs Young", LastConfirmedOn: day(25)})
	asked := r.outcome(priya, people.Outcome{Statement: "I want us to be asked what we need before anything is arranged.", Kind: people.OutcomeProcess,
		ExpressedBy: "person", WhyItMatters: "The first package was drawn up without them and did not fit their home."},
		people.Progress{OnDate: day(32), Movement: "further_away", Note: "A package of four visits a day was proposed on the ward without asking Mr and Mrs Young.", Contributors: "Mr Young, Mrs Young"},
		people.Progress{OnDate: day(29), Movement: "closer", Note: "Met on the ward with both of them and started again from what they need.", Contributors: "Mr Young, Mrs Young, ward physiotherapist"})
	daily := r.outcome(priya, people.Outcome{StrengthIDs: []string{wash}, Statement: "I want to wash and dress myself every morning, as I did before the stroke.", Kind: people.OutcomeMaintain,
		ExpressedBy: "person", Status: "maintained"},
		people.Progress{OnDate: day(25), Movement: "achieved", Note: "Washed and dressed himself on the first morning home, before the care worker came.", Contributors: "Mr Young, Mrs Young"})
	r.entry(priya, people.Entry{Kind: "conversation", OccurredAt: ago(29), Place: "Riverside General, ward 7", Who: "Mr and Mrs Young", OutcomeIDs: []string{asked},
		Body: "Met Mr and Mrs Young on the ward before he goes home. Mrs Young said he can wash and dress himself. We agreed to start with one evening visit and look again after two weeks."})
	r.entry(priya, people.Entry{Kind: "conversation", OccurredAt: ago(24), Place: "At home", Who: "Mr and Mrs Young", OutcomeIDs: []string{daily},
		Body: "Mr Young was up, washed and dressed when I arrived. We will review the whole package with them this week, starting from what they want."})
	r.profile(priya, people.Profile{Pronouns: "he/him", FirstLanguage: "English", Communication: "Speech a little slower since the stroke; understands everything.",
		CommunicationHelps: "Give him time to finish; do not finish his sentences.", BestTime: "Early morning"})
	r.relationship(priya, people.Relationship{Name: "Eileen Young", Relationship: "wife", IsMainCarer: true, IsKeyContact: true})
	r.mrYConversation(priya)
	return r.err
}

// Mrs X wanted to go home from hospital, not to residential care. The
// ward worried about nights and transfers; she and her family accepted
// the risk, and she went home with support that lessened as she managed.
func mrsX(ctx context.Context, db *store.DB, w *world, id string) error {
	r := newRecord(ctx, db, w, id)
	r.aboutMe(priya, people.AboutMe{
		WhatMatters:  "Going home. My own bed, my own front door, my family round the corner.",
		GoodDay:      "The girls pop in, Joyce comes round for a natter, and I sleep in my own bed.",
		BadDay:       "Being told what is best for me.",
		HowToSupport: "I have my own ways of managing at night: ask me about them.",
		Important:    "My daughters, Susan and Claire. My neighbour Joyce.",
	})
	ways := r.strength(priya, people.Strength{Strength: "Her own ways of managing at night", Meaning: "A commode by the bed, a night light and the phone in reach: they have worked for years.",
		NamedBy: "Mrs Exton", LastConfirmedOn: day(21)})
	family := r.strength(priya, people.Strength{Strength: "Daughters who live close by", Meaning: "Susan and Claire call in every day and can come at night.", NamedBy: "Mrs Exton and her daughters", LastConfirmedOn: day(21)})
	nights := r.risk(priya, people.RiskAgreement{WantsTo: "Live at home rather than in residential care", Risk: "Managing alone at night, and transfers in the day",
		Likelihood: "medium", Impact: "high", Mitigation: "Her own strategies at night; high daytime support at first, reviewed weekly; family nearby; nights monitored for the first fortnight.",
		PersonsView: "I know the risks. I'd rather be at home.", AgreedBy: "Mrs Exton, her daughters, Priya Shah (social worker), ward MDT", ReviewOn: day(-14)})
	home := r.outcome(priya, people.Outcome{StrengthIDs: []string{ways, family}, RiskIDs: []string{nights}, Statement: "I want to go home, not into a care home.",
		Kind: people.OutcomeChange, ExpressedBy: "person", Status: "achieved", WhyItMatters: "Home is where she has lived for fifty years, with her family round the corner."},
		people.Progress{OnDate: day(42), Movement: "further_away", Note: "The ward suggested residential care because of nights and transfers.", Contributors: "Ward MDT"},
		people.Progress{OnDate: day(38), Movement: "closer", Note: "Mrs Exton explained how she manages at night; the MDT agreed to her going home with support.", Contributors: "Mrs Exton, her daughters, ward MDT"},
		people.Progress{OnDate: day(35), Movement: "achieved", Note: "Home from hospital with daytime support and night-time checks.", Contributors: "Mrs Exton, her daughters, ward team"})
	r.entry(priya, people.Entry{Kind: "conversation", OccurredAt: ago(38), Place: "Riverside General, ward 4", Who: "Mrs Exton, Susan, Claire", OutcomeIDs: []string{home},
		Body: "Mrs Exton wants to go home. She told me how she has managed at night for years, and she and her daughters understand the ward's worries. I will keep working with her at home, so she is not waiting for a community team."})
	r.entry(priya, people.Entry{Kind: "visit", OccurredAt: ago(21), Place: "At home", Who: "Mrs Exton, her daughter", OutcomeIDs: []string{home},
		Body: "Two weeks home. Nights have gone well with her own routine. We agreed to reduce the daytime visits from four to two."})
	r.profile(priya, people.Profile{Pronouns: "she/her", FirstLanguage: "English", Communication: "Speaks her mind.",
		CommunicationAids: "Hearing aid (left ear)", CommunicationHelps: "Sit on her left side.", BestTime: "After lunch"})
	r.relationship(priya, people.Relationship{Name: "Susan Exton", Relationship: "daughter", IsCarer: true, IsKeyContact: true})
	r.relationship(priya, people.Relationship{Name: "Claire Exton", Relationship: "daughter", IsCarer: true})
	r.relationship(priya, people.Relationship{Name: "Joyce", Relationship: "neighbour"})
	return r.err
}
