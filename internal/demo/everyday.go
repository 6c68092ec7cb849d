package demo

import (
	"context"

	"whatmatters/internal/people"
	"whatmatters/internal/store"
)

// dayToDay is a short start on the record of everyone not in the source
// stories: what matters to them in their own words, a good day, and one
// note of where things stand, so the lists and searches show varied lives.
type dayToDay struct {
	WhatMatters, GoodDay, Note string
	Kind                       people.EntryKind // the story entry's kind
	DaysAgo                    int
}

var everyday = map[string]dayToDay{
	"Alice Barker":     {"Staying in my flat near the market. I have lived there since 1968.", "Market day, and a chat with the stallholders.", "Alice has had two falls this winter. She wants to keep going to the market; we talked about a rollator and a taxi account.", "visit", 33},
	"Bronwen Hughes":   {"My chapel and my choir. Singing keeps me going.", "Choir practice on a Tuesday and tea after.", "Leg ulcer dressed by the district nurses twice a week. Bronwen asked that visits avoid Tuesday evenings so she can get to choir.", "phone_call", 12},
	"Cyril Adams":      {"Looking after my wife, Betty. Fifty-six years married.", "Betty has a settled day and we do the crossword together.", "Cyril cares for his wife, who has dementia. He is tired but does not want her to go into a home. Carer's assessment offered and accepted.", "conversation", 19},
	"Doreen Fletcher":  {"My garden and my budgie, Joey.", "Sun out, sitting in the garden with Joey in his cage by the door.", "Doreen finds the stairs hard. Stairlift assessment booked; she wants to keep her bedroom upstairs.", "visit", 47},
	"Edward Lloyd":     {"Getting to the bowls club. Being useful.", "A game of bowls and a pint after.", "Ted has stopped going to bowls since his eyesight got worse. He would like to go again if he can get there.", "conversation", 61},
	"Florence Ward":    {"My family visiting, and my own chair by the window.", "The grandchildren come and we look at the old photographs.", "Flo settled well in her first month at Oakfield. She likes to help lay the tables at lunch.", "note", 25},
	"George Pritchard": {"The racing on the television, and a flutter.", "A winner at Chepstow.", "George enjoys the racing in the afternoons. His nephew visits on Sundays.", "note", 14},
	"Hilda Morgan":     {"Being comfortable and warm, and my daughter's visits.", "A good night's sleep and a visit from Gwen.", "District nurse reviewing Hilda's pressure areas weekly; skin intact. Hilda likes the curtains open in the morning.", "visit", 6},
	"Ivor Jenkins":     {"The colliery brass band records. I played cornet for thirty years.", "Band music on and someone to listen to my stories.", "Ivor was unsettled at night this week. Band music at bedtime helped.", "note", 11},
	"Joan Thomas":      {"My husband Dai visiting every day. My knitting.", "Dai comes at eleven and we have lunch together.", "Joan came to Oakfield for respite while Dai has his operation, and has decided to stay. Dai visits daily.", "note", 8},
	"Kenneth Owen":     {"My independence. I don't want fuss.", "Left alone to read the paper, then a walk round the garden.", "Ken prefers to manage his own medicines; staff agreed to check with him rather than take over.", "note", 30},
	"Lilian Bowen":     {"My faith, and the vicar's visits.", "Communion on a Sunday and a quiet afternoon.", "Lilian asked for the vicar to visit more often. Arranged fortnightly.", "note", 17},
	"Mervyn Rees":      {"Getting home to my dog, Bryn.", "Bryn at my feet and the football on.", "Mervyn is on the ward after a chest infection. His neighbour is looking after Bryn. He wants to go home as soon as he can.", "conversation", 4},
	"Nora Griffiths":   {"Going home to my sister.", "My sister and I sit in the front room and watch the quiz shows.", "Nora is ready to leave hospital after a hip replacement. She lives with her sister, who is keen to have her home. District nurses to visit for the wound.", "conversation", 3},
	"Owain Parry":      {"Getting back to driving my taxi.", "Working and earning my own money.", "Owain had a heart attack in the spring. He wants to get back to work; referred to cardiac rehabilitation.", "conversation", 9},
	"Patricia Evans":   {"My grandson, Kyle. I bring him up.", "Kyle gets off to school on time and we have tea together.", "Pat is in hospital after a fall. Her main worry is who will look after Kyle, her grandson, who lives with her.", "conversation", 5},
	"Reginald Bevan":   {"My pigeons.", "Letting the birds out and watching them come home.", "Reg was admitted confused with an infection; much better now. He wants to get back to his pigeons; his friend from the club is feeding them.", "conversation", 7},
	"Sylvia Powell":    {"Not being a burden on my son.", "When I can do things for myself.", "Sylvia has heart failure. District nurses manage her diuretics at home. She would like help with shopping rather than her son giving up his Saturdays.", "phone_call", 10},
	"Thomas Davies":    {"Working on my boat on the canal.", "Sanding and painting on a sunny day.", "Tom had a stroke and is on the stroke unit. He is keen to get back to the boat; speech therapy has started.", "conversation", 6},
	"Una Harris":       {"My friends at the lunch club.", "Lunch club on a Wednesday and the bingo after.", "Una's lunch club is closing. We are looking at another one on the bus route.", "phone_call", 40},
	"Vernon Phillips":  {"Staying in my own home with my wife.", "Mary and I have our breakfast in the conservatory.", "Vernon has diabetes and poor circulation; the district nurses visit for his feet. His wife is his main carer.", "visit", 22},
	"Winifred James":   {"My cats and my piano.", "Playing hymns on the piano with the window open.", "Winnie's neighbours are worried about the number of cats. Winnie says they are all well fed and she loves them. We agreed to talk to the vet together.", "visit", 35},
	"Arthur Collins":   {"Keeping my allotment going.", "A morning on the allotment and a flask of tea.", "Arthur's arthritis makes digging hard. He would like a raised bed and someone to help with the heavy work.", "visit", 27},
	"Beryl Watkins":    {"My independence and my dignity.", "Dressed and out to the shops by ten.", "Beryl would like help in the mornings but only from women carers. Agreed.", "conversation", 50},
	"Clive Roberts":    {"Keeping well and keeping my flat.", "A walk to the park and my music on.", "Clive has lived with schizophrenia for many years and is well at the moment. He wants help with his bills and forms after his mother died.", "conversation", 44},
	"Dilys Howells":    {"Living at home with my husband, and our chapel.", "Chapel, then Sunday dinner with the family.", "Dilys has COPD and uses oxygen at home. District nurses visit. She wants to keep going to chapel; a portable oxygen cylinder is being arranged.", "visit", 16},
	"Eric Mason":       {"Getting back to my wife; she has dementia and needs me.", "When Ann knows who I am.", "Eric is in hospital after a fall. His wife Ann, who has dementia, is staying with their son. Eric is worried about her.", "conversation", 2},
	"Gwen Lewis":       {"My home, my things around me.", "Everything in its place and the kettle on.", "Gwen is medically fit to leave hospital. She is clear she wants to go home, not to a care home; the ward are worried about her memory. We will meet with her and her nephew.", "conversation", 4},
	"Harold Baker":     {"Being near my wife, who is in a care home across town.", "Visiting Mary and having lunch with her.", "Harold is in hospital after a fall. His wife lives in a care home; he wants to be able to visit her again.", "conversation", 8},
	"Iris Turner":      {"Seeing my great-grandchildren grow up.", "The little ones come round and we bake.", "Iris is on the ward after a fall at home. District nurses will visit after discharge for her leg wound.", "conversation", 3},
	"Jack Hopkins":     {"My son, who has a learning disability and lives with me. Who will look after him?", "Dean and I go to the football together.", "Jack is his son Dean's carer and has been diagnosed with cancer. He wants a plan for Dean's future they both agree with.", "conversation", 20},
	"Kathleen Moore":   {"My Irish dancing medals and my memories of Cork.", "Talking about home and a bit of music.", "Kath is lonely since her husband died. A befriender from the Irish centre will start next week.", "phone_call", 38},
	"Leonard Walsh":    {"Getting back to the pub quiz with my mates.", "Quiz night and winning.", "Len is on the ward with pneumonia. His quiz team have been visiting.", "conversation", 5},
	"Mary Kelly":       {"My garden and my independence.", "Out in the garden, weeding, all morning.", "District nurse visiting for a leg ulcer. Mary does not want social care involved; she manages well with her neighbour's help.", "visit", 9},
	"Neville Foster":   {"Staying out of hospital.", "Feeling well enough to potter in the shed.", "District nurses visiting for catheter care. Neville manages his own meals and shopping.", "visit", 13},
	"Olwen Pugh":       {"Speaking Welsh and my radio programmes.", "Radio Cymru and a visit from my niece.", "Olwen prefers Welsh; we have asked for a Welsh-speaking care worker.", "visit", 31},
	"Percy Vaughan":    {"My wife's grave. I go every Sunday.", "A Sunday visit to the cemetery and lunch at the café.", "Percy is in hospital after a stroke. He is anxious about getting to his wife's grave on Sundays.", "conversation", 6},
	"Rita Stephens":    {"My grandchildren and my cooking.", "Cooking Sunday dinner for the whole family.", "Rita's sight is failing. She wants to keep cooking; a referral to the sensory team for kitchen aids.", "visit", 58},
	"Stanley Cross":    {"Going home to my flat and my model railway.", "Working on the railway in the spare room.", "Stan is in hospital after a fall. He has no family nearby. He wants to go home.", "conversation", 4},
	"Thelma Rowlands":  {"Seeing my friends at church.", "Church, then coffee with the ladies.", "Thelma's memory is getting worse. Her friends from church are a great support. We talked about a lasting power of attorney.", "visit", 66},
	"Wilfred Nash":     {"Getting back to my bungalow and my wife.", "Breakfast with Edna and the paper.", "Wilf is on the ward after a fall. His wife Edna is managing at home with their daughter's help.", "conversation", 5},
	"Yvonne Bell":      {"My job at the garden centre and my friends.", "Working at the garden centre and going to the disco on a Friday.", "Yvonne has a learning disability and lives in her own flat. She would like help to plan her holiday with her friends.", "visit", 24},
}

// writerFor is the demo worker who would write in the resident's record:
// whoever among the workers the resident is linked to comes first.
func writerFor(r Resident) string {
	switch {
	case r.Has(bySam) || r.Has(byNorth):
		return sam
	case r.Has(byPriya) || r.Has(byHospital):
		return priya
	case r.Has(atOakfield):
		return jo
	case r.Has(byNurses):
		return nurse
	}
	return ""
}

// dayToDayRecord writes a resident's short record, if they have one and
// someone linked to them to write it.
func dayToDayRecord(ctx context.Context, db *store.DB, w *world, r Resident, id string) error {
	d := everyday[r.Given+" "+r.Family]
	who := writerFor(r)
	if d.WhatMatters == "" || who == "" {
		return nil
	}
	rec := newRecord(ctx, db, w, id)
	rec.aboutMe(who, people.AboutMe{WhatMatters: d.WhatMatters, GoodDay: d.GoodDay})
	rec.entry(who, people.Entry{Kind: d.Kind, OccurredAt: ago(d.DaysAgo), Body: d.Note})
	return rec.err
}
