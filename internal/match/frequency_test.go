package match

import (
	"math"
	"testing"
)

func TestFrequenciesApply(t *testing.T) {
	if NewFrequencies(map[string]int{"OLIVIA": 10}, nil, MinFrequencyPopulation-1) != nil {
		t.Fatal("frequencies from a directory below the minimum; want nil")
	}
	given := map[string]int{"OLIVIA": 150, "ELLIEMAY": 2, "ZEPHYRINE": 1}
	family := map[string]int{"TAYLOR": 60, "ONEILLWISNIEWSKI": 1}
	f := NewFrequencies(given, family, 10000)
	tests := []struct {
		name             string
		a, b             Record
		wantGiven, wantF float64
	}{
		{"common names", Record{GivenNames: "Olivia Rose", FamilyName: "Taylor"}, Record{GivenNames: "olivia", FamilyName: "TAYLOR"}, 0.015, 0.006},
		{"hyphenated first name, double-barrelled family name", Record{GivenNames: "Ellie-May", FamilyName: "O'Neill Wiśniewski"},
			Record{GivenNames: "Ellie-May", FamilyName: "ONeill-Wisniewski"}, 0.0002, 0.0001},
		{"names not agreeing exactly are not adjusted", Record{GivenNames: "Olivia", FamilyName: "Taylor"}, Record{GivenNames: "Olive", FamilyName: "Tailor"}, 0, 0},
		{"names the table lacks", Record{GivenNames: "Quilla", FamilyName: "Taylor"}, Record{GivenNames: "Quilla", FamilyName: "Taylor"}, 0, 0.006},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pa := Prepare(tt.a)
			v := ComparePrepared(pa, Prepare(tt.b))
			f.Apply(&v, pa)
			if math.Abs(v.TF[FieldGiven]-tt.wantGiven) > 1e-12 || math.Abs(v.TF[FieldFamily]-tt.wantF) > 1e-12 {
				t.Errorf("TF given %v, family %v; want %v, %v", v.TF[FieldGiven], v.TF[FieldFamily], tt.wantGiven, tt.wantF)
			}
		})
	}
	var none *Frequencies
	v := Compare(Record{GivenNames: "Olivia"}, Record{GivenNames: "Olivia"})
	none.Apply(&v, Prepare(Record{GivenNames: "Olivia"}))
	if v.TF != ([NumFields]float64{}) {
		t.Errorf("nil frequencies set TF %v", v.TF)
	}
}

func TestWeightTFBounds(t *testing.T) {
	m := DefaultModel()
	plain := m.Weight(FieldGiven, GivenExact)
	if got := m.WeightTF(FieldGiven, GivenExact, 1e-9); math.Abs(got-(plain+TFMaxGain)) > 1e-9 {
		t.Errorf("a name one child in a billion has weighs %v; want the plain %v plus at most %d bits", got, plain, TFMaxGain)
	}
	if got := m.WeightTF(FieldGiven, GivenExact, 0.05); got >= plain-3 {
		t.Errorf("a name one child in twenty has weighs %v; want well below the plain %v", got, plain)
	}
}

func TestNameKeys(t *testing.T) {
	g, f := NameKeys("Ellie-May Rose", "O'Neill Smith")
	if g != "ELLIEMAY" || f != "ONEILLSMITH" {
		t.Errorf("NameKeys = %q, %q; want ELLIEMAY, ONEILLSMITH", g, f)
	}
}
