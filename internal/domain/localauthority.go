package domain

// LocalAuthority is an English local authority with children's services
// responsibilities (an upper-tier authority).
type LocalAuthority struct {
	Code          string   // GSS code, such as E08000019
	Name          string   // such as "Sheffield"
	Children      int      // approximate resident population aged 0–17
	PostcodeAreas []string // postcode areas covering most of it, such as "S"
}

// localAuthorities is being compiled in full (all 153); see gen.
var localAuthorities = []LocalAuthority{
	{"E08000019", "Sheffield", 118000, []string{"S"}},
	{"E08000025", "Birmingham", 290000, []string{"B"}},
	{"E08000035", "Leeds", 175000, []string{"LS"}},
	{"E09000007", "Camden", 45000, []string{"NW", "WC"}},
}

var laByCode = func() map[string]int {
	m := make(map[string]int, len(localAuthorities))
	for i, la := range localAuthorities {
		m[la.Code] = i
	}
	return m
}()

// LocalAuthorities returns every English local authority, in GSS code order.
func LocalAuthorities() []LocalAuthority { return localAuthorities }

// LookupLA returns the local authority with the GSS code.
func LookupLA(code string) (LocalAuthority, bool) {
	i, ok := laByCode[code]
	if !ok {
		return LocalAuthority{}, false
	}
	return localAuthorities[i], true
}
