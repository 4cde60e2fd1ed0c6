package domain

import (
	"strings"
	"testing"
)

func TestPolicyArchive(t *testing.T) {
	p := Policy{} // defaults
	d := MustDate
	tests := []struct {
		name  string
		life  Life
		today string
		due   bool
	}{
		{"day before 18", Life{DateOfBirth: d("2008-12-10")}, "2026-12-09", false},
		{"18th birthday", Life{DateOfBirth: d("2008-12-10")}, "2026-12-10", true},
		{"leap-day birthday in a common year", Life{DateOfBirth: d("2008-02-29")}, "2026-02-28", false},
		{"leap-day birthday on 1 March", Life{DateOfBirth: d("2008-02-29")}, "2026-03-01", true},
		{"extended", Life{DateOfBirth: d("2008-12-10"), ExtendedUntil: d("2030-06-01")}, "2030-05-31", false},
		{"extension ended", Life{DateOfBirth: d("2008-12-10"), ExtendedUntil: d("2030-06-01")}, "2030-06-01", true},
		{"death not yet noticed", Life{DateOfBirth: d("2015-01-01"), DateOfDeath: d("2026-11-20")}, "2030-01-01", false},
		{"death within the year", Life{DateOfBirth: d("2015-01-01"), DateOfDeath: d("2026-11-20"), DeathNotified: d("2026-11-24")}, "2027-11-23", false},
		{"a year after notification", Life{DateOfBirth: d("2015-01-01"), DateOfDeath: d("2026-11-20"), DeathNotified: d("2026-11-24")}, "2027-11-24", true},
		{"death at 17 keeps the record past 18", Life{DateOfBirth: d("2008-12-20"), DateOfDeath: d("2026-11-20"), DeathNotified: d("2026-11-24")}, "2027-01-01", false},
		{"already archived", Life{DateOfBirth: d("2000-01-01"), ArchivedOn: d("2018-01-01")}, "2026-01-01", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := p.ArchiveDue(tt.life, d(tt.today)); got != tt.due {
				t.Errorf("ArchiveDue = %v; want %v", got, tt.due)
			}
		})
	}
	l := Life{ArchivedOn: d("2026-12-10")}
	if !p.ManagerMayRead(l, d("2027-12-09")) || p.ManagerMayRead(l, d("2027-12-10")) {
		t.Error("data managers read for exactly a year")
	}
	if p.PurgeDue(l, d("2032-12-09")) || !p.PurgeDue(l, d("2032-12-10")) {
		t.Error("purge at exactly six years")
	}
	short := Policy{PurgeYears: 2}
	if !short.PurgeDue(l, d("2028-12-10")) {
		t.Error("a configured purge period is not used")
	}
}

func TestValidateExtension(t *testing.T) {
	p, dob, today := DefaultPolicy, MustDate("2008-12-10"), MustDate("2026-11-24")
	ok := Extension{Until: MustDate("2033-12-10"), Basis: ExtensionSEND, ConsentRecorded: MustDate("2026-11-01")}
	tests := []struct {
		name  string
		edit  func(x *Extension)
		field string
	}{
		{"ok to the 25th birthday", func(x *Extension) {}, ""},
		{"past 25", func(x *Extension) { x.Until = MustDate("2033-12-11") }, "until"},
		{"not past 18", func(x *Extension) { x.Until = MustDate("2026-12-10") }, "until"},
		{"no consent", func(x *Extension) { x.ConsentRecorded = Date{} }, "consent_recorded"},
		{"consent in the future", func(x *Extension) { x.ConsentRecorded = MustDate("2026-12-01") }, "consent_recorded"},
		{"unknown basis", func(x *Extension) { x.Basis = "friend" }, "basis"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := ok
			tt.edit(&x)
			if got := ErrorField(p.ValidateExtension(x, dob, today)); got != tt.field {
				t.Errorf("field = %q; want %q", got, tt.field)
			}
		})
	}
}

func TestMissingEducationRule(t *testing.T) {
	dob := MustDate("2016-05-01")
	span := func(start, end string) EducationSpan {
		s := EducationSpan{Name: "School", Start: MustDate(start)}
		if end != "" {
			s.End = MustDate(end)
		}
		return s
	}
	tests := []struct {
		name     string
		dob      Date
		on       string
		settings []EducationSpan
		want     CMEReason
	}{
		{"never a setting", dob, "2026-11-24", nil, CMENoSetting},
		{"current school", dob, "2026-11-24", []EducationSpan{span("2021-09-01", "")}, ""},
		{"home educated", dob, "2026-11-24", []EducationSpan{{HomeEducated: true, Start: MustDate("2024-01-01")}}, ""},
		{"ended 20 school days ago", dob, "2026-12-08", []EducationSpan{span("2021-09-01", "2026-11-10")}, ""},
		{"ended 21 school days ago", dob, "2026-12-09", []EducationSpan{span("2021-09-01", "2026-11-10")}, CMESettingEnded},
		{"ended, then a new school", dob, "2027-03-01", []EducationSpan{span("2021-09-01", "2026-11-10"), span("2026-11-11", "")}, ""},
		{"future school only", dob, "2026-11-24", []EducationSpan{span("2027-01-05", "")}, CMENoSetting},
		{"under school age", MustDate("2022-06-01"), "2026-11-24", nil, ""},
		{"past school age", MustDate("2009-06-01"), "2026-11-24", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			missing, reason, _, _ := MissingEducation(tt.dob, MustDate(tt.on), tt.settings, 20)
			if missing != (tt.want != "") || reason != tt.want {
				t.Errorf("= %v %q; want %q", missing, reason, tt.want)
			}
		})
	}
}

func TestSensitiveServiceBasis(t *testing.T) {
	tests := []struct {
		service ServiceType
		basis   Basis
		field   string
	}{
		{ServiceMentalHealth, BasisConsent, ""},
		{ServiceSubstanceMisuse, BasisSignificantHarm, ""},
		{ServiceSexualHealth, "", "involvements.basis"},
		{ServiceEarlyHelp, BasisConsent, "involvements.basis"},
		{ServiceEarlyHelp, "", ""},
		{ServiceSensitive, BasisConsent, "involvements.service"},
	}
	for _, tt := range tests {
		v := Involvement{Service: tt.service, Basis: tt.basis, Organisation: "Clinic"}
		if got := ErrorField(v.Validate()); got != tt.field {
			t.Errorf("%s/%q: field %q; want %q", tt.service, tt.basis, got, tt.field)
		}
	}
	if !ServiceMentalHealth.Sensitive() || ServiceCAMHS.Sensitive() || ServiceSexualHealth.Label() != "Sexual health" {
		t.Error("sensitive service types")
	}
}

func TestDefaultLATeam(t *testing.T) {
	seen := map[string]string{}
	for _, la := range LocalAuthorities() {
		team := DefaultLATeam(la.Code)
		if !strings.HasPrefix(team.Phone, "01632 960") || len(team.Phone) != len("01632 960000") {
			t.Errorf("%s phone %q is not in the drama range", la.Code, team.Phone)
		}
		if other, ok := seen[team.Phone]; ok {
			t.Errorf("%s and %s share %s", la.Code, other, team.Phone)
		}
		seen[team.Phone] = la.Code
		if err := team.Validate(); err != nil {
			t.Errorf("%s default team invalid: %v", la.Code, err)
		}
	}
}
