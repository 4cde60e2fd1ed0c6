package feed

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/contactpoint/contactpoint/internal/domain"
)

// Reader yields a feed's records one at a time.
type Reader interface {
	// Next returns the next record and the line it started on. A record
	// that cannot be read at all (bad JSON, wrong column count, an unknown
	// field) is returned as a *RowError so the caller can reject that row
	// alone and go on; io.EOF ends the feed; any other error ends it too.
	Next() (Record, int, error)
}

// RowError is a problem confined to one row: the row is rejected, the rest
// of the feed goes on.
type RowError struct {
	Line int
	Err  error
}

func (e *RowError) Error() string {
	return fmt.Sprintf("line %d: %s", e.Line, domain.ErrorMessage(e.Err))
}
func (e *RowError) Unwrap() error { return e.Err }

// MaxLine is the longest line a feed may carry.
const MaxLine = 1 << 20

// NewReader returns a reader for the file's format, chosen by its name:
// .csv or .ndjson (also .jsonl).
func NewReader(name string, r io.Reader) (Reader, error) {
	switch {
	case strings.HasSuffix(name, ".csv"):
		return NewCSVReader(r)
	case strings.HasSuffix(name, ".ndjson"), strings.HasSuffix(name, ".jsonl"):
		return NewNDJSONReader(r), nil
	}
	return nil, domain.FieldError("file", "%q must end in .csv or .ndjson", name)
}

// CSVReader reads the contract's demographic CSV.
type CSVReader struct {
	r    *csv.Reader
	cols []string // column name by position
}

// NewCSVReader reads the header row and checks it: every column must be
// known, none repeated, and the mandatory ones present. A bad header is an
// EInvalid error naming the column; nothing is imported.
func NewCSVReader(r io.Reader) (*CSVReader, error) {
	cr := csv.NewReader(bufio.NewReaderSize(r, 1<<16))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err == io.EOF {
		return nil, domain.FieldError("header", "the file is empty: a header row is required")
	}
	if err != nil {
		return nil, domain.FieldError("header", "cannot be read: %v", err)
	}
	known := map[string]bool{}
	for _, c := range CSVColumns {
		known[c] = true
	}
	seen := map[string]bool{}
	cols := make([]string, len(header))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !known[h] {
			return nil, domain.FieldError(h, "unknown column %q: ContactPoint accepts only %s", h, strings.Join(CSVColumns, ", "))
		}
		if seen[h] {
			return nil, domain.FieldError(h, "column %q appears twice", h)
		}
		seen[h] = true
		cols[i] = h
	}
	for _, m := range []string{"source_record_id", "given_names", "family_name", "date_of_birth"} {
		if !seen[m] {
			return nil, domain.FieldError(m, "mandatory column %q is missing from the header", m)
		}
	}
	return &CSVReader{r: cr, cols: cols}, nil
}

// Next returns the next row.
func (c *CSVReader) Next() (Record, int, error) {
	row, err := c.r.Read()
	if err == io.EOF {
		return Record{}, 0, io.EOF
	}
	var perr *csv.ParseError
	if errors.As(err, &perr) {
		if errors.Is(perr.Err, csv.ErrFieldCount) {
			err = nil
		} else {
			return Record{}, perr.StartLine, &RowError{Line: perr.StartLine, Err: domain.FieldError("row", "is not valid CSV: %v", perr.Err)}
		}
	}
	if err != nil {
		return Record{}, 0, err
	}
	line, _ := c.r.FieldPos(0)
	if len(row) != len(c.cols) {
		return Record{}, line, &RowError{Line: line, Err: domain.FieldError("row", "has %d fields; the header has %d", len(row), len(c.cols))}
	}
	var r Record
	for i, v := range row {
		v = strings.TrimSpace(v)
		switch c.cols[i] {
		case "source_record_id":
			r.SourceRecordID = v
		case "given_names":
			r.GivenNames = v
		case "family_name":
			r.FamilyName = v
		case "former_family_names":
			for _, n := range strings.Split(v, ";") {
				if n = strings.TrimSpace(n); n != "" {
					r.FormerFamilyNames = append(r.FormerFamilyNames, n)
				}
			}
		case "gender":
			r.Gender = v
		case "date_of_birth":
			r.DateOfBirth = v
		case "address_line_1":
			r.AddressLine1 = v
		case "address_line_2":
			r.AddressLine2 = v
		case "town":
			r.Town = v
		case "postcode":
			r.Postcode = v
		case "phone":
			r.Phone = v
		case "nhs_number":
			r.NHSNumber = v
		case "upn":
			r.UPN = v
		case "la_code":
			r.LACode = v
		}
	}
	return r, line, nil
}

// NDJSONReader reads one JSON record per line. Unknown fields are refused,
// naming the field: no case information can ride in on a feed.
type NDJSONReader struct {
	s    *bufio.Scanner
	line int
}

// NewNDJSONReader returns a reader of newline-delimited JSON records.
func NewNDJSONReader(r io.Reader) *NDJSONReader {
	s := bufio.NewScanner(r)
	s.Buffer(make([]byte, 0, 1<<16), MaxLine)
	return &NDJSONReader{s: s}
}

// Next returns the next non-blank line's record.
func (n *NDJSONReader) Next() (Record, int, error) {
	for n.s.Scan() {
		n.line++
		b := bytes.TrimSpace(n.s.Bytes())
		if len(b) == 0 {
			continue
		}
		rec, err := DecodeJSON(b)
		if err != nil {
			return Record{}, n.line, &RowError{Line: n.line, Err: err}
		}
		return rec, n.line, nil
	}
	if err := n.s.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return Record{}, n.line + 1, fmt.Errorf("line %d: longer than %d bytes", n.line+1, MaxLine)
		}
		return Record{}, n.line, err
	}
	return Record{}, 0, io.EOF
}

// DecodeJSON decodes one record, refusing unknown fields by name.
func DecodeJSON(b []byte) (Record, error) {
	var rec Record
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&rec); err != nil {
		return Record{}, jsonError(err)
	}
	if d.More() {
		return Record{}, domain.FieldError("record", "holds more than one JSON value on a line")
	}
	return rec, nil
}

// jsonError turns encoding/json's errors into ones that name the field.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return domain.FieldError(te.Field, "must be a %s, found %s", te.Type, te.Value)
	case errors.As(err, &se):
		return domain.FieldError("record", "is not valid JSON at byte %d: %v", se.Offset, err)
	}
	if f, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		f = strings.Trim(f, `"`)
		return domain.FieldError(f, "unknown field %q: ContactPoint holds no such information", f)
	}
	return domain.FieldError("record", "cannot be read: %v", err)
}
