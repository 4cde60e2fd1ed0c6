package store

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/contactpoint/contactpoint/internal/domain"
)

var matchDataSeeds = []string{
	`{"g":"Oliver James","f":"Smith","d":"2015-03-14","s":"male","p":["S10 1AA","S2 4QP"],"t":"Sheffield","la":"E08000019","i":["nhs:abc","upn:def"],"src":["health","benefits"]}`,
	`{"g":"Elizabeth","f":"O\u0027Neill-Wiśniewski","fn":["Brown"],"d":"2012-11-30","s":"female","la":"E08000019"}`,
	`{"g":"Zoë","f":"Smyth","d":"2016-07-07","s":"female","la":"E08000019"}`,
	`{"g":"A","f":"B","d":"2016-07-07","s":"","la":"","p":[]}`,
	`{"g":"A","f":"B","d":"2016-07-07","s":"male","la":"X","p":null}`,
	`{"g":"A","g":"B","d":"2016-07-07"}`,
	`{"G":"A","f":"B","d":"2016-07-07"}`,
	`{"g":"A","f":"B","d":"not a date"}`,
	`{"g":"A","f":"B","d":"2016-07-07","extra":1}`,
	` { "g" : "A" , "f" : "B" , "d" : "2016-07-07" , "p" : [ "x" , "y" ] } `,
	`{}`,
	`{"g":"A"`,
	`{"g":"A"}x`,
	"{\"g\":\"\xff\",\"d\":\"2016-07-07\"}",
	`[]`,
	``,
}

// TestDecodeMatchData checks the direct reader against encoding/json on
// stored forms, including those it hands back (escapes, nulls, repeats).
func TestDecodeMatchData(t *testing.T) {
	for _, data := range matchDataSeeds {
		checkDecode(t, data)
	}
	// What the store writes, through json.Marshal.
	m := MatchData{GivenNames: "Jo <Ann>", FamilyName: "D'Arcy", FormerNames: []string{"Ng"}, DateOfBirth: domain.MustDate("2019-01-02"),
		Gender: domain.GenderFemale, Postcodes: []string{"B12 9QT"}, Town: "Birmingham", LACode: "E08000025", Identifiers: []string{"nhs:x"},
		Sources: []string{"health"}}
	b, _ := json.Marshal(&m)
	var got MatchData
	if err := decodeMatchData(string(b), &got); err != nil || !reflect.DeepEqual(got, m) {
		t.Errorf("decode(%s) = %+v, %v; want %+v", b, got, err, m)
	}
	plain := `{"g":"Oliver James","f":"Smith","d":"2015-03-14","s":"male","p":["S10 1AA"],"la":"E08000019","src":["health","education"]}`
	if !fastMatchData(plain, &got) {
		t.Errorf("fastMatchData(%s) fell back; want the direct path for the plain form", plain)
	}
	if want := []string{"health", "education"}; !reflect.DeepEqual(got.Sources, want) {
		t.Errorf("fastMatchData(%s): sources %q; want %q", plain, got.Sources, want)
	}
}

func FuzzDecodeMatchData(f *testing.F) {
	for _, s := range matchDataSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) { checkDecode(t, data) })
}

// checkDecode requires decodeMatchData to agree with json.Unmarshal: the
// same data when it succeeds, an error when it fails.
func checkDecode(t *testing.T, data string) {
	t.Helper()
	var want, got MatchData
	werr := json.Unmarshal([]byte(data), &want)
	gerr := decodeMatchData(data, &got)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("decode(%q): error %v; json.Unmarshal error %v", data, gerr, werr)
	}
	if werr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("decode(%q) = %+v; json.Unmarshal gives %+v", data, got, want)
	}
}
