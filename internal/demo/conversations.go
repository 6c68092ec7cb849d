package demo

import (
	"context"
	"fmt"

	"whatmatters/internal/access"
	"whatmatters/internal/conversations"
	"whatmatters/internal/directory"
	"whatmatters/internal/people"
	"whatmatters/internal/store"
)

// The community directory of Riverside: fictional groups, organisations
// and services a worker can connect someone to. Phone numbers are in
// Ofcom's range kept for drama (029 2018 0xxx); web addresses use the
// reserved example.org.
var riversideDirectory = []directory.Entry{
	{Name: "Riverside Stroke Club", Offer: "A friendly club for people who have had a stroke and the people close to them: tea, talks, gentle exercise and people who have been there.",
		Categories: []directory.Category{directory.Social, directory.Carers, directory.Exercise}, Area: "Riverside Community Centre", Postcode: "CF10 1AA",
		Phone: "029 2018 0001", OpeningTimes: "Thursdays 2pm to 4pm", Website: "https://strokeclub.example.org"},
	{Name: "Allotment Friends", Offer: "Raised beds and help with the heavy digging, so people can keep growing whatever their mobility.",
		Categories: []directory.Category{directory.Social, directory.Practical, directory.Exercise}, Area: "Mill Lane allotments", OpeningTimes: "Saturdays 10am to 1pm"},
	{Name: "Riverside Community Transport", Offer: "Door-to-door minibus for people who cannot use the bus: shopping, clubs and appointments. Book two days ahead.",
		Categories: []directory.Category{directory.Transport}, Area: "All of Riverside", Phone: "029 2018 0002", OpeningTimes: "Bookings Monday to Friday, 9am to 3pm"},
	{Name: "Carers' Café", Offer: "Time out for unpaid carers, with cake, advice and someone to sit with the person they care for.",
		Categories: []directory.Category{directory.Carers, directory.Social, directory.Advice}, Area: "St Mary's church hall", OpeningTimes: "First Wednesday of the month, 10am to 12 noon"},
	{Name: "Equipment and Adaptations Service", Offer: "Perching stools, grab rails, bath boards and key safes; a visit to see what would help at home.",
		Categories: []directory.Category{directory.Equipment}, Area: "Riverside Council", Phone: "029 2018 0003", Email: "equipment@riverside.example.org"},
	{Name: "Citizens' Advice Riverside", Offer: "Free advice on money, benefits such as Attendance Allowance and pension credit, housing and debt.",
		Categories: []directory.Category{directory.Advice}, Area: "Riverside Library", Postcode: "CF10 2BB", OpeningTimes: "Monday to Friday, 10am to 4pm"},
	{Name: "Good Neighbours Scheme", Offer: "Volunteers who call in, collect a prescription, change a light bulb or walk the dog.",
		Categories: []directory.Category{directory.Practical, directory.Social}, Area: "North Riverside", Phone: "029 2018 0004"},
	{Name: "Tuesday Lunch Club", Offer: "A hot two-course lunch and company; transport can be arranged.",
		Categories: []directory.Category{directory.Social}, Area: "Methodist church, High Street", OpeningTimes: "Tuesdays 12 noon to 2pm"},
	{Name: "Chair-based Exercise at the Leisure Centre", Offer: "Gentle exercise to music, seated, for strength and balance. No experience needed.",
		Categories: []directory.Category{directory.Exercise}, Area: "Riverside Leisure Centre", OpeningTimes: "Mondays and Fridays, 11am"},
	{Name: "St Mary's Befriending", Offer: "A weekly visit or phone call from the same friendly volunteer, whatever your faith or none.",
		Categories: []directory.Category{directory.Faith, directory.Social}, Area: "St Mary's parish", Phone: "029 2018 0005"},
	{Name: "Memory Café", Offer: "For people living with dementia and those close to them: music, reminiscence and practical tips.",
		Categories: []directory.Category{directory.Social, directory.Carers, directory.Advice}, Area: "Riverside Library", OpeningTimes: "Second Friday of the month, 2pm to 4pm"},
	{Name: "Handyperson Service", Offer: "Small repairs and safety checks at home for older people, charged at cost of materials only.",
		Categories: []directory.Category{directory.Practical}, Area: "All of Riverside", Phone: "029 2018 0006"},
}

// directory seeds Riverside's directory, as Sam, while it is empty, and
// remembers each entry's id by name for the stories.
func (w *world) directory(ctx context.Context, db *store.DB) error {
	s := w.subject("sam@riverside.example")
	found, err := directory.Search(ctx, db.Read(), s, "", "")
	if err != nil {
		return err
	}
	w.entries = map[string]string{}
	for _, e := range found {
		w.entries[e.Name] = e.ID
	}
	if len(found) > 0 {
		return nil
	}
	for i, e := range riversideDirectory {
		e.LastCheckedOn = day(20 + 17*i)
		if i == len(riversideDirectory)-1 {
			e.LastCheckedOn = day(400) // not checked for over a year: marked for checking
		}
		if err := directory.Add(ctx, db, s, &e); err != nil {
			return fmt.Errorf("demo: directory %s: %w", e.Name, err)
		}
		w.entries[e.Name] = e.ID
	}
	return nil
}

// conversations gives Cyril Adams a crisis whose plan has an overdue
// action, so Sam's home page shows it; it is added only while he has no
// conversation, so the seed can run on every start. (Mr Y's conversation
// is part of his story: mrYConversation.)
func (w *world) conversations(ctx context.Context, db *store.DB) error {
	cyril, err := people.IDByNHSNumber(ctx, db.Read(), NHSNumber(residentIndex("Cyril", "Adams")))
	if err != nil {
		return err
	}
	return w.once(ctx, db, cyril, "sam@riverside.example", func(op *access.Opened) error {
		c := &conversations.Conversation{HeldOn: day(6), TookPart: "Cyril, at home, and his neighbour Mrs Davies",
			WhatMatters: "Staying in my own home. Getting warm again.", StrengthsNoticed: "Mrs Davies next door looks in every day.",
			Ended: conversations.ToCrisis}
		if err := conversations.Start(ctx, db, op, c); err != nil {
			return err
		}
		for _, a := range []conversations.Action{
			{What: "Get the boiler mended before the frost", OwnerName: "Sam Okafor", DueOn: day(2), Status: conversations.Doing},
			{What: "Emergency heater and blankets", OwnerName: "Mrs Davies", DueOn: day(5), Status: conversations.Done},
			{What: "Apply for the winter fuel grant", OwnerName: "Citizens' Advice", DueOn: day(-7)},
		} {
			a.ConversationID = c.NextID
			if err := conversations.AddAction(ctx, db, op, &a); err != nil {
				return err
			}
		}
		if err := conversations.AddHelp(ctx, db, op, c.NextID, &conversations.Help{OnDate: day(6),
			Help: "An oil-filled heater and two blankets", Pence: 4598}); err != nil {
			return err
		}
		return conversations.AddCheckIn(ctx, db, op, c.NextID, &conversations.CheckIn{OnDate: day(3),
			Note: "The heater is keeping the front room warm. Cyril is sleeping downstairs until the boiler is mended."})
	})
}

// mrYConversation is the conversation Mr Y never had in the story: listen
// and connect, instead of a package drawn up without him.
func (r *record) mrYConversation(email string) {
	op := r.as(email)
	if r.err != nil {
		return
	}
	r.err = conversations.Start(r.ctx, r.db, op, &conversations.Conversation{HeldOn: day(29), TookPart: "Mr and Mrs Young, on the ward",
		WhatMatters:      "Doing things for myself, like before the stroke. Being asked what we need, not told what we can have.",
		StrengthsNoticed: "He washes and dresses himself. Eileen and he have run their allotment for thirty years.",
		CanDo:            "Eileen is at home all day; their son drives them to the shops on Saturdays. Geoffrey can manage his own mornings.",
		Ended:            conversations.Resolved,
		Connections: []conversations.Connection{{Kind: conversations.Directory, DirectoryEntryID: r.w.entries["Riverside Stroke Club"]},
			{Kind: conversations.Directory, DirectoryEntryID: r.w.entries["Allotment Friends"]},
			{Kind: conversations.Equipment, Detail: "A perching stool for the kitchen, from the equipment service"}}})
}

// once opens the person's record as the worker and runs fn if they have no
// conversation yet.
func (w *world) once(ctx context.Context, db *store.DB, personID, email string, fn func(*access.Opened) error) error {
	var n int
	if err := db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM conversations WHERE person_id = $1`, personID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	op, err := access.Open(ctx, db, w.subject(email), personID, seedReason)
	if err != nil {
		return err
	}
	return fn(op)
}

func residentIndex(given, family string) int {
	for i, r := range Residents {
		if r.Given == given && r.Family == family {
			return i
		}
	}
	panic("demo: no resident " + given + " " + family)
}
