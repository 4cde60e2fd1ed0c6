package domain

import (
	"regexp"
	"strings"
	"testing"
)

func TestLocalAuthorities(t *testing.T) {
	las := LocalAuthorities()
	if got, want := len(las), 153; got != want {
		t.Fatalf("len(LocalAuthorities()) = %d; want %d", got, want)
	}
	gss := regexp.MustCompile(`^E(06|08|09|10)[0-9]{6}$`)
	area := regexp.MustCompile(`^[A-Z]{1,2}$`)
	kinds := map[string]int{}
	total := 0
	seen := map[string]bool{}
	for i, la := range las {
		if !gss.MatchString(la.Code) {
			t.Errorf("%s %q: code is not a GSS code of an upper-tier authority", la.Code, la.Name)
		}
		if seen[la.Code] {
			t.Errorf("%s: duplicate code", la.Code)
		}
		seen[la.Code] = true
		if i > 0 && las[i-1].Code >= la.Code {
			t.Errorf("%s after %s; want codes in ascending order", la.Code, las[i-1].Code)
		}
		if strings.TrimSpace(la.Name) == "" {
			t.Errorf("%s: empty name", la.Code)
		}
		if la.Children < 300 || la.Children > 400000 {
			t.Errorf("%s %s: children = %d; want 300..400000", la.Code, la.Name, la.Children)
		}
		if len(la.PostcodeAreas) == 0 {
			t.Errorf("%s %s: no postcode areas", la.Code, la.Name)
		}
		for _, a := range la.PostcodeAreas {
			if !area.MatchString(a) {
				t.Errorf("%s %s: postcode area %q is not one or two capital letters", la.Code, la.Name, a)
			}
		}
		kinds[la.Code[:3]]++
		total += la.Children
	}
	for _, tc := range []struct {
		prefix string
		want   int
	}{{"E06", 63}, {"E08", 36}, {"E09", 33}, {"E10", 21}} {
		if got := kinds[tc.prefix]; got != tc.want {
			t.Errorf("%s authorities = %d; want %d", tc.prefix, got, tc.want)
		}
	}
	if total < 11_000_000 || total > 13_000_000 {
		t.Errorf("total children = %d; want about 12 million", total)
	}
}

func TestLookupLA(t *testing.T) {
	for _, tc := range []struct {
		code, name string
		ok         bool
	}{
		{"E08000019", "Sheffield", true},
		{"E08000025", "Birmingham", true},
		{"E06000063", "Cumberland", true},
		{"E06000064", "Westmorland and Furness", true},
		{"E06000065", "North Yorkshire", true},
		{"E06000066", "Somerset", true},
		{"E06000060", "Buckinghamshire", true},
		{"E06000058", "Bournemouth, Christchurch and Poole", true},
		{"E09000001", "City of London", true},
		{"E06000053", "Isles of Scilly", true},
		{"E10000023", "", false}, // the former North Yorkshire County Council
		{"E10000006", "", false}, // the former Cumbria
		{"E08000020", "", false}, // Gateshead's old code
		{"E07000001", "", false},
		{"", "", false},
	} {
		t.Run(tc.code, func(t *testing.T) {
			la, ok := LookupLA(tc.code)
			if ok != tc.ok || la.Name != tc.name {
				t.Errorf("LookupLA(%q) = %q, %v; want %q, %v", tc.code, la.Name, ok, tc.name, tc.ok)
			}
		})
	}
}
