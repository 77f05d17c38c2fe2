package message

import "github.com/baken-cert/baken/internal/event"

// defaultKey names the course for classifications the table does not know.
const defaultKey = "default"

// stepCleanAttacker is what to do about a system that attacks others: it is most
// likely infected or hacked itself.
var stepCleanAttacker = text{
	"Controleer het apparaat op malware en op programma's of gebruikersaccounts die u niet kent. Maak het schoon of installeer het opnieuw, installeer alle updates en wijzig de wachtwoorden.",
	"Check the device for malware and for programs or user accounts you do not recognise. Clean or reinstall it, install all updates and change the passwords.",
}

func abuseEntries() []*entry {
	return []*entry{{
		key:         "leaked-credentials",
		class:       event.Classification{Taxonomy: "information-content-security", Type: "data-leak", Identifier: "leaked-credentials"},
		identifiers: []string{"combolist"},
		subject:     text{"Gelekte inloggegevens", "Leaked login details"},
		title:       text{"Inloggegevens gelekt", "Login details leaked"},
		explanation: text{
			"De e-mailadressen in de tabel staan in een lijst met inloggegevens die criminelen online delen. Zo'n lijst komt meestal uit een inbraak bij een andere website of dienst waar deze adressen een account hadden. Criminelen proberen de gelekte combinaties uit op andere diensten, zoals e-mail, webwinkels en VPN's. Wij bewaren en versturen de wachtwoorden niet, en wij zullen u er nooit naar vragen.",
			"The e-mail addresses in the table appear in a list of login details that criminals share online. Such a list usually comes from a breach at another website or service where these addresses had an account. Criminals try the leaked combinations on other services, such as e-mail, web shops and VPNs. We do not keep or send the passwords, and we will never ask you for them.",
		},
		steps: []text{{
			"Laat de mensen achter deze accounts direct hun wachtwoord wijzigen, ook bij andere diensten waar zij hetzelfde wachtwoord gebruiken.",
			"Have the people behind these accounts change their password right away, also at other services where they use the same password.",
		}, {
			"Zet tweestapsverificatie aan (een extra code via een app of sms) voor e-mail, VPN en andere belangrijke diensten.",
			"Turn on two-step verification (an extra code from an app or text message) for e-mail, VPN and other important services.",
		}, {
			"Controleer of er vreemde aanmeldingen zijn, doorstuurregels in mailboxen of andere ongewone activiteit.",
			"Check for unusual sign-ins, forwarding rules in mailboxes or other odd activity.",
		}, {
			"Gebruik voor elke dienst een ander wachtwoord; een wachtwoordmanager helpt daarbij.",
			"Use a different password for every service; a password manager helps.",
		}},
		unit: unitAccounts,
	}, {
		key:        "data-leak",
		class:      event.Classification{Taxonomy: "information-content-security", Type: "data-leak"},
		types:      []string{"unauthorised-information-access", "unauthorized-information-access", "data-loss"},
		taxonomies: []string{"information-content-security"},
		subject:    text{"Datalek", "Data leak"},
		title:      text{"Gegevens open op internet", "Data exposed on the internet"},
		explanation: text{
			"Via dit systeem zijn gegevens vanaf internet te bekijken of te downloaden die waarschijnlijk niet openbaar horen te zijn.",
			"Data that should probably not be public can be viewed or downloaded from the internet through this system.",
		},
		steps: []text{{
			"Maak de gegevens direct onbereikbaar vanaf internet, bijvoorbeeld door de toegang af te sluiten of een wachtwoord in te stellen.",
			"Make the data unreachable from the internet right away, for example by closing access or requiring a login.",
		}, {
			"Zoek uit welke gegevens open stonden, sinds wanneer, en of anderen ze hebben gedownload.",
			"Find out which data was exposed, since when, and whether others have downloaded it.",
		}, stepPersonalData},
		unit: unitSystems,
	}, {
		key:     "phishing",
		class:   event.Classification{Taxonomy: "fraud", Type: "phishing"},
		subject: text{"Phishing", "Phishing"},
		title:   text{"Phishingpagina", "Phishing page"},
		explanation: text{
			"Op dit adres staat een phishingpagina: een nagemaakte pagina, bijvoorbeeld van een bank of van Microsoft 365, waarmee criminelen wachtwoorden en betaalgegevens stelen. Meestal is de website gehackt zonder dat de eigenaar het weet.",
			"This address hosts a phishing page: a fake page, for example of a bank or of Microsoft 365, that criminals use to steal passwords and payment details. Usually the website has been hacked without its owner knowing.",
		},
		steps: []text{{
			"Haal de phishingpagina direct offline: verwijder de bestanden op de adressen in de tabel.",
			"Take the phishing page down right away: remove the files at the addresses in the table.",
		}, {
			"Zoek uit hoe de criminelen de pagina konden plaatsen, en controleer of er meer bestanden of pagina's zijn die u niet kent.",
			"Find out how the criminals could place the page, and check for other files or pages you do not recognise.",
		}, stepWebsiteUpdates, stepWebsitePasswords},
		unit: unitWebsites,
	}, {
		key:        "spam",
		class:      event.Classification{Taxonomy: "abusive-content", Type: "spam"},
		taxonomies: []string{"abusive-content"},
		subject:    text{"Spam vanaf uw adres", "Spam from your address"},
		title:      text{"Systeem verstuurt spam", "System sends spam"},
		explanation: text{
			"Vanaf dit IP-adres wordt spam verstuurd. Meestal komt dat door een besmette computer, een overgenomen e-mailaccount, of een mailserver of contactformulier dat iedereen kan misbruiken. Uw adres kan daardoor op zwarte lijsten komen, zodat uw eigen e-mail niet meer aankomt.",
			"Spam is being sent from this IP address. This is usually caused by an infected computer, a taken-over e-mail account, or a mail server or contact form that anyone can misuse. Your address may end up on blocklists, so that your own e-mail no longer arrives.",
		},
		steps: []text{{
			"Zoek in de logboeken van uw mailserver of router uit welk apparaat of account de spam verstuurt.",
			"Use the logs of your mail server or router to find out which device or account sends the spam.",
		}, {
			"Wijzig het wachtwoord van accounts die spam versturen en zet tweestapsverificatie aan.",
			"Change the password of accounts that send spam and turn on two-step verification.",
		}, {
			"Zorg dat uw mailserver alleen na inloggen e-mail naar anderen doorstuurt (geen 'open relay') en beveilig contactformulieren tegen misbruik.",
			"Make sure your mail server only relays e-mail to others after a login (no 'open relay'), and protect contact forms against misuse.",
		}, stepCleanAttacker},
		unit: unitSystems,
	}, {
		key:        "ddos",
		class:      event.Classification{Taxonomy: "availability", Type: "ddos"},
		types:      []string{"dos"},
		taxonomies: []string{"availability"},
		subject:    text{"DDoS-aanval vanaf uw systeem", "DDoS attack from your system"},
		title:      text{"Systeem doet mee aan DDoS-aanvallen", "System takes part in DDoS attacks"},
		explanation: text{
			"Dit systeem heeft meegedaan aan een aanval die websites of netwerken van anderen overbelast (een DDoS-aanval). Dat gebeurt als het systeem besmet is, of als er een dienst op open staat die criminelen misbruiken om hun aanvalsverkeer te versterken.",
			"This system took part in an attack that overloads other people's websites or networks (a DDoS attack). This happens when the system is infected, or when it runs an open service that criminals misuse to amplify their attack traffic.",
		},
		steps: []text{stepFindDevice, {
			"Sluit diensten die u niet vanaf internet nodig heeft in uw firewall of router, zoals DNS, NTP, SNMP, SSDP en memcached.",
			"Close services you do not need from the internet in your firewall or router, such as DNS, NTP, SNMP, SSDP and memcached.",
		}, stepCleanAttacker},
		unit: unitSystems,
	}, {
		key:         "blacklist",
		class:       event.Classification{Taxonomy: "other", Type: "blacklist"},
		identifiers: []string{"blacklisted-ip", "malicious-activity"},
		subject:     text{"Adres op een zwarte lijst", "Address on a blocklist"},
		title:       text{"Adres op een zwarte lijst", "Address on a blocklist"},
		explanation: text{
			"Dit IP-adres staat op een zwarte lijst (blocklist) van adressen die bij misbruik betrokken zijn, zoals spam, aanvallen of malware. E-mail en ander verkeer vanaf dit adres kan daardoor worden geweigerd. Een adres komt zelden zonder reden op zo'n lijst.",
			"This IP address is on a blocklist of addresses involved in abuse, such as spam, attacks or malware. E-mail and other traffic from this address may be refused because of it. An address rarely ends up on such a list without reason.",
		},
		steps: []text{{
			"Zoek uit waarom het adres op de lijst staat: de beheerder van de lijst vermeldt dat meestal op zijn website.",
			"Find out why the address is listed: the list's operator usually says so on its website.",
		}, stepFindDevice, stepCleanAttacker, {
			"Is de oorzaak opgelost? Vraag dan de beheerder van de lijst om het adres te verwijderen.",
			"Once the cause is fixed, ask the list's operator to remove the address.",
		}},
		unit: unitAddresses,
	}, {
		key:     "brute-force",
		class:   event.Classification{Taxonomy: "intrusion-attempts", Type: "brute-force"},
		subject: text{"Inbraakpogingen vanaf uw adres", "Break-in attempts from your address"},
		title:   text{"Systeem raadt wachtwoorden bij anderen", "System guesses passwords elsewhere"},
		explanation: text{
			"Vanaf dit IP-adres wordt geprobeerd in te loggen op andere systemen door wachtwoorden te raden. Meestal is het systeem zelf besmet of gehackt en wordt het door criminelen ingezet.",
			"Someone at this IP address is trying to log in to other systems by guessing passwords. Usually the system itself is infected or hacked and is being used by criminals.",
		},
		steps: []text{stepFindDevice, stepCleanAttacker},
		unit:  unitSystems,
	}, {
		key:        "intrusion-attempt",
		class:      event.Classification{Taxonomy: "intrusion-attempts", Type: "exploit"},
		types:      []string{"ids-alert"},
		taxonomies: []string{"intrusion-attempts"},
		subject:    text{"Aanvallen vanaf uw adres", "Attacks from your address"},
		title:      text{"Aanvallen vanaf dit adres", "Attacks from this address"},
		explanation: text{
			"Vanaf dit IP-adres worden andere systemen aangevallen, bijvoorbeeld door bekende fouten in hun software te misbruiken. Meestal is het systeem zelf besmet of gehackt en wordt het door criminelen ingezet.",
			"Other systems are being attacked from this IP address, for example by exploiting known flaws in their software. Usually the system itself is infected or hacked and is being used by criminals.",
		},
		steps: []text{stepFindDevice, stepCleanAttacker},
		unit:  unitSystems,
	}, {
		key:        "scanner",
		class:      event.Classification{Taxonomy: "information-gathering", Type: "scanner"},
		taxonomies: []string{"information-gathering"},
		subject:    text{"Scans vanaf uw adres", "Scanning from your address"},
		title:      text{"Systeem scant het internet", "System scans the internet"},
		explanation: text{
			"Vanaf dit IP-adres wordt het internet afgezocht naar kwetsbare systemen (scannen). Dat is vaak het eerste teken dat een apparaat besmet is of door criminelen wordt gebruikt.",
			"This IP address is searching the internet for vulnerable systems (scanning). That is often the first sign that a device is infected or used by criminals.",
		},
		steps: []text{{
			"Scant u of uw IT-leverancier bewust, bijvoorbeeld voor een beveiligingstest? Dan kunt u deze melding als onterecht markeren met de link onderaan.",
			"If you or your IT supplier scan on purpose, for example for a security test, you can mark this notification as a false positive with the link at the bottom.",
		}, stepFindDevice, stepCleanAttacker},
		unit: unitSystems,
	}}
}

// defaultEntry is the course for a classification the table does not know.
func defaultEntry() *entry {
	return &entry{
		key:     defaultKey,
		subject: text{"Beveiligingsprobleem", "Security issue"},
		title:   text{"Beveiligingsprobleem", "Security issue"},
		explanation: text{
			"Wij hebben een melding over dit systeem ontvangen. Die kan wijzen op een besmetting, een inbraak of een onveilige instelling.",
			"We received a report about this system. It may point to an infection, a break-in or an unsafe setting.",
		},
		steps: []text{{
			"Controleer of de software op het systeem up-to-date is, en installeer ontbrekende updates.",
			"Check that the software on the system is up to date, and install missing updates.",
		}, {
			"Kijk of er programma's, gebruikersaccounts of verbindingen zijn die u niet kent.",
			"Look for programs, user accounts or connections you do not recognise.",
		}, {
			"Sluit diensten die niet vanaf internet bereikbaar hoeven te zijn in uw firewall of router.",
			"Close services that need not be reachable from the internet in your firewall or router.",
		}},
		unit: unitSystems,
	}
}
