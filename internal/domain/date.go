package domain

import (
	"time"
)

// Date is a calendar date with no time of day or zone. The zero Date means
// "not known" or "not set".
type Date struct {
	t time.Time // midnight UTC; zero when unset
}

// NewDate returns the date y-m-d. Out-of-range values are normalised as
// time.Date does.
func NewDate(y int, m time.Month, d int) Date {
	return Date{time.Date(y, m, d, 0, 0, 0, 0, time.UTC)}
}

// DateOf returns the calendar date of t in London, where ContactPoint works.
func DateOf(t time.Time) Date {
	t = t.In(london)
	return NewDate(t.Year(), t.Month(), t.Day())
}

var london = func() *time.Location {
	if l, err := time.LoadLocation("Europe/London"); err == nil {
		return l
	}
	return time.UTC
}()

// ParseDate parses YYYY-MM-DD. An empty string gives the zero Date and no
// error; anything else that is not a real date is an EInvalid error naming
// field.
func ParseDate(field, s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, FieldError(field, "%q is not a date in the form YYYY-MM-DD", s)
	}
	return Date{t}, nil
}

// MustDate parses YYYY-MM-DD and panics on error; for tests and tables.
func MustDate(s string) Date {
	d, err := ParseDate("date", s)
	if err != nil {
		panic(err)
	}
	return d
}

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d.t.IsZero() }

// String returns YYYY-MM-DD, or "" for the zero Date.
func (d Date) String() string {
	if d.t.IsZero() {
		return ""
	}
	return d.t.Format(time.DateOnly)
}

// Year, Month and Day return the parts of d.
func (d Date) Year() int             { return d.t.Year() }
func (d Date) Month() time.Month     { return d.t.Month() }
func (d Date) Day() int              { return d.t.Day() }
func (d Date) Weekday() time.Weekday { return d.t.Weekday() }

// Time returns midnight UTC on d.
func (d Date) Time() time.Time { return d.t }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return Date{d.t.AddDate(0, 0, n)} }

// AddYears returns d moved by n years; 29 February becomes 1 March in a
// year without one.
func (d Date) AddYears(n int) Date { return Date{d.t.AddDate(n, 0, 0)} }

// Before, After and Equal compare dates.
func (d Date) Before(o Date) bool { return d.t.Before(o.t) }
func (d Date) After(o Date) bool  { return d.t.After(o.t) }
func (d Date) Equal(o Date) bool  { return d.t.Equal(o.t) }

// DaysUntil returns the number of days from d to o (negative when o is
// earlier).
func (d Date) DaysUntil(o Date) int { return int(o.t.Sub(d.t).Hours() / 24) }

// AgeOn returns the age in whole years of someone born on d, on the date on.
// Someone born on 29 February has their birthday on 1 March in other years,
// as in England.
func (d Date) AgeOn(on Date) int {
	age := on.Year() - d.Year()
	if d.AddYears(age).After(on) {
		age--
	}
	return age
}

// MarshalText and UnmarshalText let a Date travel as YYYY-MM-DD in JSON.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate("date", string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
