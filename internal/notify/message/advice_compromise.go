package message

import "github.com/baken-cert/baken/internal/event"

// Steps the compromise entries share.
var (
	stepPasswordsFromClean = text{
		"Wijzig daarna, vanaf een ander, schoon apparaat, de wachtwoorden die op of via dit systeem zijn gebruikt.",
		"Then, from another, clean device, change the passwords that were used on or through this system.",
	}
	stepRestoreClean = text{
		"Zet het systeem schoon terug (opnieuw installeren, of een back-up van vóór de inbraak terugzetten), installeer alle updates en maak het pas daarna weer bereikbaar.",
		"Restore the system to a clean state (reinstall it, or restore a backup from before the break-in), install all updates, and only then make it reachable again.",
	}
	stepReport = text{
		"Doe aangifte bij de politie. Zijn er mogelijk persoonsgegevens buitgemaakt? Meld dan binnen 72 uur een datalek bij de Autoriteit Persoonsgegevens.",
		"Report the crime to the police. If personal data may have been stolen, report a data breach to the data protection authority (in the Netherlands: the Autoriteit Persoonsgegevens) within 72 hours.",
	}
	stepWebsiteUpdates = text{
		"Installeer alle updates van het contentmanagementsysteem (zoals WordPress), het thema en de plug-ins, en verwijder plug-ins die u niet gebruikt.",
		"Install all updates of the content management system (such as WordPress), the theme and the plug-ins, and remove plug-ins you do not use.",
	}
	stepWebsitePasswords = text{
		"Wijzig de wachtwoorden van de beheeraccounts van de website, de hosting en de database, en zet tweestapsverificatie aan.",
		"Change the passwords of the website's admin accounts, the hosting and the database, and turn on two-step verification.",
	}
)

func compromiseEntries() []*entry {
	return []*entry{{
		key:         "system-compromise",
		class:       event.Classification{Taxonomy: "intrusions", Type: "system-compromise"},
		identifiers: []string{"exchange-server-webshell", "compromised"},
		types:       []string{"application-compromise"},
		taxonomies:  []string{"intrusions"},
		subject:     text{"Gehackt systeem", "Compromised system"},
		title:       text{"Systeem is gehackt", "System has been compromised"},
		explanation: text{
			"Dit systeem is zeer waarschijnlijk gehackt: criminelen hebben er toegang toe gekregen. Ze kunnen gegevens stelen, vanaf hier verder in uw netwerk komen of gijzelsoftware (ransomware) installeren. Een update installeren is nu niet genoeg: de indringer kan al een achterdeur hebben achtergelaten.",
			"This system has most likely been compromised: criminals have gained access to it. They can steal data, move on from here into your network or install ransomware. Installing an update is not enough now: the intruder may already have left a back door.",
		},
		steps: []text{stepIsolate, {
			"Laat onderzoeken hoe de criminelen binnenkwamen en wat ze hebben gedaan. Schakel zo nodig een bedrijf in dat gespecialiseerd is in het afhandelen van hacks (incident response).",
			"Have someone find out how the criminals got in and what they did. If needed, hire a company that specialises in handling breaches (incident response).",
		}, stepPasswordsFromClean, stepRestoreClean, stepReport},
		unit: unitSystems,
	}, {
		key:     "compromised-website",
		class:   event.Classification{Taxonomy: "intrusions", Type: "system-compromise", Identifier: "compromised-website"},
		subject: text{"Gehackte website", "Hacked website"},
		title:   text{"Website is gehackt", "Website has been hacked"},
		explanation: text{
			"Deze website is gehackt: criminelen hebben er kwaadaardige code of pagina's aan toegevoegd. Bezoekers kunnen daardoor besmet raken of worden doorgestuurd naar oplichterssites. Meestal komen criminelen binnen via een verouderd contentmanagementsysteem, een plug-in of een gestolen wachtwoord.",
			"This website has been hacked: criminals have added malicious code or pages to it. Visitors may get infected or be sent on to scam sites. Criminals usually get in through an outdated content management system, a plug-in or a stolen password.",
		},
		steps: []text{{
			"Zet de website tijdelijk offline of in onderhoudsmodus.",
			"Take the website offline for now, or put it in maintenance mode.",
		}, {
			"Zet een schone back-up van vóór de hack terug, of laat de website opschonen door uw webbouwer of hostingpartij.",
			"Restore a clean backup from before the hack, or have your web developer or hosting company clean up the website.",
		}, stepWebsiteUpdates, stepWebsitePasswords},
		unit: unitWebsites,
	}, {
		key:     "account-compromise",
		class:   event.Classification{Taxonomy: "intrusions", Type: "unprivileged-account-compromise"},
		types:   []string{"privileged-account-compromise"},
		subject: text{"Overgenomen account", "Compromised account"},
		title:   text{"Account overgenomen", "Account taken over"},
		explanation: text{
			"Criminelen hebben waarschijnlijk toegang gekregen tot dit account. Ze kunnen uit naam van uw organisatie e-mail versturen, gegevens inzien of verder inbreken.",
			"Criminals have probably gained access to this account. They can send e-mail in your organisation's name, read data or break in further.",
		},
		steps: []text{{
			"Wijzig direct het wachtwoord van het account. Doe dat via de website of app die u altijd gebruikt, niet via een link in een e-mail.",
			"Change the account's password right away. Do so through the website or app you always use, not through a link in an e-mail.",
		}, {
			"Meld het account overal af (alle sessies beëindigen) en zet tweestapsverificatie aan.",
			"Sign the account out everywhere (end all sessions) and turn on two-step verification.",
		}, {
			"Controleer of er iets is veranderd: doorstuurregels in de mailbox, nieuwe apparaten of apps met toegang, verstuurde berichten die niemand herkent.",
			"Check what has changed: forwarding rules in the mailbox, new devices or apps with access, sent messages nobody recognises.",
		}},
		unit: unitAccounts,
	}, {
		key:        "infected-system",
		class:      event.Classification{Taxonomy: "malicious-code", Type: "infected-system"},
		taxonomies: []string{"malicious-code"},
		subject:    text{"Besmet systeem", "Infected system"},
		title:      text{"Besmet met malware", "Infected with malware"},
		explanation: text{
			"Een computer of ander apparaat op dit IP-adres is besmet met kwaadaardige software (malware). Dat blijkt bijvoorbeeld uit verkeer naar servers van criminelen. Besmette apparaten kunnen gegevens en wachtwoorden doorsturen of worden ingezet voor aanvallen op anderen.",
			"A computer or other device at this IP address is infected with malicious software (malware). This shows, for example, in traffic to servers run by criminals. Infected devices can pass on data and passwords, or be used to attack others.",
		},
		steps: []text{stepFindDevice, {
			"Haal het besmette apparaat van het netwerk en maak het schoon met een actuele virusscanner, of installeer het opnieuw.",
			"Take the infected device off the network and clean it with an up-to-date virus scanner, or reinstall it.",
		}, stepPasswordsFromClean, {
			"Installeer alle updates en laat de virusscanner aan staan.",
			"Install all updates and keep the virus scanner switched on.",
		}},
		unit: unitSystems,
	}, {
		key:     "c2-server",
		class:   event.Classification{Taxonomy: "malicious-code", Type: "c2-server"},
		subject: text{"Besturingsserver voor malware", "Malware control server"},
		title:   text{"Systeem bestuurt besmette computers", "System controls infected computers"},
		explanation: text{
			"Dit systeem wordt gebruikt als besturingsserver (command-and-control) voor malware: besmette computers elders halen er hun opdrachten op. Meestal is het systeem gehackt, of is het door criminelen gehuurd.",
			"This system is used as a control server (command and control) for malware: infected computers elsewhere fetch their orders from it. Usually the system has been hacked, or criminals have rented it.",
		},
		steps: []text{stepIsolate, {
			"Laat onderzoeken welke programma's er draaien die u niet kent, en hoe ze erop zijn gekomen.",
			"Have someone find out which programs you do not recognise are running on it, and how they got there.",
		}, stepPasswordsFromClean, stepRestoreClean},
		unit: unitSystems,
	}, {
		key:     "malware-distribution",
		class:   event.Classification{Taxonomy: "malicious-code", Type: "malware-distribution"},
		types:   []string{"malware-configuration"},
		subject: text{"Verspreiding van malware", "Malware distribution"},
		title:   text{"Adres verspreidt malware", "Address distributes malware"},
		explanation: text{
			"Via dit adres wordt kwaadaardige software (malware) verspreid. Vaak gaat het om een gehackte website waarop criminelen bestanden hebben gezet die bezoekers besmetten.",
			"Malicious software (malware) is being spread from this address. Often it is a hacked website on which criminals have placed files that infect visitors.",
		},
		steps: []text{{
			"Verwijder de bestanden op de adressen in de tabel.",
			"Remove the files at the addresses in the table.",
		}, {
			"Zoek uit hoe ze daar kwamen, en controleer of er meer bestanden of pagina's zijn die u niet kent.",
			"Find out how they got there, and check for other files or pages you do not recognise.",
		}, stepWebsiteUpdates, stepWebsitePasswords},
		unit: unitWebsites,
	}}
}
