package message

import (
	"slices"

	"github.com/baken-cert/baken/internal/event"
)

// handEntries are the advice entries written one by one; serviceEntries adds the open
// services, defaultEntry the course for everything else.
func handEntries() []*entry {
	return slices.Concat(vulnerableEntries(), compromiseEntries(), abuseEntries())
}

// The steps several entries share.
var (
	stepIsolate = text{
		"Haal het systeem los van het netwerk en van internet, maar zet het niet uit: anders gaan sporen verloren die bij het onderzoek helpen.",
		"Disconnect the system from the network and the internet, but do not switch it off: that would destroy traces that help the investigation.",
	}
	stepFindDevice = text{
		"Zoek uit welk apparaat het is. Achter één IP-adres zitten vaak meerdere computers, telefoons of slimme apparaten; met de gegevens uit de tabel, zoals de tijd en de poort, kan uw IT-leverancier het juiste apparaat vinden in de logboeken van uw router of firewall.",
		"Find out which device it is. One IP address often covers several computers, phones or smart devices; with the details from the table, such as the time and port, your IT supplier can find the right device in the logs of your router or firewall.",
	}
	stepPortForwarding = text{
		"Weet u niet welk apparaat dit is? Kijk in uw router welke poorten worden doorgestuurd (port forwarding) naar welk apparaat.",
		"Not sure which device this is? Check in your router which ports are forwarded (port forwarding) to which device.",
	}
	stepPersonalData = text{
		"Staan er persoonsgegevens in die anderen hebben kunnen inzien? Dan moet u dat mogelijk binnen 72 uur melden bij de Autoriteit Persoonsgegevens (een datalek).",
		"Could others have seen personal data? Then you may have to report a data breach to the data protection authority (in the Netherlands: the Autoriteit Persoonsgegevens) within 72 hours.",
	}
)

func vulnerableEntries() []*entry {
	return []*entry{{
		key:         "vulnerable-system",
		class:       event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system"},
		identifiers: []string{"vulnerable-exchange-server", "vulnerable-http"},
		taxonomies:  []string{"vulnerable"},
		subject:     text{"Kwetsbaar systeem", "Vulnerable system"},
		title:       text{"Kwetsbaar systeem", "Vulnerable system"},
		explanation: text{
			"In de software van dit systeem zit een bekende kwetsbaarheid: een fout waarmee criminelen het systeem kunnen binnendringen of platleggen. Meestal heeft de fabrikant al een update die de fout verhelpt.",
			"The software on this system has a known vulnerability: a flaw that lets criminals break into the system or bring it down. The manufacturer usually already has an update that fixes it.",
		},
		steps: []text{{
			"Installeer zo snel mogelijk de nieuwste update van de fabrikant.",
			"Install the latest update from the manufacturer as soon as possible.",
		}, {
			"Kunt u niet meteen updaten? Maak het systeem dan tijdelijk onbereikbaar vanaf internet, of volg de tijdelijke maatregelen die de fabrikant aanraadt.",
			"If you cannot update right away, make the system unreachable from the internet for now, or follow the temporary measures the manufacturer recommends.",
		}, {
			"Controleer na het updaten of het systeem al is misbruikt: criminelen slaan vaak toe voordat de update is geïnstalleerd. De fabrikant beschrijft meestal waar u op moet letten.",
			"After updating, check whether the system was already misused: criminals often strike before the update is installed. The manufacturer usually describes what to look for.",
		}, {
			"Zet automatische updates aan als dat kan.",
			"Turn on automatic updates where possible.",
		}},
		unit:   unitSystems,
		update: true,
	}, {
		key:     "weak-crypto",
		class:   event.Classification{Taxonomy: "vulnerable", Type: "weak-crypto"},
		subject: text{"Kwetsbaar systeem: zwakke versleuteling", "Vulnerable system: weak encryption"},
		title:   text{"Zwakke versleuteling", "Weak encryption"},
		explanation: text{
			"Dit systeem gebruikt verouderde of zwakke versleuteling, bijvoorbeeld een oude versie van SSL/TLS of een verlopen certificaat. Anderen kunnen daardoor meelezen met verkeer dat geheim hoort te zijn, of zich voordoen als uw systeem.",
			"This system uses outdated or weak encryption, such as an old version of SSL/TLS or an expired certificate. Others may be able to read traffic that should be secret, or pretend to be your system.",
		},
		steps: []text{{
			"Installeer de nieuwste updates van de software op het systeem.",
			"Install the latest updates of the software on the system.",
		}, {
			"Zet verouderde versleuteling uit (SSLv3, TLS 1.0 en TLS 1.1) en gebruik TLS 1.2 of 1.3.",
			"Turn off outdated encryption (SSLv3, TLS 1.0 and TLS 1.1) and use TLS 1.2 or 1.3.",
		}, {
			"Vervang verlopen of zelfgemaakte certificaten door een geldig certificaat.",
			"Replace expired or self-signed certificates with a valid certificate.",
		}},
		unit: unitSystems,
	}, {
		key:     "information-disclosure",
		class:   event.Classification{Taxonomy: "vulnerable", Type: "information-disclosure"},
		subject: text{"Kwetsbaar systeem: geeft informatie prijs", "Vulnerable system: discloses information"},
		title:   text{"Systeem geeft informatie prijs", "System discloses information"},
		explanation: text{
			"Dit systeem geeft via internet informatie prijs die niet openbaar hoort te zijn, zoals instellingen, versienummers of gegevens van gebruikers. Criminelen gebruiken zulke informatie om een aanval voor te bereiden.",
			"This system reveals information over the internet that should not be public, such as settings, version numbers or user details. Criminals use such information to prepare an attack.",
		},
		steps: []text{{
			"Sluit {port} in uw firewall of router als de dienst niet vanaf internet bereikbaar hoeft te zijn.",
			"Close {port} in your firewall or router if the service need not be reachable from the internet.",
		}, {
			"Moet de dienst bereikbaar blijven? Stel hem dan zo in dat hij alleen na inloggen informatie geeft, en installeer de nieuwste updates.",
			"If the service must stay reachable, set it up to give information only after logging in, and install the latest updates.",
		}, stepPersonalData},
		unit: unitSystems,
	}, {
		key:     "ddos-amplifier",
		class:   event.Classification{Taxonomy: "vulnerable", Type: "ddos-amplifier"},
		subject: text{"Kwetsbaar systeem: misbruikbaar voor DDoS-aanvallen", "Vulnerable system: can be misused for DDoS attacks"},
		title:   text{"Misbruikbaar voor DDoS-aanvallen", "Can be misused for DDoS attacks"},
		explanation: text{
			"Op dit systeem staat een dienst open die criminelen misbruiken om hun aanvalsverkeer te vergroten en zo websites en netwerken van anderen plat te leggen (een DDoS-aanval). Uw systeem doet dan onbedoeld mee, en uw eigen internetverbinding kan er traag van worden.",
			"This system runs a service that criminals misuse to multiply their attack traffic and take down other people's websites and networks (a DDoS attack). Your system then takes part without you knowing, and your own internet connection may slow down.",
		},
		steps: []text{{
			"Heeft u de dienst niet nodig? Zet hem dan uit. Heeft u hem wel nodig? Sluit dan {port} in uw firewall of router voor verkeer van internet.",
			"If you do not need the service, turn it off. If you do, close {port} in your firewall or router to traffic from the internet.",
		}, {
			"Vaak gaat het om een router, printer of ander apparaat met fabrieksinstellingen. Installeer de nieuwste software (firmware) van de fabrikant.",
			"It is often a router, printer or other device with factory settings. Install the latest software (firmware) from the manufacturer.",
		}, stepPortForwarding},
		unit: unitSystems,
	}, {
		key:     "accessible-service",
		class:   event.Classification{Taxonomy: "vulnerable", Type: "potentially-unwanted-accessible"},
		subject: text{"Kwetsbaar systeem: dienst bereikbaar vanaf internet", "Vulnerable system: service reachable from the internet"},
		title:   text{"Dienst bereikbaar vanaf internet", "Service reachable from the internet"},
		explanation: text{
			"Op dit systeem is een dienst vanaf het hele internet bereikbaar die daar meestal niet hoort. Criminelen zoeken zulke diensten automatisch op en proberen er wachtwoorden of bekende fouten op uit.",
			"This system offers a service to the whole internet that usually does not belong there. Criminals search for such services automatically and try passwords or known flaws on them.",
		},
		steps: []text{{
			"Sluit {port} in uw firewall of router, zodat de dienst niet meer vanaf internet bereikbaar is.",
			"Close {port} in your firewall or router, so that the service can no longer be reached from the internet.",
		}, {
			"Moet u de dienst van buiten kantoor gebruiken? Doe dat dan via een VPN (een beveiligde verbinding met uw kantoornetwerk).",
			"If you need the service from outside the office, use it through a VPN (a secure connection to your office network).",
		}, {
			"Installeer de nieuwste updates van de dienst.",
			"Install the latest updates of the service.",
		}, stepPortForwarding},
		unit: unitSystems,
	}}
}
