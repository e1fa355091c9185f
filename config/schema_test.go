package config_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/vitalsigns/vitalsigns/config"
)

func TestQuantity(t *testing.T) {
	tests := []struct {
		in      string
		want    config.Quantity
		wantErr bool
	}{
		{in: `"90%"`, want: config.Quantity{Value: 0.9, Percent: true}},
		// The double Excel holds for 24.6%, not 24.6/100 = 0.24600000000000002.
		{in: `"24.6%"`, want: config.Quantity{Value: 0.246, Percent: true}},
		{in: `"22.6 %"`, want: config.Quantity{Value: 0.226, Percent: true}},
		{in: `"0.5%"`, want: config.Quantity{Value: 0.005, Percent: true}},
		{in: `"150%"`, want: config.Quantity{Value: 1.5, Percent: true}},
		{in: `0.9`, want: config.Quantity{Value: 0.9}},
		{in: `15.2`, want: config.Quantity{Value: 15.2}},
		{in: `-3`, want: config.Quantity{Value: -3}},
		{in: `"%"`, wantErr: true},
		{in: `"NaN%"`, wantErr: true},
		{in: `"Inf"`, wantErr: true},
		{in: `ninety`, wantErr: true},
		{in: `[90]`, wantErr: true},
		{in: `{a: 1}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var got config.Quantity
			err := yaml.Unmarshal([]byte(tt.in), &got)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Unmarshal(%s) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if err == nil && got != tt.want {
				t.Errorf("Unmarshal(%s) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

// TestQuantityRoundTrip checks that a quantity is written so that it reads
// back as exactly the same number.
func TestQuantityRoundTrip(t *testing.T) {
	tenth, fiftieth := 0.1, 0.02
	tests := []struct {
		q    config.Quantity
		want string // as written
	}{
		{config.Quantity{Value: 0.9, Percent: true}, "90%"},
		{config.Quantity{Value: 0.246, Percent: true}, "24.6%"},
		{config.Quantity{Value: 0.226, Percent: true}, "22.6%"},
		{config.Quantity{Value: 1.5, Percent: true}, "150%"},
		{config.Quantity{Value: 0.005, Percent: true}, "0.5%"},
		{config.Quantity{Value: 1.0 / 7, Percent: true}, "14.285714285714285%"},
		// Binary noise no percentage reads back as: written as the fraction.
		{config.Quantity{Value: tenth + fiftieth, Percent: true}, "0.12000000000000001"},
		{config.Quantity{Value: 15.2}, "15.2"},
		{config.Quantity{Value: 16 + 1.0/3}, "16.333333333333332"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			out, err := yaml.Marshal(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(out); got != tt.want+"\n" {
				t.Errorf("Marshal(%v) = %q, want %q", tt.q.Value, got, tt.want+"\n")
			}
			var back config.Quantity
			if err := yaml.Unmarshal(out, &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.q.Value, back.Value); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}
