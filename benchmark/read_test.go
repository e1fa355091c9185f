package benchmark

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	vs "github.com/vitalsigns/vitalsigns"
)

// dfeDir returns ../shared/data/dfe beside the repository, where DfE's files
// are kept (they are read there, never copied in). Without it the test
// skips, or fails under VITALSIGNS_REQUIRE_TOOLS=1 as CI runs.
func dfeDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("VITALSIGNS_DFE_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "data", "dfe")
	}
	if _, err := os.Stat(filepath.Join(dir, "csww_indicators_2017_to_2025.csv")); err != nil {
		if os.Getenv("VITALSIGNS_REQUIRE_TOOLS") == "1" {
			t.Fatalf("DfE data: %v", err)
		}
		t.Skipf("DfE data not found: %v", err)
	}
	return dir
}

func readFile(t testing.TB, path string) *File {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	f, err := Read(filepath.Base(path), fh)
	if err != nil {
		t.Fatalf("Read(%s): %v", path, err)
	}
	return f
}

// rawRows reads a DfE file with nothing but encoding/csv, so the tests'
// expectations do not share this package's code.
func rawRows(t testing.TB, path string) []map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]string
	for _, r := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			m[h] = r[i]
		}
		out = append(out, m)
	}
	return out
}

func TestReadEveryFile(t *testing.T) {
	dir := dfeDir(t)
	paths, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err != nil || len(paths) != 10 {
		t.Fatalf("glob: %d files, %v", len(paths), err)
	}
	kinds := map[Kind]int{}
	models := map[string]*Grouping{}
	for _, p := range paths {
		f := readFile(t, p)
		kinds[f.Kind]++
		if f.Kind == KindGrouping {
			models[f.Grouping.Model] = f.Grouping
		}
		if len(f.SHA256) != 64 {
			t.Errorf("%s: sha256 %q", p, f.SHA256)
		}
	}
	if kinds[KindTidy] != 8 || kinds[KindGrouping] != 2 {
		t.Errorf("kinds = %v, want 8 tidy and 2 groupings", kinds)
	}
	g25, g21 := models[Model2025], models[Model2021]
	if g25 == nil || g21 == nil {
		t.Fatalf("models = %v", models)
	}
	if got := len(g25.Authorities); got != 153 {
		t.Errorf("2025 model: %d authorities, want 153", got)
	}
	for _, code := range []string{"942", "943", "835", "928"} {
		if _, ok := g21.Authorities[code]; ok {
			t.Errorf("2021 model has %s: Cumberland and Westmorland have no 2021 group; the Old SNs section is not read", code)
		}
	}
	want25 := []string{"889", "330", "353", "373", "831", "354", "350", "335", "333", "382"}
	var got25 []string
	for _, n := range g25.Authorities["380"].Neighbours {
		got25 = append(got25, n.Code)
	}
	if !slices.Equal(got25, want25) {
		t.Errorf("Bradford's 2025 neighbours = %v, want %v", got25, want25)
	}
	b21 := g21.Authorities["380"]
	if len(b21.Neighbours) != 10 || b21.Neighbours[0] != (Neighbour{Code: "354", Closeness: "Close"}) || b21.Region != "Yorkshire and the Humber" {
		t.Errorf("Bradford's 2021 group = %+v", b21)
	}
}

func agency() Measure { return Measure{Column: "agency_rate_fte", Scale: 0.01} }

func TestPublishedCheckFigures(t *testing.T) {
	dir := dfeDir(t)
	csww := readFile(t, filepath.Join(dir, "csww_indicators_2017_to_2025.csv")).Table
	c1 := readFile(t, filepath.Join(dir, "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv")).Table
	g25 := readFile(t, filepath.Join(dir, "sn_model_2025_wide.csv")).Grouping

	figs, err := csww.Figures(agency())
	if err != nil {
		t.Fatal(err)
	}
	grp := g25.Authorities["380"]
	c := Compare(figs, "380", &grp, vs.LowerIsBetter)
	if c.Year.Label != "2025" {
		t.Errorf("year = %v, want 2025", c.Year)
	}
	if !c.HasOwn || c.Own.Value != 0.222 || c.Own.Name != "Bradford" {
		t.Errorf("Bradford = %+v, want 22.2%%", c.Own)
	}
	if c.England == nil || c.England.Value != 0.13 {
		t.Errorf("England = %+v, want 13%%", c.England)
	}
	if c.Region == nil || c.Region.Value != 0.079 || c.Region.Name != "Yorkshire and The Humber" {
		t.Errorf("region = %+v, want Yorkshire and The Humber 7.9%%", c.Region)
	}
	if c.NeighboursUsed != 10 || len(c.Neighbours) != 10 || math.Abs(c.NeighbourMean-0.0947) > 1e-12 {
		t.Errorf("neighbours = %v (%d of %d), want 9.47%% (10 of 10)", c.NeighbourMean, c.NeighboursUsed, len(c.Neighbours))
	}

	for _, tc := range []struct {
		table *Table
		m     Measure
		want  float64
	}{
		{csww, Measure{Column: "caseload_fte", Scale: 1}, 15.2},
		{c1, Measure{Column: "rereferral_percent", Scale: 0.01}, 0.226},
		{c1, Measure{Column: "no_further_action_percent", Scale: 0.01}, 0.065},
	} {
		figs, err := tc.table.Figures(tc.m)
		if err != nil {
			t.Fatal(err)
		}
		c := Compare(figs, "380", nil, vs.LowerIsBetter)
		if c.England == nil || c.England.Value != tc.want || c.Year.Label != "2025" {
			t.Errorf("%s: England %+v in %v, want %v in 2025", tc.m, c.England, c.Year, tc.want)
		}
	}
}

// TestNeighbourMeans computes the means in the test from the raw rows: one
// with a suppressed neighbour (Westminster and Kensington and Chelsea are
// "x" in 2025) and one with a neighbour inside a combined row.
func TestNeighbourMeans(t *testing.T) {
	dir := dfeDir(t)
	path := filepath.Join(dir, "csww_indicators_2017_to_2025.csv")
	csww := readFile(t, path).Table
	g21 := readFile(t, filepath.Join(dir, "New_Statistical_Neighbour_Groupings_April_2021.csv")).Grouping
	g25 := readFile(t, filepath.Join(dir, "sn_model_2025_wide.csv")).Grouping
	raw := map[string]string{}
	for _, r := range rawRows(t, path) {
		if r["time_period"] == "2025" && r["geographic_level"] == "Local authority" {
			raw[r["old_la_code"]] = r["agency_rate_fte"]
		}
	}
	figs, err := csww.Figures(agency())
	if err != nil {
		t.Fatal(err)
	}
	var suppressed, combined bool
	for _, g := range []*Grouping{g25, g21} {
		for code, grp := range g.Authorities {
			var sum float64
			used := 0
			hasSuppressed, hasCombined := false, false
			for _, n := range grp.Neighbours {
				v, ok := raw[n.Code]
				if !ok {
					hasCombined = true
					continue
				}
				f, err := strconv.ParseFloat(v, 64)
				if err != nil {
					hasSuppressed = true
					continue
				}
				sum += f
				used++
			}
			if !hasSuppressed && !hasCombined {
				continue
			}
			suppressed = suppressed || hasSuppressed
			combined = combined || hasCombined
			c := Compare(figs, code, &grp, vs.LowerIsBetter)
			if c.NeighboursUsed != used || math.Abs(c.NeighbourMean-sum/float64(used)/100) > 1e-12 {
				t.Errorf("model %s, %s: mean %v of %d, want %v of %d", g.Model, code, c.NeighbourMean, c.NeighboursUsed, sum/float64(used)/100, used)
			}
		}
	}
	if !suppressed || !combined {
		t.Errorf("cases: suppressed neighbour %v, combined neighbour %v: want both", suppressed, combined)
	}
	// The 2025 model gives every authority a mean in 2025 from at least 7.
	for code, grp := range g25.Authorities {
		if c := Compare(figs, code, &grp, vs.LowerIsBetter); c.NeighboursUsed < 7 {
			t.Errorf("%s: mean of %d neighbours", code, c.NeighboursUsed)
		}
	}
}

// TestRankAndBand ranks in the test by counting better values, ties
// sharing the best rank, and a combined row's authorities taking its rank.
func TestRankAndBand(t *testing.T) {
	dir := dfeDir(t)
	path := filepath.Join(dir, "csww_indicators_2017_to_2025.csv")
	csww := readFile(t, path).Table
	var vals []float64
	byCode := map[string]float64{}
	for _, r := range rawRows(t, path) {
		if r["time_period"] != "2025" || r["geographic_level"] != "Local authority" {
			continue
		}
		v, err := strconv.ParseFloat(r["agency_rate_fte"], 64)
		if err != nil {
			continue
		}
		vals = append(vals, v)
		for _, code := range strings.Split(r["old_la_code"], " / ") {
			byCode[code] = v
		}
	}
	figs, err := csww.Figures(agency())
	if err != nil {
		t.Fatal(err)
	}
	ties := 0
	for code, v := range byCode {
		want := 1
		same := 0
		for _, o := range vals {
			if o < v {
				want++
			}
			if o == v {
				same++
			}
		}
		if same > 1 {
			ties++
		}
		c := Compare(figs, code, nil, vs.LowerIsBetter)
		if c.Rank != want || c.Ranked != len(vals) {
			t.Errorf("%s: rank %d of %d, want %d of %d", code, c.Rank, c.Ranked, want, len(vals))
		}
		n := len(vals)
		wantBand := "D"
		switch {
		case want <= int(math.Ceil(float64(n)/4)):
			wantBand = "A"
		case want <= int(math.Ceil(float64(n)/2)):
			wantBand = "B"
		case want <= int(math.Ceil(3*float64(n)/4)):
			wantBand = "C"
		}
		if c.Band != wantBand {
			t.Errorf("%s: band %q, want %q", code, c.Band, wantBand)
		}
	}
	if ties == 0 || byCode["314"] != byCode["318"] {
		t.Errorf("want ties and Kingston and Richmond sharing a row")
	}
	// Neutral and higher-is-better rank the highest first.
	hi := Compare(figs, "350", nil, vs.Neutral) // Bolton, 25.3%
	lo := Compare(figs, "350", nil, vs.LowerIsBetter)
	if hi.Rank+lo.Rank != hi.Ranked+1 || hi.Rank >= lo.Rank {
		t.Errorf("Bolton neutral rank %d, lower-is-better rank %d of %d", hi.Rank, lo.Rank, hi.Ranked)
	}
}

func TestBand(t *testing.T) {
	for _, tc := range []struct {
		rank, n int
		want    string
	}{
		{1, 153, "A"}, {39, 153, "A"}, {40, 153, "B"}, {77, 153, "B"}, {78, 153, "C"}, {115, 153, "C"}, {116, 153, "D"}, {153, 153, "D"},
		{1, 1, "A"}, {0, 10, ""}, {3, 10, "A"}, {4, 10, "B"},
	} {
		if got := Band(tc.rank, tc.n); got != tc.want {
			t.Errorf("Band(%d, %d) = %q, want %q", tc.rank, tc.n, got, tc.want)
		}
	}
}

func TestRegionOfLondonBorough(t *testing.T) {
	dir := dfeDir(t)
	csww := readFile(t, filepath.Join(dir, "csww_indicators_2017_to_2025.csv")).Table
	figs, err := csww.Figures(agency())
	if err != nil {
		t.Fatal(err)
	}
	for code, want := range map[string]string{"202": "E13000001", "314": "E13000002", "318": "E13000002", "940": "E12000004"} {
		c := Compare(figs, code, nil, vs.LowerIsBetter)
		if c.Region == nil || c.Region.Code != want || c.Region.Level != Regional {
			t.Errorf("%s: region %+v, want %s", code, c.Region, want)
		}
	}
}

// TestReorderedQuotedCopy writes the workforce file with its columns
// reversed, a BOM, CRLF and every field quoted: it reads identically.
func TestReorderedQuotedCopy(t *testing.T) {
	dir := dfeDir(t)
	path := filepath.Join(dir, "csww_indicators_2017_to_2025.csv")
	orig := readFile(t, path)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	for _, r := range recs {
		q := make([]string, len(r))
		for i := range r {
			q[len(r)-1-i] = `"` + strings.ReplaceAll(r[i], `"`, `""`) + `"`
		}
		b.WriteString(strings.Join(q, ",") + "\r\n")
	}
	copy, err := Read("copy.csv", &b)
	if err != nil {
		t.Fatal(err)
	}
	if copy.Kind != KindTidy {
		t.Fatalf("kind %s", copy.Kind)
	}
	for _, col := range []string{"agency_rate_fte", "caseload_fte", "vacancy_rate_fte"} {
		a, err1 := orig.Table.Figures(Measure{Column: col, Scale: 0.01})
		c, err2 := copy.Table.Figures(Measure{Column: col, Scale: 0.01})
		if err1 != nil || err2 != nil || !slices.Equal(a, c) || len(a) == 0 {
			t.Errorf("%s: copy reads differently (%d vs %d figures; %v %v)", col, len(a), len(c), err1, err2)
		}
	}
}

func TestRefused(t *testing.T) {
	for name, in := range map[string]string{
		"empty":     "",
		"workbook":  "Period,Indicator,Value\n2025-01,agency_rate,0.2\n",
		"half tidy": "time_identifier,geographic_level,region_code,old_la_code,la_name,agency_rate_fte\n",
	} {
		_, err := Read(name, strings.NewReader(in))
		var fe *FormatError
		if !errors.As(err, &fe) || !errors.Is(err, ErrNotDfE) || !strings.Contains(err.Error(), "time_period") {
			t.Errorf("%s: err = %v, want a FormatError naming time_period", name, err)
		}
	}
}

func TestSuppressedNeverZero(t *testing.T) {
	in := "time_period,time_identifier,geographic_level,country_code,region_code,old_la_code,la_name,m\n"
	for _, code := range []string{"c", "x", "z", "u", "low", "k", "..", "X"} {
		in += "2025,Reporting year,Local authority,E92000001,E12000003,380,Bradford," + code + "\n"
	}
	in += "202425,Reporting year,Local authority,E92000001,E12000003,380,Bradford,\n"
	f, err := Read("s.csv", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	figs, err := f.Table.Figures(Measure{Column: "m"})
	if err != nil {
		t.Fatal(err)
	}
	for i, fig := range figs[:8] {
		if fig.Status != Suppressed {
			t.Errorf("row %d: %q is %s", i, fig.Raw, fig.Status)
		}
	}
	if figs[8].Status != Missing || figs[8].Year.End != 2025 || figs[8].Year.Label != "202425" {
		t.Errorf("blank 202425 = %+v", figs[8])
	}
	if c := Compare(figs, "380", nil, vs.LowerIsBetter); c.Rank != 0 || c.Band != "" || c.Ranked != 0 {
		t.Errorf("suppressed authority ranked: %+v", c)
	}
	if _, err := f.Table.Figures(Measure{Column: "rate", Where: map[string]string{"breakdown": "x"}}); err == nil || !strings.Contains(err.Error(), "no column rate, breakdown") {
		t.Errorf("missing columns: %v", err)
	}
}

func TestScale(t *testing.T) {
	for _, tc := range []struct{ v, s, want float64 }{{22.2, 0.01, 0.222}, {24.6, 0.01, 0.246}, {15.2, 1, 15.2}, {67, 1, 67}, {3, 0.5, 1.5}} {
		if got := Scale(tc.v, tc.s); got != tc.want {
			t.Errorf("Scale(%v, %v) = %v, want %v", tc.v, tc.s, got, tc.want)
		}
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("time_period,time_identifier,geographic_level,region_code,old_la_code,la_name,m\n2025,Reporting year,National,,,,1\n"))
	f.Add([]byte("\uFEFFold_la_code,la_name,SN_1,SN_2,SN_3,SN_4,SN_5,SN_6,SN_7,SN_8,SN_9,SN_10\r\n380,Bradford,1,2,3,4,5,6,7,8,9,10\r\n"))
	f.Add([]byte("LA num,LA Name,LA number,SN1,SNP,SN2,SNP,SN3,SNP,SN4,SNP,SN5,SNP,SN6,SNP,SN7,SNP,SN8,SNP,SN9,SNP,SN10,SNP,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Read("fuzz.csv", bytes.NewReader(data))
		if err != nil {
			return
		}
		if file.Table != nil {
			figs, err := file.Table.Figures(Measure{Column: "m", Scale: 0.01})
			if err == nil {
				Compare(figs, "380", nil, vs.LowerIsBetter)
			}
		}
	})
}
