package domain

import "time"

// CompulsorySchoolAge returns the first and last day of a child's
// compulsory school age in England. It starts on the first prescribed day
// (31 August, 31 December or 31 March: the term after) on or after the
// fifth birthday, and ends on the last Friday in June of the school year
// (1 September to 31 August) in which the child turns 16.
func CompulsorySchoolAge(dob Date) (start, end Date) {
	fifth := dob.AddYears(5)
	y := fifth.Year()
	for _, p := range []Date{NewDate(y, time.March, 31), NewDate(y, time.August, 31), NewDate(y, time.December, 31)} {
		if !p.Before(fifth) {
			start = p
			break
		}
	}
	// The school year in which the child turns 16 ends in June of year Y,
	// where Y is the birthday's year, or the next one for a birthday from
	// September onwards.
	sixteenth := dob.AddYears(16)
	y = sixteenth.Year()
	if sixteenth.Month() >= time.September {
		y++
	}
	end = NewDate(y, time.June, 30)
	for end.Weekday() != time.Friday {
		end = end.AddDays(-1)
	}
	return start, end
}

// OfCompulsorySchoolAge reports whether a child born on dob is of
// compulsory school age on the date on.
func OfCompulsorySchoolAge(dob, on Date) bool {
	start, end := CompulsorySchoolAge(dob)
	return !on.Before(start) && !on.After(end)
}

// SchoolDaysBetween counts the school days after from up to and including
// to: weekdays, less the fixed public holidays of England that fall on
// them. School holidays vary by authority and are not deducted, so the
// count errs on the side of raising a child missing education sooner.
func SchoolDaysBetween(from, to Date) int {
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		if (d.Month() == time.December && (d.Day() == 25 || d.Day() == 26)) || (d.Month() == time.January && d.Day() == 1) {
			continue
		}
		n++
	}
	return n
}
