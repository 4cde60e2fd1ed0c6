package gen

import "math/rand/v2"

// Communities make a household's names hang together: children of a family
// named Khan are more often called Zainab or Ibrahim than Kacper. Names not
// listed here belong to the general community, which also draws now and
// then from every list, as families do.
const (
	commGeneral = iota
	commMuslim  // South Asian, Somali, Arab, Turkish and other Muslim families
	commSouthAsian
	commEastEuropean
	commAfrican
	numComms
)

var commSurnames = [numComms][]string{
	commMuslim: {"Khan", "Ali", "Hussain", "Begum", "Ahmed", "Shah", "Rahman", "Miah", "Islam", "Uddin", "Hossain",
		"Akhtar", "Mahmood", "Iqbal", "Rashid", "Malik", "Mohamed", "Abdi", "Hassan", "Yusuf", "Omar", "Ibrahim",
		"Yilmaz", "Demir", "Kaya", "Ahmadi", "Mohammadi", "Karimi", "Hosseini", "Sultana", "Chowdhury", "Bibi", "Farah", "Warsame", "Jama"},
	commSouthAsian: {"Patel", "Singh", "Kaur", "Kumar", "Sharma", "Mistry", "Chauhan", "Parmar", "Gill", "Das", "Choudhury", "Sarkar", "D'Souza", "De Souza"},
	commEastEuropean: {"Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński",
		"Szymański", "Woźniak", "Dąbrowski", "Popescu", "Ionescu", "Popa", "Horvath", "Novak", "Petrov", "Ivanov"},
	commAfrican: {"Okafor", "Okoye", "Adeyemi", "Mensah", "Boateng", "Osei", "Asante", "Owusu", "Adebayo", "Oyelaran", "Eze", "Nwosu", "Mbatha"},
}

var commGiven = [numComms][]string{
	commMuslim: {"Muhammad", "Mohammed", "Ibrahim", "Yusuf", "Ahmed", "Ali", "Omar", "Hamza", "Ayaan", "Zayn", "Musa", "Yahya",
		"Abdullah", "Ismail", "Ilyas", "Idris", "Eesa", "Zain", "Hassan", "Bilal", "Rayan", "Mustafa", "Hussain", "Usman",
		"Haroon", "Zakariya", "Rehan", "Faris", "Aydin", "Emre", "Yusuf-Ali", "Amir", "Tariq", "Mohamed", "Mohammad", "Ahmad",
		"Abdirahman", "Ibrahima", "Mamadou", "Adam", "Harris", "Idris",
		"Zainab", "Aisha", "Fatima", "Maryam", "Hafsa", "Khadija", "Amina", "Hana", "Inaya", "Aaliyah", "Ayesha", "Zoya",
		"Eshal", "Hafsah", "Safa", "Sana", "Iqra", "Noor", "Mariam", "Aleena", "Zahra", "Hawa", "Hodan", "Fadumo", "Ayan",
		"Ruqayyah", "Sumayyah", "Layla", "Zara", "Sara", "Maya", "Anaya"},
	commSouthAsian: {"Aarav", "Arjun", "Rohan", "Vihaan", "Krish", "Dev", "Aryan", "Rayan", "Arlo", "Kai",
		"Priya", "Anika", "Simran", "Aditi", "Manpreet", "Jasleen", "Harleen", "Gurleen", "Ishani", "Myra", "Siya", "Saanvi",
		"Tara", "Meera", "Anaya", "Maya", "Amara"},
	commEastEuropean: {"Kacper", "Jakub", "Filip", "Szymon", "Oskar", "Antoni", "Nikodem", "Mikołaj", "Tymon", "Andrei", "Matei",
		"Luka", "Ivan", "Dawid", "Wiktor", "Maksymilian", "Bartosz", "Mateusz", "Marcel", "Florian", "Lucian", "Leon", "Alex", "David", "Adam",
		"Maja", "Zuzanna", "Julia", "Lena", "Hanna", "Oliwia", "Pola", "Alicja", "Natalia", "Wiktoria", "Gabriela", "Roxana",
		"Ioana", "Bianca", "Elena", "Sara", "Amelia", "Emilia", "Maria", "Anna"},
	commAfrican: {"Emmanuel", "Joel", "Caleb", "Kofi", "Kwame", "Chidi", "Tobi", "Josiah", "Malachi", "Isaiah", "Micah", "Zion",
		"Ezekiel", "David", "Daniel", "Samuel", "Elijah", "Nathaniel", "Joshua", "Jayden",
		"Amara", "Adaeze", "Chioma", "Precious", "Blessing", "Favour", "Esther", "Naomi", "Imani", "Nia", "Kiara", "Tiana",
		"Amaya", "Nyla", "Grace", "Zion", "Abigail", "Leah"},
}

var commAdults = [numComms][2][]string{ // women, men
	commGeneral: {
		{"Sarah", "Laura", "Emma", "Rebecca", "Gemma", "Claire", "Nicola", "Kelly", "Lisa", "Michelle", "Rachel", "Hannah", "Amy",
			"Jennifer", "Samantha", "Victoria", "Stephanie", "Charlotte", "Katie", "Louise", "Zoë", "Siobhan"},
		{"David", "Daniel", "James", "Mark", "Paul", "Andrew", "Michael", "Christopher", "Matthew", "Richard", "Stephen", "Lee",
			"Craig", "Darren", "Wayne", "Jason", "Gareth", "Ryan", "Adam", "Thomas", "Sean", "Liam", "Jamie", "Carl", "Neil", "Simon"},
	},
	commMuslim: {
		{"Fatima", "Aisha", "Nadia", "Shazia", "Ruksana", "Parveen", "Hodan", "Samira", "Yasmin", "Nasreen"},
		{"Mohammed", "Imran", "Tariq", "Asif", "Rizwan", "Abdi", "Kamran", "Shahid", "Omar", "Faisal"},
	},
	commSouthAsian: {
		{"Priya", "Sunita", "Anjali", "Harpreet", "Kiran", "Pooja", "Rupinder", "Neha"},
		{"Raj", "Sanjay", "Amit", "Gurpreet", "Vikram", "Rakesh", "Jaspal", "Nikhil"},
	},
	commEastEuropean: {
		{"Agnieszka", "Katarzyna", "Anna", "Joanna", "Ewa", "Ioana", "Monika", "Magdalena"},
		{"Piotr", "Tomasz", "Marcin", "Florin", "Paweł", "Krzysztof", "Andrei", "Łukasz"},
	},
	commAfrican: {
		{"Grace", "Blessing", "Funmi", "Ngozi", "Abena", "Chiamaka", "Comfort", "Joy"},
		{"Emeka", "Kwame", "Oluwaseun", "Kofi", "Chinedu", "Samuel", "Tunde", "Emmanuel"},
	},
}

var (
	surnameComm = func() map[string]int {
		m := map[string]int{}
		for c, l := range commSurnames {
			for _, s := range l {
				m[s] = c
			}
		}
		return m
	}()
	// commSurnameW draws a surname of one community, keeping the overall
	// table's weights.
	commSurnameW = func() [numComms]sampler {
		var out [numComms]sampler
		base := zipf(len(surnames), 10, 0.75)
		for c := range out {
			w := make([]float64, len(surnames))
			for i, s := range surnames {
				if surnameComm[s] == c {
					w[i] = base[i]
				}
			}
			out[c] = newSampler(w)
		}
		return out
	}()
)

// communityOf returns the community a surname suggests.
func communityOf(surname string) int { return surnameComm[surname] }

// drawSurname draws a surname, from the community comm four times in five.
func drawSurname(r *rand.Rand, comm int) string {
	if comm != commGeneral && r.Float64() < 0.8 {
		return surnames[commSurnameW[comm].draw(r)]
	}
	if r.Float64() < 0.85 {
		return surnames[commSurnameW[commGeneral].draw(r)]
	}
	return surnames[surnameW.draw(r)]
}

// drawAdult draws a parent's given name.
func drawAdult(r *rand.Rand, comm int, male bool) string {
	sex := 0
	if male {
		sex = 1
	}
	if comm != commGeneral && r.Float64() < 0.15 {
		comm = commGeneral
	}
	l := commAdults[comm][sex]
	return l[r.IntN(len(l))]
}
