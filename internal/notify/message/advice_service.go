package message

import "github.com/baken-cert/baken/internal/event"

// category is the advice one kind of open service shares: remote access, file
// sharing, databases, DDoS amplifiers, devices, and services that are often meant to
// be public.
type category struct {
	subject     text // prefix of the subject: "Kwetsbaar systeem"
	title       text // "{service} open vanaf internet"
	explanation text
	steps       []text // the service's own step comes after the first
}

// service is one open service: the classification identifiers Shadowserver and
// others give it, its name, its usual port and what is special about it.
type service struct {
	ids  []string
	name string
	what text // what the service is for, in plain words
	port int
	cat  *category
	note text // one sentence on this service's risk
	step text // a step for this service only, may be empty
}

var (
	stepClosePort = text{
		"Sluit {port} in uw firewall of router, zodat {service} niet meer vanaf internet bereikbaar is.",
		"Close {port} in your firewall or router, so that {service} can no longer be reached from the internet.",
	}
	stepVPN = text{
		"Werkt u op afstand? Gebruik dan een VPN (een beveiligde verbinding met uw kantoornetwerk) en maak {service} alleen via die VPN bereikbaar.",
		"If you work remotely, use a VPN (a secure connection to your office network) and make {service} reachable only through it.",
	}
	stepFirmware = text{
		"Vaak gaat het om een router, printer of ander apparaat met fabrieksinstellingen. Installeer de nieuwste software (firmware) van de fabrikant.",
		"It is often a router, printer or other device with factory settings. Install the latest software (firmware) from the manufacturer.",
	}
)

var (
	catRemote = &category{
		subject: text{"Kwetsbaar systeem", "Vulnerable system"},
		title:   text{"{service} open vanaf internet", "{service} open to the internet"},
		explanation: text{
			"Op dit systeem staat {service} ({what}) open voor het hele internet. Daarmee kan iemand het systeem op afstand bedienen. Criminelen proberen dag en nacht automatisch wachtwoorden uit op zulke systemen en misbruiken bekende fouten in de software. Het is een veelgebruikte ingang voor gijzelsoftware (ransomware). {note}",
			"This system offers {service} ({what}) to the whole internet. It lets someone operate the system remotely. Criminals automatically try passwords on such systems day and night and exploit known flaws in the software. It is a common way in for ransomware. {note}",
		},
		steps: []text{stepClosePort, stepVPN, {
			"Moet {service} toch open blijven? Sta dan alleen bekende IP-adressen toe, gebruik sterke, unieke wachtwoorden en tweestapsverificatie, en installeer updates zodra ze verschijnen.",
			"If {service} must stay open, allow only known IP addresses, use strong, unique passwords and two-step verification, and install updates as soon as they appear.",
		}, {
			"Controleer of er onbekende gebruikersaccounts of aanmeldingen zijn: misschien is er al ingebroken.",
			"Check for unknown user accounts or sign-ins: someone may already have broken in.",
		}},
	}
	catFiles = &category{
		subject: text{"Kwetsbaar systeem", "Vulnerable system"},
		title:   text{"{service} open vanaf internet", "{service} open to the internet"},
		explanation: text{
			"Op dit systeem staat {service} ({what}) open voor het hele internet. Bestanden kunnen daardoor in verkeerde handen komen, en criminelen misbruiken bekende fouten in deze dienst om binnen te komen. {note}",
			"This system offers {service} ({what}) to the whole internet. Files may end up in the wrong hands, and criminals exploit known flaws in this service to get in. {note}",
		},
		steps: []text{stepClosePort, {
			"Wilt u bestanden van buiten kantoor bereiken? Gebruik dan een VPN of een beveiligde dienst voor het delen van bestanden.",
			"If you need files from outside the office, use a VPN or a secure file-sharing service.",
		}, {
			"Controleer of er bestanden zijn gewijzigd, toegevoegd of verdwenen.",
			"Check whether files were changed, added or removed.",
		}, stepPortForwarding},
	}
	catDatabase = &category{
		subject: text{"Kwetsbaar systeem", "Vulnerable system"},
		title:   text{"{service} open vanaf internet", "{service} open to the internet"},
		explanation: text{
			"Op dit systeem staat de database {service} ({what}) open voor het hele internet. Criminelen zoeken zulke databases automatisch op, kopiëren of wissen de gegevens en vragen dan losgeld. {note}",
			"This system offers the {service} database ({what}) to the whole internet. Criminals search for such databases automatically, copy or erase the data and then demand a ransom. {note}",
		},
		steps: []text{stepClosePort, {
			"Laat alleen de systemen die de database echt nodig hebben (bijvoorbeeld uw webserver) er verbinding mee maken.",
			"Let only the systems that really need the database (your web server, for example) connect to it.",
		}, {
			"Stel in dat de database alleen na inloggen toegankelijk is, en installeer de nieuwste updates.",
			"Make the database accessible only after logging in, and install the latest updates.",
		}, {
			"Ga na of er gegevens zijn bekeken, gekopieerd of gewist.",
			"Find out whether data was viewed, copied or erased.",
		}, stepPersonalData},
	}
	catAmplifier = &category{
		subject: text{"Kwetsbaar systeem", "Vulnerable system"},
		title:   text{"{service} open vanaf internet", "{service} open to the internet"},
		explanation: text{
			"Op dit systeem staat {service} ({what}) open voor het hele internet. Criminelen misbruiken zulke diensten om hun aanvalsverkeer te vergroten en zo websites en netwerken van anderen plat te leggen (een DDoS-aanval). Uw systeem doet dan onbedoeld mee, en uw eigen internetverbinding kan er traag van worden. {note}",
			"This system offers {service} ({what}) to the whole internet. Criminals misuse such services to multiply their attack traffic and take down other people's websites and networks (a DDoS attack). Your system then takes part without you knowing, and your own internet connection may slow down. {note}",
		},
		steps: []text{{
			"Heeft u {service} niet nodig? Zet het dan uit. Heeft u het wel nodig? Sluit dan {port} in uw firewall of router voor verkeer van internet.",
			"If you do not need {service}, turn it off. If you do, close {port} in your firewall or router to traffic from the internet.",
		}, stepFirmware, stepPortForwarding},
	}
	catDevice = &category{
		subject: text{"Kwetsbaar systeem", "Vulnerable system"},
		title:   text{"{service} open vanaf internet", "{service} open to the internet"},
		explanation: text{
			"Op dit systeem staat {service} ({what}) open voor het hele internet. {note}",
			"This system offers {service} ({what}) to the whole internet. {note}",
		},
		steps: []text{stepClosePort, stepFirmware, stepPortForwarding},
	}
	catInfo = &category{
		subject: text{"Ter informatie", "For your information"},
		title:   text{"{service} bereikbaar vanaf internet", "{service} reachable from the internet"},
		explanation: text{
			"Dit systeem biedt {service} ({what}) aan op internet. Dat is vaak de bedoeling. Wij melden het zodat u kunt nagaan of het klopt en of de dienst veilig is ingesteld. {note}",
			"This system offers {service} ({what}) on the internet. That is often intended. We report it so that you can check that it is right and that the service is set up safely. {note}",
		},
		steps: []text{{
			"Ga na of {service} vanaf internet bereikbaar moet zijn. Zo niet, sluit dan {port} in uw firewall of router.",
			"Check whether {service} needs to be reachable from the internet. If not, close {port} in your firewall or router.",
		}, {
			"Houd de software up-to-date en zet onderdelen uit die u niet gebruikt.",
			"Keep the software up to date and turn off parts you do not use.",
		}},
	}
)

// serviceEntries makes one advice entry per open service.
func serviceEntries() []*entry {
	out := make([]*entry, 0, len(services))
	for _, s := range services {
		e := &entry{
			key:         s.ids[0],
			class:       event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: s.ids[0]},
			identifiers: s.ids[1:],
			title:       s.cat.title,
			explanation: s.cat.explanation,
			unit:        unitSystems,
			service:     s.name,
			what:        s.what,
			note:        s.note,
			port:        s.port,
		}
		e.subject = text{s.cat.subject.nl + ": " + s.cat.title.nl, s.cat.subject.en + ": " + s.cat.title.en}
		e.steps = append(e.steps, s.cat.steps[0])
		if s.step != (text{}) {
			e.steps = append(e.steps, s.step)
		}
		e.steps = append(e.steps, s.cat.steps[1:]...)
		out = append(out, e)
	}
	return out
}
