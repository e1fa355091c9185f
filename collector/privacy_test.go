package collector

import (
	"context"
	"strings"
	"testing"

	"github.com/vitalsigns/vitalsigns/config"
)

func TestIdentifyingText(t *testing.T) {
	cat, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	checks := compilePrivacy(cat.Privacy)
	tests := []struct{ text, want string }{
		{"Child with NHS number 401 023 2137 waited 40 days", "an NHS number"},
		{"NHS 4010232137", "an NHS number"},
		{"Seen late: DOB 01/04/2015", "a date of birth"},
		{"young person born on 3rd March 2016 moved placement", "a date of birth"},
		{"date of birth: 12.11.2009", "a date of birth"},
		{"Escalated (case no. 123456) to the Head of Service", "a case or person number"},
		{"Mosaic ID 998877 closed", "a case or person number"},
		{"UPN A123456789012 missing from the return", "a unique pupil number"},
		// Things commentary legitimately says.
		{"Call the duty team on 01274 432904", ""},
		{"4010232138 is not a valid NHS number", ""},
		{"Visits within timescales rose to 88% in October", ""},
		{"Regulation 28 visits since 01/04/2024 have improved", ""},
		{"32 children were waiting; 12 cases closed", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := identifying(checks, tt.text); got != tt.want {
			t.Errorf("identifying(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestNHSNumberCheckDigit(t *testing.T) {
	for s, want := range map[string]bool{
		"4010232137":   true,
		"401 023 2137": true,
		"4010232138":   false,
		"123456789":    false, // too short
		"1000000010":   false, // the check digit would be 10: never valid
	} {
		if got := nhsNumberValid(s); got != want {
			t.Errorf("nhsNumberValid(%q) = %v, want %v", s, got, want)
		}
	}
}

// A figure whose commentary identifies a child is stored, with a warning
// naming the cell, once per distinct text.
func TestPrivacyWarningInFile(t *testing.T) {
	cat, err := config.Default()
	if err != nil {
		t.Fatal(err)
	}
	csv := "Period,Indicator,Value,Commentary,Outcome\n" +
		"2026-10,Referrals,410,Demand steady,\n" +
		"2026-09,Referrals,402,One child (DOB 01/04/2015) referred twice,Reviewed\n" +
		"2026-08,Referrals,399,One child (DOB 01/04/2015) referred twice,Case ref 4455667 closed\n"
	res, err := Read(context.Background(), "october.csv", strings.NewReader(csv), int64(len(csv)), cat, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Problems) != 0 || len(res.Observations()) != 3 {
		t.Fatalf("got %d observations, problems %v; want 3 stored", len(res.Observations()), res.Problems)
	}
	var got []string
	for _, w := range res.Warnings {
		got = append(got, w.String())
	}
	want := []string{
		"october.csv:3:23: the commentary looks as if it contains a date of birth: it goes into public committee papers (remove anything that could identify a child)",
		"october.csv:4:65: the outcome looks as if it contains a case or person number: it goes into public committee papers (remove anything that could identify a child)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
