package gen

import "strings"

// townsByLA names the main towns of authorities whose name is not a town.
var townsByLA = map[string][]string{
	"E06000011": {"Beverley", "Bridlington", "Goole", "Driffield"},
	"E06000019": {"Hereford", "Leominster", "Ross-on-Wye"},
	"E06000020": {"Telford", "Newport"},
	"E06000022": {"Bath", "Keynsham", "Midsomer Norton"},
	"E06000025": {"Yate", "Thornbury", "Bradley Stoke", "Kingswood"},
	"E06000036": {"Bracknell", "Crowthorne", "Sandhurst"},
	"E06000037": {"Newbury", "Thatcham", "Hungerford"},
	"E06000040": {"Windsor", "Maidenhead", "Ascot"},
	"E06000043": {"Brighton", "Hove"},
	"E06000046": {"Newport", "Ryde", "Cowes", "Sandown"},
	"E06000047": {"Durham", "Darlington", "Consett", "Chester-le-Street", "Bishop Auckland"},
	"E06000049": {"Crewe", "Macclesfield", "Congleton", "Wilmslow"},
	"E06000050": {"Chester", "Ellesmere Port", "Northwich", "Winsford"},
	"E06000051": {"Shrewsbury", "Oswestry", "Ludlow", "Bridgnorth"},
	"E06000052": {"Truro", "Camborne", "Falmouth", "Newquay", "Penzance", "Bodmin"},
	"E06000053": {"St Mary's"},
	"E06000054": {"Trowbridge", "Salisbury", "Chippenham", "Devizes"},
	"E06000056": {"Dunstable", "Leighton Buzzard", "Biggleswade", "Flitwick"},
	"E06000057": {"Morpeth", "Blyth", "Cramlington", "Hexham", "Ashington"},
	"E06000058": {"Bournemouth", "Poole", "Christchurch"},
	"E06000059": {"Dorchester", "Weymouth", "Bridport", "Wimborne"},
	"E06000060": {"Aylesbury", "High Wycombe", "Amersham", "Buckingham"},
	"E06000061": {"Kettering", "Corby", "Wellingborough", "Rushden"},
	"E06000062": {"Northampton", "Daventry", "Towcester", "Brackley"},
	"E06000063": {"Carlisle", "Workington", "Whitehaven", "Cockermouth"},
	"E06000064": {"Kendal", "Barrow-in-Furness", "Penrith", "Ulverston"},
	"E06000065": {"Harrogate", "Scarborough", "Northallerton", "Selby", "Skipton"},
	"E06000066": {"Taunton", "Yeovil", "Bridgwater", "Frome"},
	"E08000014": {"Southport", "Bootle", "Crosby", "Formby"},
	"E08000015": {"Birkenhead", "Wallasey", "Bebington", "Heswall"},
	"E08000022": {"North Shields", "Wallsend", "Whitley Bay"},
	"E08000023": {"South Shields", "Jarrow", "Hebburn"},
	"E08000033": {"Halifax", "Brighouse", "Todmorden"},
	"E08000034": {"Huddersfield", "Dewsbury", "Batley"},
	"E08000008": {"Ashton-under-Lyne", "Hyde", "Stalybridge"},
	"E08000009": {"Altrincham", "Sale", "Stretford"},
	"E08000011": {"Huyton", "Kirkby", "Prescot"},
	"E10000003": {"Cambridge", "Ely", "Huntingdon", "St Neots", "Wisbech", "March"},
	"E10000007": {"Chesterfield", "Matlock", "Ilkeston", "Buxton", "Swadlincote"},
	"E10000008": {"Exeter", "Barnstaple", "Newton Abbot", "Exmouth", "Tiverton"},
	"E10000011": {"Eastbourne", "Hastings", "Lewes", "Bexhill-on-Sea", "Crowborough"},
	"E10000012": {"Chelmsford", "Colchester", "Basildon", "Harlow", "Braintree", "Clacton-on-Sea"},
	"E10000013": {"Gloucester", "Cheltenham", "Stroud", "Tewkesbury", "Cirencester"},
	"E10000014": {"Winchester", "Basingstoke", "Eastleigh", "Andover", "Aldershot", "Fareham"},
	"E10000015": {"Hertford", "Watford", "Stevenage", "St Albans", "Hemel Hempstead", "Hitchin"},
	"E10000016": {"Maidstone", "Canterbury", "Ashford", "Dartford", "Folkestone", "Margate"},
	"E10000017": {"Preston", "Lancaster", "Burnley", "Blackburn", "Chorley", "Accrington"},
	"E10000018": {"Loughborough", "Hinckley", "Coalville", "Market Harborough", "Melton Mowbray"},
	"E10000019": {"Lincoln", "Boston", "Grantham", "Spalding", "Skegness"},
	"E10000020": {"Norwich", "King's Lynn", "Great Yarmouth", "Thetford", "Dereham"},
	"E10000024": {"Mansfield", "Worksop", "Newark-on-Trent", "Beeston", "Hucknall"},
	"E10000025": {"Oxford", "Banbury", "Abingdon", "Bicester", "Witney", "Didcot"},
	"E10000028": {"Stafford", "Tamworth", "Burton upon Trent", "Cannock", "Newcastle-under-Lyme"},
	"E10000029": {"Ipswich", "Bury St Edmunds", "Lowestoft", "Felixstowe", "Haverhill"},
	"E10000030": {"Guildford", "Woking", "Epsom", "Redhill", "Camberley", "Farnham"},
	"E10000031": {"Warwick", "Nuneaton", "Rugby", "Leamington Spa", "Stratford-upon-Avon"},
	"E10000032": {"Chichester", "Crawley", "Worthing", "Horsham", "Bognor Regis"},
	"E10000034": {"Worcester", "Kidderminster", "Redditch", "Bromsgrove", "Evesham"},
}

// towns returns the towns to put in addresses in an authority.
func towns(code, name string) []string {
	if t, ok := townsByLA[code]; ok {
		return t
	}
	if strings.HasPrefix(code, "E09") {
		return []string{"London"}
	}
	name = strings.TrimSuffix(name, ", City of")
	name = strings.TrimSuffix(name, ", County of")
	return []string{name}
}
