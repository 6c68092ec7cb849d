package pages

import "fmt"

// Charts are drawn here as SVG, on the server, so they need no script:
// horizontal bars, each split into coloured parts, in groups. Every chart
// sits beside a table with the same numbers (the template puts it there);
// the SVG is an image for those who can see it, titled for those who
// cannot, who read the table.

type barGroup struct {
	Label string // "" for a chart of one group
	Bars  []barSpec
}

type barSpec struct {
	Label  string
	Values []float64 // one per series
}

// chart is a drawn chart as the template writes it.
type chart struct {
	Title         string
	Width, Height int
	Texts         []chartText
	Rects         []chartRect
	Legend        []legendItem
}

type chartText struct {
	X, Y   float64
	Text   string
	Anchor string // "start" or "end"
	Bold   bool
}

type chartRect struct {
	X, Y, W, H float64
	Fill       string
	Title      string // what it shows, as a tooltip
}

type legendItem struct {
	X, Y   float64
	Fill   string
	Series string
}

// palette is GOV.UK's colours, far enough apart to tell neighbours
// apart; a chart with more series than colours starts again.
var palette = []string{"#1d70b8", "#f47738", "#00703c", "#912b88", "#d4351c", "#505a5f", "#28a197", "#5694ca"}

const (
	chartWidth = 760
	labelSpace = 18 // a bar's label, on the line above it
	totalWidth = 150
	barHeight  = 22
	barGap     = 6
)

// drawChart lays out the groups of bars, each bar's parts in the series'
// colours, its total at its end in format's words, and the legend.
func drawChart(title string, series []string, groups []barGroup, format func(float64) string) chart {
	c := chart{Title: title, Width: chartWidth}
	most := 0.0
	for _, g := range groups {
		for _, b := range g.Bars {
			most = max(most, sum(b.Values))
		}
	}
	scale := 0.0
	if most > 0 {
		scale = float64(chartWidth-totalWidth) / most
	}
	y := 4.0
	for i, s := range series {
		x := float64(i%4) * 180
		if i > 0 && i%4 == 0 {
			y += 22
		}
		c.Legend = append(c.Legend, legendItem{X: x, Y: y, Fill: palette[i%len(palette)], Series: s})
	}
	y += 32
	for _, g := range groups {
		if g.Label != "" {
			c.Texts = append(c.Texts, chartText{X: 0, Y: y + 15, Text: g.Label, Anchor: "start", Bold: true})
			y += barHeight
		}
		for _, b := range g.Bars {
			// The label above the bar, so a long scenario name is never cut.
			c.Texts = append(c.Texts, chartText{X: 0, Y: y + 13, Text: b.Label, Anchor: "start"})
			y += labelSpace
			x := 0.0
			for i, v := range b.Values {
				if w := v * scale; w > 0 {
					c.Rects = append(c.Rects, chartRect{X: x, Y: y, W: w, H: barHeight, Fill: palette[i%len(palette)],
						Title: fmt.Sprintf("%s, %s: %s", b.Label, series[i], format(v))})
					x += w
				}
			}
			c.Texts = append(c.Texts, chartText{X: x + 6, Y: y + 15, Text: format(sum(b.Values)), Anchor: "start"})
			y += barHeight + barGap
		}
		y += barGap
	}
	c.Height = int(y) + 4
	return c
}

func sum(vs []float64) float64 {
	t := 0.0
	for _, v := range vs {
		t += v
	}
	return t
}
