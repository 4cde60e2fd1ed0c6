package domain

import "testing"

func TestCompulsorySchoolAge(t *testing.T) {
	tests := []struct {
		dob, start, end string
	}{
		// Fifth birthday in the autumn term: of age from 31 December; turns
		// 16 in the autumn of 2035, so leaves in June 2036.
		{"2019-10-15", "2024-12-31", "2036-06-27"},
		// Fifth birthday on a prescribed day: of age that day.
		{"2019-03-31", "2024-03-31", "2035-06-29"},
		// Summer-born: from 31 August; turns 16 in August, so leaves that June.
		{"2010-08-20", "2015-08-31", "2026-06-26"},
		// Born 1 September: the oldest in the year; turns 16 in September,
		// leaves the next June.
		{"2010-09-01", "2015-12-31", "2027-06-25"},
		// Spring birthday: from 31 March.
		{"2012-02-29", "2017-03-31", "2028-06-30"},
	}
	for _, tt := range tests {
		start, end := CompulsorySchoolAge(MustDate(tt.dob))
		if start.String() != tt.start || end.String() != tt.end {
			t.Errorf("CompulsorySchoolAge(%s) = %s..%s; want %s..%s", tt.dob, start, end, tt.start, tt.end)
		}
		if end.Weekday().String() != "Friday" {
			t.Errorf("%s: leaving date %s is a %s", tt.dob, end, end.Weekday())
		}
	}
	dob := MustDate("2019-10-15")
	for on, want := range map[string]bool{"2024-12-30": false, "2024-12-31": true, "2036-06-27": true, "2036-06-28": false} {
		if got := OfCompulsorySchoolAge(dob, MustDate(on)); got != want {
			t.Errorf("OfCompulsorySchoolAge(%s, %s) = %v; want %v", dob, on, got, want)
		}
	}
}

func TestSchoolDaysBetween(t *testing.T) {
	tests := []struct {
		from, to string
		want     int
	}{
		{"2026-11-20", "2026-11-27", 5},  // Friday to Friday
		{"2026-11-21", "2026-11-22", 0},  // a weekend
		{"2026-12-18", "2027-01-08", 13}, // Christmas Day and New Year's Day fall on Fridays
		{"2026-11-27", "2026-11-20", 0},
	}
	for _, tt := range tests {
		if got := SchoolDaysBetween(MustDate(tt.from), MustDate(tt.to)); got != tt.want {
			t.Errorf("SchoolDaysBetween(%s, %s) = %d; want %d", tt.from, tt.to, got, tt.want)
		}
	}
}
