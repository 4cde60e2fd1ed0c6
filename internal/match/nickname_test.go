package match

import (
	"slices"
	"testing"
)

func TestNicknameTableSize(t *testing.T) {
	roots := map[string]bool{}
	for _, rs := range nicknameIndex {
		for _, r := range rs {
			roots[r] = true
		}
	}
	if len(roots) < 150 {
		t.Errorf("got %d nickname groups; want at least 150", len(roots))
	}
}

func TestNameRoots(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"Bill", []string{"WILLIAM"}},
		{"william", []string{"WILLIAM"}},
		{"Sam", []string{"SAMANTHA", "SAMUEL"}},
		{"Xyzzy", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NameRoots(tt.name)
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("NameRoots(%q) = %q; want %q", tt.name, got, tt.want)
			}
		})
	}
}

func TestIsNickname(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Bill", "William", true}, {"Will", "Billy", true}, {"Liam", "William", true},
		{"Beth", "Elizabeth", true}, {"Liz", "Lizzie", true}, {"Betty", "Eliza", true},
		{"Ollie", "Oliver", true}, {"Alfie", "Alfred", true}, {"Harry", "Henry", true},
		{"Jack", "John", true}, {"Kate", "Katherine", true}, {"Katie", "Catherine", true},
		{"Mo", "Muhammad", true}, {"Mohammed", "Mohamed", true},
		{"Sam", "Samuel", true}, {"Sam", "Samantha", true}, {"Samuel", "Samantha", false},
		{"Alex", "Alexander", true}, {"Alex", "Alexandra", true},
		{"Charlie", "Charles", true}, {"Charlie", "Charlotte", true},
		{"Tom", "Thomas", true}, {"Dan", "Daniel", true}, {"Jim", "James", true}, {"Jimmy", "James", true},
		{"Bob", "Robert", true}, {"Rob", "Robbie", true}, {"Maddie", "Madison", true}, {"Maddie", "Madeleine", true},
		{"Ellie", "Eleanor", true}, {"Ellie", "Ellen", true}, {"Izzy", "Isabella", true}, {"Izzy", "Isabel", true},
		{"Abi", "Abigail", true}, {"Abby", "Abigail", true}, {"Josh", "Joshua", true},
		{"Olivia", "Amelia", false}, {"Jack", "Harry", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := IsNickname(tt.a, tt.b); got != tt.want {
				t.Errorf("IsNickname(%q, %q) = %v; want %v", tt.a, tt.b, got, tt.want)
			}
			if got := IsNickname(tt.b, tt.a); got != tt.want {
				t.Errorf("IsNickname(%q, %q) = %v; want %v", tt.b, tt.a, got, tt.want)
			}
		})
	}
}
