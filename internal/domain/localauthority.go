package domain

// LocalAuthority is an English local authority with children's services
// responsibilities (an upper-tier authority).
type LocalAuthority struct {
	Code          string   // GSS code, such as E08000019
	Name          string   // such as "Sheffield"
	Children      int      // approximate resident population aged 0–17
	PostcodeAreas []string // postcode areas covering most of it, such as "S"
}

// localAuthorities is every English upper-tier authority with children's
// services in 2024–25 (63 unitaries, 36 metropolitan boroughs, 33 London
// authorities and 21 counties), sorted by GSS code. Children are rounded
// estimates of the 0–17 population (about 12 million in all); the postcode
// areas are the ones that cover most of each authority, first the largest.
var localAuthorities = []LocalAuthority{
	// Unitary authorities (E06).
	{"E06000001", "Hartlepool", 20000, []string{"TS"}},
	{"E06000002", "Middlesbrough", 35000, []string{"TS"}},
	{"E06000003", "Redcar and Cleveland", 28000, []string{"TS"}},
	{"E06000004", "Stockton-on-Tees", 43000, []string{"TS"}},
	{"E06000005", "Darlington", 23000, []string{"DL"}},
	{"E06000006", "Halton", 28000, []string{"WA", "L"}},
	{"E06000007", "Warrington", 45000, []string{"WA"}},
	{"E06000008", "Blackburn with Darwen", 42000, []string{"BB"}},
	{"E06000009", "Blackpool", 29000, []string{"FY"}},
	{"E06000010", "Kingston upon Hull, City of", 60000, []string{"HU"}},
	{"E06000011", "East Riding of Yorkshire", 62000, []string{"HU", "YO", "DN"}},
	{"E06000012", "North East Lincolnshire", 34000, []string{"DN"}},
	{"E06000013", "North Lincolnshire", 35000, []string{"DN"}},
	{"E06000014", "York", 35000, []string{"YO"}},
	{"E06000015", "Derby", 60000, []string{"DE"}},
	{"E06000016", "Leicester", 87000, []string{"LE"}},
	{"E06000017", "Rutland", 8000, []string{"LE", "PE"}},
	{"E06000018", "Nottingham", 66000, []string{"NG"}},
	{"E06000019", "Herefordshire, County of", 35000, []string{"HR"}},
	{"E06000020", "Telford and Wrekin", 42000, []string{"TF"}},
	{"E06000021", "Stoke-on-Trent", 58000, []string{"ST"}},
	{"E06000022", "Bath and North East Somerset", 37000, []string{"BA", "BS"}},
	{"E06000023", "Bristol, City of", 95000, []string{"BS"}},
	{"E06000024", "North Somerset", 45000, []string{"BS"}},
	{"E06000025", "South Gloucestershire", 62000, []string{"BS", "GL"}},
	{"E06000026", "Plymouth", 53000, []string{"PL"}},
	{"E06000027", "Torbay", 25000, []string{"TQ"}},
	{"E06000030", "Swindon", 52000, []string{"SN"}},
	{"E06000031", "Peterborough", 52000, []string{"PE"}},
	{"E06000032", "Luton", 58000, []string{"LU"}},
	{"E06000033", "Southend-on-Sea", 39000, []string{"SS"}},
	{"E06000034", "Thurrock", 44000, []string{"RM", "SS"}},
	{"E06000035", "Medway", 64000, []string{"ME"}},
	{"E06000036", "Bracknell Forest", 28000, []string{"RG"}},
	{"E06000037", "West Berkshire", 35000, []string{"RG"}},
	{"E06000038", "Reading", 38000, []string{"RG"}},
	{"E06000039", "Slough", 44000, []string{"SL"}},
	{"E06000040", "Windsor and Maidenhead", 34000, []string{"SL"}},
	{"E06000041", "Wokingham", 41000, []string{"RG"}},
	{"E06000042", "Milton Keynes", 68000, []string{"MK"}},
	{"E06000043", "Brighton and Hove", 48000, []string{"BN"}},
	{"E06000044", "Portsmouth", 42000, []string{"PO"}},
	{"E06000045", "Southampton", 51000, []string{"SO"}},
	{"E06000046", "Isle of Wight", 24000, []string{"PO"}},
	{"E06000047", "County Durham", 103000, []string{"DH", "DL", "SR"}},
	{"E06000049", "Cheshire East", 78000, []string{"CW", "SK"}},
	{"E06000050", "Cheshire West and Chester", 70000, []string{"CH", "CW"}},
	{"E06000051", "Shropshire", 60000, []string{"SY", "TF"}},
	{"E06000052", "Cornwall", 105000, []string{"TR", "PL"}},
	{"E06000053", "Isles of Scilly", 400, []string{"TR"}},
	{"E06000054", "Wiltshire", 107000, []string{"SN", "SP", "BA"}},
	{"E06000055", "Bedford", 42000, []string{"MK"}},
	{"E06000056", "Central Bedfordshire", 65000, []string{"LU", "MK", "SG"}},
	{"E06000057", "Northumberland", 60000, []string{"NE", "TD"}},
	{"E06000058", "Bournemouth, Christchurch and Poole", 75000, []string{"BH"}},
	{"E06000059", "Dorset", 65000, []string{"DT", "BH", "SP"}},
	{"E06000060", "Buckinghamshire", 125000, []string{"HP", "MK", "SL"}},
	{"E06000061", "North Northamptonshire", 80000, []string{"NN"}},
	{"E06000062", "West Northamptonshire", 95000, []string{"NN"}},
	{"E06000063", "Cumberland", 52000, []string{"CA"}},
	{"E06000064", "Westmorland and Furness", 40000, []string{"LA", "CA"}},
	{"E06000065", "North Yorkshire", 115000, []string{"YO", "HG", "DL", "BD"}},
	{"E06000066", "Somerset", 110000, []string{"TA", "BA"}},

	// Metropolitan boroughs (E08).
	{"E08000001", "Bolton", 70000, []string{"BL"}},
	{"E08000002", "Bury", 43000, []string{"BL", "M"}},
	{"E08000003", "Manchester", 125000, []string{"M"}},
	{"E08000004", "Oldham", 62000, []string{"OL"}},
	{"E08000005", "Rochdale", 54000, []string{"OL"}},
	{"E08000006", "Salford", 60000, []string{"M"}},
	{"E08000007", "Stockport", 64000, []string{"SK"}},
	{"E08000008", "Tameside", 51000, []string{"SK", "OL"}},
	{"E08000009", "Trafford", 56000, []string{"M", "WA"}},
	{"E08000010", "Wigan", 68000, []string{"WN"}},
	{"E08000011", "Knowsley", 36000, []string{"L"}},
	{"E08000012", "Liverpool", 98000, []string{"L"}},
	{"E08000013", "St. Helens", 38000, []string{"WA"}},
	{"E08000014", "Sefton", 55000, []string{"L", "PR"}},
	{"E08000015", "Wirral", 66000, []string{"CH"}},
	{"E08000016", "Barnsley", 50000, []string{"S"}},
	{"E08000017", "Doncaster", 66000, []string{"DN"}},
	{"E08000018", "Rotherham", 58000, []string{"S"}},
	{"E08000019", "Sheffield", 118000, []string{"S"}},
	{"E08000021", "Newcastle upon Tyne", 58000, []string{"NE"}},
	{"E08000022", "North Tyneside", 43000, []string{"NE"}},
	{"E08000023", "South Tyneside", 30000, []string{"NE"}},
	{"E08000024", "Sunderland", 55000, []string{"SR"}},
	{"E08000025", "Birmingham", 290000, []string{"B"}},
	{"E08000026", "Coventry", 78000, []string{"CV"}},
	{"E08000027", "Dudley", 68000, []string{"DY"}},
	{"E08000028", "Sandwell", 85000, []string{"B", "DY"}},
	{"E08000029", "Solihull", 47000, []string{"B"}},
	{"E08000030", "Walsall", 69000, []string{"WS"}},
	{"E08000031", "Wolverhampton", 62000, []string{"WV"}},
	{"E08000032", "Bradford", 145000, []string{"BD"}},
	{"E08000033", "Calderdale", 45000, []string{"HX"}},
	{"E08000034", "Kirklees", 98000, []string{"HD", "WF"}},
	{"E08000035", "Leeds", 175000, []string{"LS"}},
	{"E08000036", "Wakefield", 75000, []string{"WF"}},
	{"E08000037", "Gateshead", 40000, []string{"NE"}},

	// London (E09).
	{"E09000001", "City of London", 1000, []string{"EC"}},
	{"E09000002", "Barking and Dagenham", 68000, []string{"IG", "RM"}},
	{"E09000003", "Barnet", 90000, []string{"N", "NW", "EN"}},
	{"E09000004", "Bexley", 57000, []string{"DA", "SE"}},
	{"E09000005", "Brent", 75000, []string{"NW", "HA"}},
	{"E09000006", "Bromley", 72000, []string{"BR"}},
	{"E09000007", "Camden", 40000, []string{"NW", "WC", "N"}},
	{"E09000008", "Croydon", 92000, []string{"CR"}},
	{"E09000009", "Ealing", 82000, []string{"W", "UB"}},
	{"E09000010", "Enfield", 80000, []string{"EN", "N"}},
	{"E09000011", "Greenwich", 66000, []string{"SE"}},
	{"E09000012", "Hackney", 57000, []string{"E", "N"}},
	{"E09000013", "Hammersmith and Fulham", 34000, []string{"W", "SW"}},
	{"E09000014", "Haringey", 56000, []string{"N"}},
	{"E09000015", "Harrow", 58000, []string{"HA"}},
	{"E09000016", "Havering", 58000, []string{"RM"}},
	{"E09000017", "Hillingdon", 72000, []string{"UB", "HA"}},
	{"E09000018", "Hounslow", 66000, []string{"TW"}},
	{"E09000019", "Islington", 39000, []string{"N", "EC"}},
	{"E09000020", "Kensington and Chelsea", 26000, []string{"W", "SW"}},
	{"E09000021", "Kingston upon Thames", 37000, []string{"KT"}},
	{"E09000022", "Lambeth", 58000, []string{"SE", "SW"}},
	{"E09000023", "Lewisham", 65000, []string{"SE"}},
	{"E09000024", "Merton", 49000, []string{"SW", "CR"}},
	{"E09000025", "Newham", 90000, []string{"E"}},
	{"E09000026", "Redbridge", 77000, []string{"IG"}},
	{"E09000027", "Richmond upon Thames", 45000, []string{"TW"}},
	{"E09000028", "Southwark", 60000, []string{"SE"}},
	{"E09000029", "Sutton", 49000, []string{"SM"}},
	{"E09000030", "Tower Hamlets", 70000, []string{"E"}},
	{"E09000031", "Waltham Forest", 64000, []string{"E"}},
	{"E09000032", "Wandsworth", 62000, []string{"SW"}},
	{"E09000033", "Westminster", 36000, []string{"W", "SW", "NW"}},

	// Counties (E10).
	{"E10000003", "Cambridgeshire", 145000, []string{"CB", "PE"}},
	{"E10000007", "Derbyshire", 155000, []string{"DE", "S", "SK"}},
	{"E10000008", "Devon", 145000, []string{"EX", "TQ", "PL"}},
	{"E10000011", "East Sussex", 105000, []string{"TN", "BN"}},
	{"E10000012", "Essex", 320000, []string{"CM", "CO", "SS"}},
	{"E10000013", "Gloucestershire", 130000, []string{"GL"}},
	{"E10000014", "Hampshire", 290000, []string{"SO", "PO", "GU", "RG", "SP"}},
	{"E10000015", "Hertfordshire", 270000, []string{"AL", "SG", "WD", "HP", "EN", "CM"}},
	{"E10000016", "Kent", 340000, []string{"CT", "ME", "TN", "DA"}},
	{"E10000017", "Lancashire", 260000, []string{"PR", "LA", "BB", "FY"}},
	{"E10000018", "Leicestershire", 145000, []string{"LE"}},
	{"E10000019", "Lincolnshire", 145000, []string{"LN", "PE", "NG", "DN"}},
	{"E10000020", "Norfolk", 170000, []string{"NR", "PE", "IP"}},
	{"E10000024", "Nottinghamshire", 165000, []string{"NG"}},
	{"E10000025", "Oxfordshire", 150000, []string{"OX"}},
	{"E10000028", "Staffordshire", 170000, []string{"ST", "WS", "DE"}},
	{"E10000029", "Suffolk", 150000, []string{"IP", "CO", "CB"}},
	{"E10000030", "Surrey", 265000, []string{"GU", "KT", "RH"}},
	{"E10000031", "Warwickshire", 120000, []string{"CV", "B"}},
	{"E10000032", "West Sussex", 180000, []string{"RH", "BN", "PO", "GU"}},
	{"E10000034", "Worcestershire", 120000, []string{"WR", "DY"}},
}

var laByCode = func() map[string]int {
	m := make(map[string]int, len(localAuthorities))
	for i, la := range localAuthorities {
		m[la.Code] = i
	}
	return m
}()

// LocalAuthorities returns every English local authority, in GSS code order.
// The slice is shared: callers must not modify it.
func LocalAuthorities() []LocalAuthority { return localAuthorities }

// LookupLA returns the local authority with the GSS code.
func LookupLA(code string) (LocalAuthority, bool) {
	i, ok := laByCode[code]
	if !ok {
		return LocalAuthority{}, false
	}
	return localAuthorities[i], true
}
