package gen

// Name tables. Each list is in rough order of frequency among children in
// England (ONS baby-name tables and surname counts, blended across
// communities); weights are Zipf-like by rank. A trailing "+" marks a name
// that has risen over the last eighteen years (commoner among the young), a
// trailing "-" one that has fallen (commoner among teenagers).

var boysNames = []string{
	"Muhammad+", "Oliver", "Noah+", "George", "Harry-", "Leo+", "Jack-", "Arthur+", "Oscar", "Charlie",
	"Jacob-", "Thomas-", "Freddie", "Theo+", "Alfie", "Henry+", "Archie", "Joshua-", "William", "Theodore+",
	"Mohammed", "James", "Lucas+", "Isaac", "Alexander", "Daniel-", "Finley", "Ethan-", "Samuel-", "Joseph-",
	"Max", "Edward", "Tommy+", "Arlo+", "Luca+", "Teddy+", "Dylan-", "Logan", "Benjamin", "Mason",
	"Jude+", "Elijah+", "Riley", "Harrison", "Sebastian", "Reggie+", "Albie+", "Louie", "Toby", "Jenson",
	"Rory", "Roman+", "Hugo+", "Ezra+", "Ronnie+", "Zachary", "Jayden-", "Matthew-", "Ryan-", "Lewis-",
	"Liam-", "Callum-", "Luke-", "Tyler-", "Kai", "Nathan-", "Adam", "Ibrahim", "Yusuf", "Ahmed",
	"Ali", "Omar", "Hamza", "Ayaan+", "Zayn+", "Musa+", "Yahya+", "Abdullah", "Ismail", "Ilyas+",
	"Idris+", "Eesa+", "Zain", "Hassan", "Bilal", "Rayan+", "Aryan", "Aarav+", "Arjun", "Rohan",
	"Vihaan+", "Krish", "Dev", "Kacper", "Jakub", "Filip", "Szymon", "Oskar", "Antoni+", "Nikodem+",
	"Mikołaj", "Tymon+", "Andrei", "Matei+", "Luka", "David", "Emmanuel", "Joel", "Caleb", "Reuben",
	"Austin", "Bobby+", "Frankie", "Jesse", "Stanley+", "Elliot", "Aiden-", "Aidan-", "Cameron-", "Kian-",
	"Connor-", "Jamie-", "Owen", "Leon", "Michael-", "Nathaniel", "Aaron", "Tobias", "Dexter", "Jaxon+",
	"Grayson+", "Felix", "Ollie", "Harley", "Bailey-", "Kayden", "Mateo+", "Rowan", "Jasper", "Blake",
	"Sonny+", "Jax+", "Otis+", "Carter", "Eli", "Harvey", "Jake-", "Kieran-", "Bradley-", "Reece-",
	"Charles", "Maximilian", "Alex", "Jaydon-", "Kofi", "Kwame", "Chidi", "Tariq", "Amir", "Ayden",
	"Hudson+", "Ralph+", "Brody", "Cody-", "Declan", "Ciaran", "Patrick", "Sean", "Dominic", "Gabriel",
	"Rafael", "Raphael", "Ezekiel+", "Isaiah", "Josiah", "Malachi", "Micah", "Zion", "Tobi", "Samir",
	"Ewan", "Finn", "Fraser", "Alistair", "Angus", "Cillian", "Oisín", "Seth", "Jonah", "Levi+",
	"Ellis", "Elias", "Rufus", "Ivan", "Leonardo+", "Enzo+", "Nico", "Mustafa", "Hussain", "Usman",
	"Haroon", "Zakariya", "Rehan", "Faris", "Aydin", "Emre", "Yusuf-Ali", "Harris", "Jordan-", "Kyle-",
	"Charlie-Ray", "Alfie-James", "Tommy-Lee", "Kenzo", "Ibrahima", "Mamadou", "Abdirahman", "Mohamed", "Mohammad", "Ahmad",
	"Lucian", "Florian", "Marcel", "Dawid", "Wiktor", "Maksymilian", "Bartosz", "Mateusz", "Ryder", "Ashton-",
}

var girlsNames = []string{
	"Olivia", "Amelia", "Isla", "Ava", "Lily", "Freya+", "Ivy+", "Florence+", "Mia", "Emily-",
	"Sophia", "Isabella", "Grace", "Willow+", "Ella", "Evie", "Poppy", "Sienna", "Rosie", "Daisy",
	"Elsie+", "Charlotte", "Evelyn+", "Phoebe", "Sofia", "Harper+", "Millie", "Matilda", "Maya", "Sophie-",
	"Alice", "Emilia", "Isabelle", "Ruby", "Luna+", "Maisie", "Aria+", "Penelope+", "Mila+", "Bonnie+",
	"Eva", "Hallie+", "Eliza", "Ada+", "Violet+", "Esme", "Arabella", "Imogen", "Jessica-", "Delilah+",
	"Layla", "Thea+", "Aurora+", "Hannah-", "Chloe-", "Amelie", "Lola", "Bella", "Scarlett", "Holly-",
	"Lucy-", "Erin-", "Megan-", "Lauren-", "Ellie-", "Katie-", "Abigail", "Zara", "Nancy+", "Molly",
	"Lottie", "Mabel+", "Iris+", "Orla", "Zainab", "Aisha", "Fatima", "Maryam", "Hafsa", "Khadija",
	"Amina", "Hana", "Inaya+", "Anaya+", "Aaliyah", "Ayesha", "Zoya", "Eshal+", "Zoë", "Maja",
	"Zuzanna", "Julia", "Lena", "Hanna", "Oliwia", "Pola+", "Priya", "Anika", "Simran", "Aditi",
	"Amara", "Adaeze", "Chioma", "Precious", "Blessing", "Favour", "Esther", "Naomi", "Leah", "Rebecca-",
	"Sarah-", "Elizabeth", "Katherine", "Victoria-", "Jasmine", "Summer", "Paige-", "Amber-", "Courtney-", "Jade-",
	"Niamh", "Caitlin-", "Georgia-", "Lilly", "Lacey", "Ellie-May", "Lily-Rose", "Mary-Jane", "Darcie", "Darcy",
	"Gracie", "Harriet", "Georgina", "Eleanor", "Madison-", "Ella-Rose", "Annabelle", "Francesca", "Gabriella", "Alexandra",
	"Margaret", "Beatrice", "Clara", "Edith+", "Ophelia+", "Margot+", "Maeve+", "Nova+", "Maria", "Anna",
	"Amy-", "Bethany-", "Jodie-", "Kayla", "Kelsey-", "Shannon-", "Keira", "Tia-", "Mya", "Nevaeh",
	"Hollie", "Brooke-", "Elise", "Eloise", "Rose", "Robyn", "Heidi", "Esmé", "Renée", "Chloé",
	"Hafsah", "Safa", "Sana", "Iqra", "Noor", "Mariam", "Aleena", "Zahra", "Hawa", "Hodan",
	"Fadumo", "Ayan", "Nia", "Imani", "Kiara", "Tiana", "Amaya", "Nyla", "Ruqayyah", "Sumayyah",
	"Alicja", "Natalia", "Wiktoria", "Gabriela", "Amelia-Rose", "Roxana", "Ioana", "Bianca", "Elena", "Sara",
	"Manpreet", "Jasleen", "Harleen", "Gurleen", "Ishani", "Myra+", "Siya+", "Saanvi+", "Tara", "Meera",
	"Isla-Rose", "Lexi", "Lyla", "Ivy-Mae", "Halle", "Jessie", "Frankie", "Alexa", "Sadie", "Paris",
}

// surnames are family names in rough order of frequency among children in
// England, across communities.
var surnames = []string{
	"Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Khan", "Evans", "Wilson", "Thomas",
	"Johnson", "Roberts", "Patel", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards", "Hughes",
	"Green", "Hall", "Ali", "Lewis", "Harris", "Clarke", "Jackson", "Wood", "Turner", "Hussain",
	"Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Begum", "Lee", "King",
	"Baker", "Harrison", "Morgan", "Allen", "Ahmed", "James", "Scott", "Phillips", "Watson", "Davis",
	"Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Singh", "Carter",
	"Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards", "Marshall",
	"Anderson", "Simpson", "Ellis", "Adams", "Wilkinson", "Foster", "Chapman", "Powell", "Webb", "Rogers",
	"Gray", "Mason", "Hunt", "Campbell", "Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes",
	"Knight", "Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins", "Murray", "Dixon",
	"Harvey", "Graham", "Pearson", "Fletcher", "Walsh", "Kaur", "Gibson", "Howard", "Andrews", "Stewart",
	"Elliott", "Reynolds", "Saunders", "Payne", "Fox", "Ford", "Pearce", "Day", "Brooks", "West",
	"Lawrence", "Cole", "Atkinson", "Bradley", "Spencer", "Gill", "Dawson", "Ball", "Burton", "O'Brien",
	"Watts", "Rose", "Booth", "Perry", "Ryan", "Grant", "Wells", "Armstrong", "Francis", "Rees",
	"Hayes", "Hart", "Hudson", "Newman", "Barrett", "Webster", "Hunter", "Gregory", "Carr", "Lowe",
	"Page", "Marsh", "Riley", "Dunn", "Woods", "Parsons", "Berry", "Stone", "Reid", "Holland",
	"Hawkins", "Harding", "Porter", "Robertson", "Newton", "Oliver", "Reed", "Kennedy", "Williamson", "Bird",
	"Gardner", "Shah", "Dean", "Lane", "Cooke", "Bates", "Henderson", "Parry", "Burgess", "Bishop",
	"Walton", "Burns", "Nicholson", "Shepherd", "Ross", "Cross", "Long", "Freeman", "Warren", "Nicholls",
	"Hamilton", "Byrne", "Sutton", "McDonald", "Yates", "Hodgson", "Robson", "Curtis", "Hopkins", "O'Connor",
	"Harper", "Coleman", "Watkins", "Moss", "McCarthy", "Chambers", "O'Neill", "Griffin", "Sharp", "Hardy",
	"Wheeler", "Potter", "Osborne", "Johnston", "Gordon", "Doyle", "Wallace", "George", "Jordan", "Hutchinson",
	"Rahman", "Miah", "Islam", "Uddin", "Hossain", "Akhtar", "Mahmood", "Iqbal", "Rashid", "Malik",
	"Mohamed", "Abdi", "Hassan", "Yusuf", "Omar", "Ibrahim", "Nowak", "Kowalski", "Wiśniewski", "Wójcik",
	"Kowalczyk", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Popescu", "Ionescu", "Popa",
	"Nguyen", "Tran", "Chen", "Wang", "Li", "Zhang", "Liu", "Kumar", "Sharma", "Mistry",
	"Chauhan", "Parmar", "Okafor", "Okoye", "Adeyemi", "Mensah", "Boateng", "Osei", "Asante", "Owusu",
	"MacLeod", "McKenzie", "MacDonald", "O'Sullivan", "Van der Berg", "De Souza", "D'Souza", "da Silva", "Fernandes", "Santos",
	"Rossi", "Papadopoulos", "Yilmaz", "Demir", "Kaya", "Smith-Jones", "Wright-Phillips", "Lloyd-Webber", "Bowes-Lyon", "Heath-Stubbs",
	"McLaughlin", "McGregor", "O'Reilly", "Fitzgerald", "Quinn", "Gallagher", "Kavanagh", "Brennan", "Doherty", "Mc Cann",
	"Ahmadi", "Mohammadi", "Karimi", "Hosseini", "Sultana", "Chowdhury", "Sarkar", "Das", "Choudhury", "Bibi",
	"Adebayo", "Oyelaran", "Eze", "Nwosu", "Mbatha", "Farah", "Warsame", "Jama", "Gutierrez", "Rodriguez",
	"Garcia", "Martinez", "Lopez", "Ferreira", "Costa", "Pereira", "Horvath", "Novak", "Petrov", "Ivanov",
}

// adultGivenNames are names of parents, carers and practitioners.
var adultGivenNames = []string{
	"Sarah", "Laura", "Emma", "Rebecca", "Gemma", "Claire", "Nicola", "Kelly", "Lisa", "Michelle",
	"Rachel", "Hannah", "Amy", "Jennifer", "Samantha", "Victoria", "Stephanie", "Charlotte", "Katie", "Louise",
	"Fatima", "Aisha", "Nadia", "Shazia", "Ruksana", "Parveen", "Agnieszka", "Katarzyna", "Anna", "Joanna",
	"Priya", "Sunita", "Grace", "Blessing", "Funmi", "Zoë", "Siobhan", "Ewa", "Ioana", "Hodan",
	"David", "Daniel", "James", "Mark", "Paul", "Andrew", "Michael", "Christopher", "Matthew", "Richard",
	"Stephen", "Lee", "Craig", "Darren", "Wayne", "Jason", "Gareth", "Ryan", "Adam", "Thomas",
	"Mohammed", "Imran", "Tariq", "Asif", "Rizwan", "Piotr", "Tomasz", "Marcin", "Raj", "Sanjay",
	"Emeka", "Kwame", "Sean", "Liam", "Jamie", "Carl", "Neil", "Simon", "Abdi", "Florin",
}

// nicknames are short forms and spelling variants a source may record in
// place of the name a child was registered with.
var nicknames = map[string][]string{
	"William": {"Will", "Bill", "Billy", "Liam"}, "Elizabeth": {"Beth", "Liz", "Lizzie", "Eliza", "Libby"},
	"Oliver": {"Ollie", "Olly"}, "Muhammad": {"Mohammed", "Mohammad", "Muhammed", "Mohamed"},
	"Mohammed": {"Muhammad", "Mohammad", "Mohamed", "Mohd"}, "Mohammad": {"Mohammed", "Muhammad"}, "Mohamed": {"Mohammed", "Mohamad"},
	"Alexander": {"Alex", "Alfie", "Xander"}, "Thomas": {"Tom", "Tommy"}, "James": {"Jim", "Jamie", "Jimmy"},
	"Joshua": {"Josh"}, "Samuel": {"Sam", "Sammy"}, "Benjamin": {"Ben", "Benji"}, "Daniel": {"Dan", "Danny"},
	"Matthew": {"Matt"}, "Joseph": {"Joe", "Joey"}, "Charles": {"Charlie"}, "Edward": {"Ed", "Eddie", "Ted", "Teddy"},
	"Frederick": {"Freddie", "Fred"}, "Theodore": {"Theo", "Teddy"}, "Harrison": {"Harry"}, "Henry": {"Harry", "Hal"},
	"Nathaniel": {"Nate", "Nathan"}, "Zachary": {"Zach", "Zak"}, "Michael": {"Mike", "Mikey"}, "Maximilian": {"Max"},
	"Sebastian": {"Seb"}, "Nathan": {"Nate"}, "Alfie": {"Alf"}, "Archie": {"Arch"}, "Luca": {"Luka"}, "Jakub": {"Kuba", "Jacob"},
	"Katherine": {"Kate", "Katie", "Kath"}, "Rebecca": {"Becky", "Becca"}, "Victoria": {"Vicky", "Tori"},
	"Isabella": {"Bella", "Izzy", "Isabel"}, "Isabelle": {"Izzy", "Isabel", "Belle"}, "Abigail": {"Abbie", "Abby"},
	"Charlotte": {"Lottie", "Charlie"}, "Amelia": {"Millie", "Amy"}, "Margaret": {"Maggie", "Meg"},
	"Alexandra": {"Alex", "Lexi", "Sasha"}, "Jessica": {"Jess", "Jessie"}, "Sophia": {"Sophie"}, "Sofia": {"Sophia"},
	"Eleanor": {"Ellie", "Nell"}, "Gabriella": {"Gabby", "Ella"}, "Olivia": {"Liv", "Livvy"}, "Emily": {"Em", "Emmy"},
	"Florence": {"Flo", "Florrie"}, "Matilda": {"Tilly", "Tilda"}, "Penelope": {"Penny"}, "Zainab": {"Zaynab"},
	"Aisha": {"Ayesha", "Aysha"}, "Ayesha": {"Aisha"}, "Yusuf": {"Yousef", "Yusef"}, "Ahmed": {"Ahmad"},
	"Zoë": {"Zoe"}, "Esmé": {"Esme"}, "Renée": {"Renee"}, "Chloé": {"Chloe"}, "Mikołaj": {"Mikolaj", "Nicholas"},
	"Oliwia": {"Olivia"}, "Zuzanna": {"Zuza", "Susanna"}, "Wiktoria": {"Victoria"}, "Maja": {"Maya"}, "Oisín": {"Oisin"},
	"Lily-Rose": {"Lily"}, "Ellie-May": {"Ellie"}, "Mary-Jane": {"Mary"}, "Ella-Rose": {"Ella"}, "Isla-Rose": {"Isla"},
	"Harriet": {"Hattie"}, "Georgina": {"Georgie", "Gina"}, "Francesca": {"Frankie", "Fran"}, "Annabelle": {"Annie", "Bella"},
	"Theo": {"Theodore"}, "Ollie": {"Oliver"}, "Alex": {"Alexander"}, "Harry": {"Henry"},
}

// soundAlikes are pairs of names twins are sometimes given.
var soundAlikeBoys = [][2]string{
	{"Jayden", "Jaydon"}, {"Aiden", "Aidan"}, {"Kayden", "Jayden"}, {"Ethan", "Evan"}, {"Alfie", "Archie"},
	{"Harry", "Harvey"}, {"Leo", "Theo"}, {"Hassan", "Hussain"}, {"Jacob", "Joshua"}, {"Ryan", "Rhys"},
	{"Mason", "Jason"}, {"Brody", "Cody"}, {"Luca", "Luka"}, {"Oskar", "Oscar"}, {"Ayaan", "Rayan"},
}

var soundAlikeGirls = [][2]string{
	{"Lily", "Lilly"}, {"Ella", "Bella"}, {"Millie", "Mollie"}, {"Darcie", "Darcy"}, {"Hallie", "Halle"},
	{"Amelia", "Amelie"}, {"Layla", "Lyla"}, {"Isla", "Ivy"}, {"Hafsa", "Hafsah"}, {"Mariam", "Maryam"},
	{"Sophie", "Sophia"}, {"Hollie", "Holly"}, {"Maya", "Mia"}, {"Keira", "Kiara"}, {"Zara", "Sara"},
}

var streetNames = []string{
	"Church", "Station", "Victoria", "Park", "Queens", "Mill", "Oak", "Elm", "King Edward", "Windsor",
	"Albert", "Manor", "Grange", "Springfield", "Highfield", "Meadow", "Chestnut", "Beech", "Willow", "Ash",
	"Cedar", "Orchard", "School", "New", "High", "Green", "North", "South", "West", "London",
	"York", "Bridge", "Hill", "St John's", "St Mary's", "Rectory", "Vicarage", "Brook", "Castle", "Cromwell",
	"Nelson", "Wellington", "Marlborough", "Princess", "Kingsway", "Richmond", "Stanley", "Alexandra", "Clarence", "Grosvenor",
	"Hawthorn", "Holly", "Laburnum", "Lime", "Maple", "Poplar", "Rowan", "Sycamore", "Birch", "Larch",
	"Fairfield", "Woodland", "Riverside", "Canal", "Railway", "Market", "Chapel", "Abbey", "Priory", "Moor",
	"Coronation", "Jubilee", "Empire", "Commercial", "Cemetery", "Mount", "Hollins", "Lark", "Kestrel", "Falcon",
}

var streetKinds = []string{
	"Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Gardens", "Grove",
	"Terrace", "Place", "Court", "View", "Walk", "Rise", "Mews", "Row",
}

var saints = []string{"Mary's", "John's", "Peter's", "Paul's", "Joseph's", "Michael's", "Anne's", "Thomas's", "Andrew's", "Patrick's", "George's", "Margaret's"}
