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

func TestOtherForm(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		// A name and another form of it: one child.
		{"Henry", "Harry", true}, {"William", "Bill", true}, {"Alfie", "Alf", true},
		{"Joshua", "Josh", true}, {"Matilda", "Tilda", true}, {"Rebecca", "Becca", true},
		{"Emily", "Emmy", true}, {"Jessica", "Jessie", true}, {"Charles", "Charlie", true},
		{"Georgina", "Georgie", true}, {"James", "Jamie", true}, {"Lily-Rose", "Lily", true},
		{"Ellie-May Maeve", "Ellie Maeve", true},
		// Spellings of one name, which twins are given.
		{"Sophie", "Sophia", false}, {"Lily", "Lilly", false}, {"Zara", "Sara", false},
		{"Maya", "Mia", false}, {"Mariam", "Maryam", false}, {"Mohammed", "Muhammad", false},
		{"Aisha", "Ayesha", false}, {"Jacob", "Jakub", false}, {"Hollie", "Holly", false},
		{"Darcie", "Darcy", false}, {"Keira", "Kiara", false}, {"Millie", "Mollie", false},
		{"Ella", "Bella", false}, {"Amelia", "Amelie", false}, {"Layla", "Lyla", false},
		{"Hafsa", "Hafsah", false}, {"Luca", "Luka", false}, {"Oskar", "Oscar", false},
		{"Hassan", "Hussain", false}, {"Jayden", "Jaydon", false}, {"Aiden", "Aidan", false},
		// Not in one nickname group, or the same name.
		{"Isla", "Ivy", false}, {"Harry", "Harvey", false}, {"Olivia", "Amelia", false}, {"Harry", "harry", false},
	}
	for _, tt := range tests {
		t.Run(tt.a+"/"+tt.b, func(t *testing.T) {
			if got := OtherForm(tt.a, tt.b); got != tt.want {
				t.Errorf("OtherForm(%q, %q) = %v; want %v", tt.a, tt.b, got, tt.want)
			}
			if got := OtherForm(tt.b, tt.a); got != tt.want {
				t.Errorf("OtherForm(%q, %q) = %v; want %v", tt.b, tt.a, got, tt.want)
			}
		})
	}
}

func TestFirstGiven(t *testing.T) {
	tests := []struct{ in, first, rest string }{
		{"Ellie-May Rose", "ELLIEMAY", "ROSE"},
		{"  Oliver James Paul", "OLIVER", "JAMES PAUL"},
		{"Zoë", "ZOE", ""},
		{"- Amy", "AMY", ""},
		{"", "", ""},
	}
	for _, tt := range tests {
		if f, r := FirstGiven(tt.in); f != tt.first || r != tt.rest {
			t.Errorf("FirstGiven(%q) = %q, %q; want %q, %q", tt.in, f, r, tt.first, tt.rest)
		}
	}
}
