package feed

import (
	"errors"
	"io"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/contactpoint/contactpoint/internal/domain"
)

var today = domain.MustDate("2026-11-24")

func validNHS() string {
	n := "943476591"
	return n + strconv.Itoa(domain.NHSCheckDigit(n))
}

// readAll returns the records, row errors and the final error of a reader.
func readAll(t *testing.T, r Reader) (recs []Record, lines []int, rowErrs []*RowError) {
	t.Helper()
	for {
		rec, line, err := r.Next()
		if err == io.EOF {
			return
		}
		var re *RowError
		if errors.As(err, &re) {
			rowErrs = append(rowErrs, re)
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		recs = append(recs, rec)
		lines = append(lines, line)
	}
}

func TestCSVHeader(t *testing.T) {
	tests := []struct {
		name, header, field string
	}{
		{"unknown column", "source_record_id,given_names,family_name,date_of_birth,notes", "notes"},
		{"repeated column", "source_record_id,given_names,family_name,date_of_birth,town,town", "town"},
		{"missing mandatory", "source_record_id,given_names,date_of_birth", "family_name"},
		{"empty file", "", "header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewCSVReader(strings.NewReader(tt.header))
			if got := domain.ErrorField(err); got != tt.field {
				t.Errorf("field = %q (%v); want %q", got, err, tt.field)
			}
		})
	}
	// Columns in any order, any case, with a byte-order mark.
	r, err := NewCSVReader(strings.NewReader("\ufeffDate_Of_Birth,family_name,given_names,source_record_id\n2015-03-14,Smith,Amelia,R1\n"))
	if err != nil {
		t.Fatal(err)
	}
	recs, lines, errs := readAll(t, r)
	if len(errs) != 0 || len(recs) != 1 || recs[0].SourceRecordID != "R1" || recs[0].DateOfBirth != "2015-03-14" || lines[0] != 2 {
		t.Errorf("got %+v lines %v errs %v; want one record R1 on line 2", recs, lines, errs)
	}
}

func TestCSVRowsRejectedAlone(t *testing.T) {
	in := strings.Join([]string{
		"source_record_id,given_names,family_name,date_of_birth,postcode,nhs_number,former_family_names",
		"R1,Amelia,Smith,2015-03-14,S10 1AA," + validNHS() + ",Jones;Brown",
		"R2,Oliver,Khan,2015-13-14,,,",          // bad date: rejected
		"R3,Ava,Le\"e,2015-01-01,,,",            // bare quote: rejected
		"R4,Leo,Patel,2014-01-01,NOT A PC,123,", // bad optionals: kept, warned
		"R5,Isla,Begum",                         // too few fields
	}, "\n") + "\n"
	r, err := NewCSVReader(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	var accepted []string
	var rejected []string
	var warnings []Warning
	for {
		rec, line, err := r.Next()
		if err == io.EOF {
			break
		}
		var re *RowError
		if errors.As(err, &re) {
			rejected = append(rejected, strconv.Itoa(re.Line))
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		p, w, err := Validate(rec, line, "health", today)
		if errors.As(err, &re) {
			rejected = append(rejected, strconv.Itoa(re.Line)+":"+domain.ErrorField(re.Err))
			continue
		}
		accepted = append(accepted, p.SourceRecordID)
		warnings = append(warnings, w...)
		if p.SourceRecordID == "R1" {
			if p.NHSNumber != validNHS() || len(p.Child.FormerFamilyNames) != 2 || p.Child.Addresses[0].Postcode != "S10 1AA" {
				t.Errorf("R1 parsed as %+v", p)
			}
		}
	}
	if got, want := strings.Join(accepted, ","), "R1,R4"; got != want {
		t.Errorf("accepted = %s; want %s", got, want)
	}
	if got, want := strings.Join(rejected, ","), "3:date_of_birth,4,6"; got != want {
		t.Errorf("rejected = %s; want %s", got, want)
	}
	var fields []string
	for _, w := range warnings {
		fields = append(fields, w.Field)
	}
	if got, want := strings.Join(fields, ","), "nhs_number,address.postcode"; got != want {
		t.Errorf("warnings on %s; want %s (%v)", got, want, warnings)
	}
}

func TestValidateMandatory(t *testing.T) {
	good := Record{SourceRecordID: "R1", GivenNames: "Amelia", FamilyName: "Smith", DateOfBirth: "2015-03-14"}
	tests := []struct {
		name  string
		edit  func(*Record)
		field string
	}{
		{"ok", func(*Record) {}, ""},
		{"no record ID", func(r *Record) { r.SourceRecordID = " " }, "source_record_id"},
		{"no given name", func(r *Record) { r.GivenNames = "" }, "given_names"},
		{"digits in family name", func(r *Record) { r.FamilyName = "Sm1th" }, "family_name"},
		{"no date of birth", func(r *Record) { r.DateOfBirth = "" }, "date_of_birth"},
		{"not a date", func(r *Record) { r.DateOfBirth = "14/03/2015" }, "date_of_birth"},
		{"future", func(r *Record) { r.DateOfBirth = "2027-01-01" }, "date_of_birth"},
		{"adult", func(r *Record) { r.DateOfBirth = "2000-01-01" }, "date_of_birth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := good
			tt.edit(&r)
			_, _, err := Validate(r, 7, "health", today)
			if got := domain.ErrorField(err); got != tt.field {
				t.Errorf("field = %q (%v); want %q", got, err, tt.field)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "line 7: ") {
				t.Errorf("error %q does not name the line", err)
			}
		})
	}
}

func TestNDJSON(t *testing.T) {
	in := `{"source_record_id":"L1","given_names":"Kacper","family_name":"Nowak","date_of_birth":"2012-05-01","postcode":"s1 2ab","la_code":"E08000019",
"parents":[{"name":"Anna Nowak","relationship":"mother","parental_responsibility":true,"contact":{"phone":"07700 900123"}}],
"education":{"name":"Hillside School","urn":"123456","start":"2016-09-01"},
"gp":{"name":"Broomhill Surgery","ods_code":"c88001"},
"involvements":[{"service":"social-care","organisation":"Sheffield CS","practitioner_name":"Sam Taylor","start":"2026-01-01"},{"service":"astrology","organisation":"X"}],
"lead_professional":{"name":"Sam Taylor","organisation":"Sheffield CS"},
"caf":{"undertaken":"2025-01-01","holder_name":"Jo Green"}}

{"source_record_id":"L2","given_names":"Ava","family_name":"Lee","date_of_birth":"2012-05-01","case_notes":"known to police"}
{"source_record_id":"L3","given_names":"Ava","family_name":"Lee","date_of_birth":20120501}
not json
`
	in = strings.ReplaceAll(in, ",\n\"", ",\"")
	r := NewNDJSONReader(strings.NewReader(in))
	recs, lines, errs := readAll(t, r)
	if len(recs) != 1 || lines[0] != 1 {
		t.Fatalf("records %d on lines %v; want 1 on line 1", len(recs), lines)
	}
	var got []string
	for _, e := range errs {
		got = append(got, strconv.Itoa(e.Line)+":"+domain.ErrorField(e.Err))
	}
	if want := "3:case_notes,4:date_of_birth,5:record"; strings.Join(got, ",") != want {
		t.Errorf("row errors %v; want %s", got, want)
	}
	p, w, err := Validate(recs[0], 1, "local-authority", today)
	if err != nil {
		t.Fatal(err)
	}
	c := p.Child
	if len(c.Parents) != 1 || len(c.Education) != 1 || len(c.Health) != 1 || c.Health[0].ODSCode != "C88001" ||
		len(c.Involvements) != 1 || len(c.LeadProfessionals) != 1 || len(c.CAFs) != 1 || c.Addresses[0].Postcode != "S1 2AB" ||
		c.LACode != "E08000019" || c.AddressStatus != domain.AddressCurrent {
		t.Errorf("parsed child %+v", c)
	}
	if len(w) != 1 || w[0].Field != "involvements.service" {
		t.Errorf("warnings %v; want the unknown service dropped", w)
	}
	if c.Involvements[0].Source != "local-authority" {
		t.Errorf("involvement provenance %q; want the source", c.Involvements[0].Source)
	}
}

func FuzzCSV(f *testing.F) {
	f.Add("source_record_id,given_names,family_name,date_of_birth\nR1,A,B,2015-01-01\n")
	f.Add("source_record_id,given_names,family_name,date_of_birth,postcode\nR1,\"A\",B,2015-02-30,x\n")
	f.Fuzz(func(t *testing.T, s string) {
		r, err := NewCSVReader(strings.NewReader(s))
		if err != nil {
			return
		}
		for i := 0; i < 1000; i++ {
			rec, line, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				continue
			}
			p, _, err := Validate(rec, line, "s", today)
			if err == nil {
				if verr := p.Child.DateOfBirth; verr.IsZero() {
					t.Fatalf("accepted a record without a date of birth: %+v", rec)
				}
			}
		}
	})
}

func FuzzNDJSON(f *testing.F) {
	f.Add(`{"source_record_id":"R","given_names":"A","family_name":"B","date_of_birth":"2015-01-01","gp":{"name":"x","start":"2015"}}`)
	f.Fuzz(func(t *testing.T, s string) {
		rec, err := DecodeJSON([]byte(s))
		if err != nil {
			if domain.ErrorCode(err) != domain.EInvalid {
				t.Fatalf("decode error %v is not invalid", err)
			}
			return
		}
		p, _, err := Validate(rec, 1, "s", today)
		if err == nil {
			for _, iv := range p.Child.Involvements {
				if iv.Validate() != nil {
					t.Fatalf("accepted an invalid involvement %+v", iv)
				}
			}
		}
	})
}

// TestReservoirRepeats: Train's count of records that repeat an earlier
// one of the feed (duplicates within the source) takes the same child
// under another record ID, spelt in another case, or with the same NHS
// number and date of birth at a new address; not a twin (another given
// name at the same home) nor a namesake born the same day elsewhere.
func TestReservoirRepeats(t *testing.T) {
	const h = "source_record_id,given_names,family_name,gender,date_of_birth,town,postcode,nhs_number,la_code\n"
	text := h +
		"1,Amelia,Hughes,female,2015-03-09,Bromley,BR2 3FF,9434765919,E09000006\n" +
		"2,Amelia,Hughes,female,2015-03-09,Leeds,LS1 4AP,,E08000035\n" + // namesake elsewhere
		"3,Isla,Hughes,female,2015-03-09,Bromley,BR2 3FF,,E09000006\n" + // twin
		"4,AMELIA,hughes,female,2015-03-09,Bromley,br23ff,,E09000006\n" + // repeat of 1
		"5,Amelie,Hughes,female,2015-03-09,Sheffield,S10 2TN,9434765919,E08000019\n" + // repeat of 1 by NHS number
		"6,Noah,Taylor,male,2016-06-06,Leeds,LS1 4AP,,E08000035\n"
	r, err := NewReader("f.csv", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	sample, read, repeats, err := reservoir(r, 3, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	if read != 6 || repeats != 2 || len(sample) != 3 {
		t.Errorf("read %d, repeats %d, sample %d; want 6, 2 and 3", read, repeats, len(sample))
	}
}
