package web

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// readDate reads the GOV.UK date input name (name-day, name-month,
// name-year) from f. An empty input gives the zero Date, which is an
// error only when required. Errors are added to p in the Design System's
// words: "Date of birth must include a month", "must be a real date".
func readDate(p *page, f url.Values, name, label string, required bool, today domain.Date) (domain.Date, bool) {
	parts := []struct{ key, word string }{{"day", "day"}, {"month", "month"}, {"year", "year"}}
	vals := make([]string, 3)
	var missing []string
	var missingKeys []string
	for i, pt := range parts {
		vals[i] = strings.TrimSpace(f.Get(name + "-" + pt.key))
		if vals[i] == "" {
			missing = append(missing, pt.word)
			missingKeys = append(missingKeys, pt.key)
		}
	}
	fail := func(msg string, keys ...string) (domain.Date, bool) {
		if len(keys) == 0 {
			keys = []string{"day", "month", "year"}
		}
		if p.bad == nil {
			p.bad = map[string]bool{}
		}
		for _, k := range keys {
			p.bad[name+"-"+k] = true
		}
		p.add(name+"-"+keys[0], msg)
		return domain.Date{}, false
	}
	switch len(missing) {
	case 3:
		if required {
			return fail("Enter " + strings.ToLower(label[:1]) + label[1:])
		}
		return domain.Date{}, true
	case 1, 2:
		return fail(label+" must include a "+joinAnd(missing), missingKeys...)
	}
	n := make([]int, 3)
	for i, v := range vals {
		x, err := strconv.Atoi(v)
		if err != nil || x <= 0 {
			return fail(label + " must be a real date")
		}
		n[i] = x
	}
	if len(vals[2]) != 4 {
		return fail("Year must include 4 numbers", "year")
	}
	t := time.Date(n[2], time.Month(n[1]), n[0], 0, 0, 0, 0, time.UTC)
	if n[1] > 12 || t.Day() != n[0] || int(t.Month()) != n[1] {
		return fail(label + " must be a real date")
	}
	d := domain.NewDate(n[2], time.Month(n[1]), n[0])
	if !today.IsZero() && d.After(today) {
		return fail(label + " must be today or in the past")
	}
	return d, true
}

// setDate fills the date input name of f from d, for a form shown again.
func setDate(f url.Values, name string, d domain.Date) {
	if d.IsZero() {
		return
	}
	f.Set(name+"-day", strconv.Itoa(d.Day()))
	f.Set(name+"-month", strconv.Itoa(int(d.Month())))
	f.Set(name+"-year", strconv.Itoa(d.Year()))
}

func joinAnd(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// serviceError adds a service's EInvalid error to p against the form
// field that field names (as the service calls it), in plain words. It
// reports whether err was such an error.
func serviceError(p *page, err error, fields map[string]string, labels map[string]string) bool {
	if domain.ErrorCode(err) != domain.EInvalid {
		return false
	}
	f := domain.ErrorField(err)
	id, ok := fields[f]
	if !ok {
		// Fields like "involvements.contact.phone": match the longest known suffix.
		best := ""
		for k, v := range fields {
			if strings.HasSuffix(f, k) && len(k) > len(best) {
				best, id = k, v
			}
		}
		if best == "" {
			id = ""
		}
	}
	msg := serviceMessage(err)
	if label := labels[id]; label != "" {
		if msg == "is required" {
			msg = "Enter " + strings.ToLower(label[:1]) + label[1:]
		} else if strings.HasPrefix(msg, "is ") || strings.HasPrefix(msg, "must ") || strings.HasPrefix(msg, "may ") {
			msg = label + " " + msg
		}
	}
	if id == "" {
		id = firstField(fields)
	}
	p.add(id, sentence(msg))
	return true
}

// serviceMessage is an error's message without its field.
func serviceMessage(err error) string {
	var e *domain.Error
	if asError(err, &e) {
		return e.Message
	}
	return domain.ErrorMessage(err)
}

func firstField(fields map[string]string) string {
	best := ""
	for _, v := range fields {
		if best == "" || v < best {
			best = v
		}
	}
	return best
}

func asError(err error, target **domain.Error) bool { return errors.As(err, target) }
