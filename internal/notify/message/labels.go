package message

import (
	"strconv"
	"strings"
)

// labels are the fixed words of a message in one language. Those with %s or %d are
// format strings.
type labels struct {
	GreetingOrg, GreetingNone, GreetingNetworkOwner string

	IssueOne, IssueMany             string
	IntroOrg, IntroNoOrg            string            // %s issues (and %s the organisation)
	IntroNetworkOwner               string            // %s issues
	Why, Source                     string            // Source: %s the providers
	Kind                            map[string]string // how the source delivers it, by feed kind
	SubjectMany, SubjectManyNetwork string            // %s issues
	SubjectInNetwork                string            // %s counted systems

	TicketLabel, TicketNote string
	PortalPre               string // before the link to the notification in the portal

	FoundHeading, Caption, Truncated, Attachments string
	ColTime, ColIP, ColPort, ColHost, ColURL      string
	ColAccount, ColWhat, ColDetails               string
	ColMatched                                    string
	MatchedAsset                                  string // %s the registered asset
	MatchedNetworkOwner                           string

	AdviceHeading string

	TLPHeading string
	TLP        map[string]string // meaning by label

	VerifyHeading, VerifyPre, VerifyMid, VerifyPost, Never string

	FeedbackHeading, FeedbackIntro string
	Feedback                       map[string]string // link text by kind

	Closing string
}

// feedbackKinds are the feedback links a message offers, in order.
var feedbackKinds = []string{"useful", "not-useful", "false-positive", "resolved"}

var dutch = &labels{
	GreetingOrg:          "Geachte contactpersoon van %s,",
	GreetingNone:         "Geachte heer, mevrouw,",
	GreetingNetworkOwner: "Geachte abuse-afdeling,",

	IssueOne:          "beveiligingsprobleem",
	IssueMany:         "beveiligingsproblemen",
	IntroOrg:          "Wij hebben informatie ontvangen over %s bij %s.",
	IntroNoOrg:        "Wij hebben informatie ontvangen over %s bij uw organisatie.",
	IntroNetworkOwner: "Wij hebben informatie ontvangen over %s op IP-adressen in uw netwerk. Wij weten niet welke organisatie deze adressen gebruikt. Daarom schrijven wij u aan als netwerkbeheerder (abuse-contact). Wilt u dit bericht doorsturen naar uw klant?",
	Why:               "Wij waarschuwen u zodat het probleem kan worden opgelost voordat criminelen er misbruik van maken. Hieronder leest u wat er is gevonden en wat u kunt doen.",
	Source:            "Wij scannen zelf geen systemen: deze informatie komt van %s.",
	Kind: map[string]string{
		"periodic":   "uit hun regelmatige scans en lijsten",
		"incidental": "over één incident",
	},
	SubjectMany:        "%s op uw systemen",
	SubjectManyNetwork: "%s in uw netwerk",
	SubjectInNetwork:   "%s in uw netwerk",

	TicketLabel: "Ticketnummer",
	TicketNote:  "Vermeld dit nummer als u contact met ons opneemt.",
	PortalPre:   "Deze melding in het portaal (na inloggen):",

	FoundHeading:        "Wat wij hebben gevonden",
	Caption:             "Meldingen bij ticket %s",
	Truncated:           "Deze lijst toont de eerste %s van %s meldingen.",
	Attachments:         "In de bijlagen staan alle meldingen, als CSV-bestand (te openen met Excel) en als JSON-bestand (voor IT-systemen).",
	ColTime:             "Tijd (UTC)",
	ColIP:               "IP-adres",
	ColPort:             "Poort",
	ColHost:             "Hostnaam",
	ColURL:              "URL",
	ColAccount:          "Account",
	ColWhat:             "Wat",
	ColDetails:          "Details",
	ColMatched:          "Gekoppeld aan",
	MatchedAsset:        "uw %s",
	MatchedNetworkOwner: "u als netwerkbeheerder",

	AdviceHeading: "Wat kunt u doen?",

	TLPHeading: "Vertrouwelijkheid",
	TLP: map[string]string{
		"CLEAR":        "U mag deze informatie vrij delen.",
		"GREEN":        "U mag deze informatie delen met anderen in uw sector of gemeenschap, maar niet openbaar maken, bijvoorbeeld op internet of sociale media.",
		"AMBER":        "Deel deze informatie alleen binnen uw organisatie en met wie haar nodig heeft om het probleem op te lossen, zoals uw IT-leverancier of uw klanten.",
		"AMBER+STRICT": "Deel deze informatie alleen binnen uw eigen organisatie, met wie haar nodig heeft om het probleem op te lossen.",
		"RED":          "Deze informatie is alleen voor u bestemd. Deel haar met niemand anders.",
	},

	VerifyHeading: "Is dit bericht echt?",
	VerifyPre:     "Controleer het zelf: ga naar",
	VerifyMid:     "en vul de code",
	VerifyPost:    " in.",
	Never:         "Wij vragen nooit om wachtwoorden of betalingen, en nooit om software te installeren.",

	FeedbackHeading: "Uw mening",
	FeedbackIntro:   "Laat met één klik weten wat u van dit bericht vindt. Uw reactie is anoniem.",
	Feedback: map[string]string{
		"useful":         "Nuttig",
		"not-useful":     "Niet nuttig",
		"false-positive": "Klopt niet (onterecht)",
		"resolved":       "Opgelost",
	},

	Closing: "Met vriendelijke groet,",
}

var english = &labels{
	GreetingOrg:          "Dear contact at %s,",
	GreetingNone:         "Dear Sir or Madam,",
	GreetingNetworkOwner: "Dear abuse team,",

	IssueOne:          "security issue",
	IssueMany:         "security issues",
	IntroOrg:          "We have received information about %s at %s.",
	IntroNoOrg:        "We have received information about %s at your organisation.",
	IntroNetworkOwner: "We have received information about %s on IP addresses in your network. We do not know which organisation uses these addresses, so we are writing to you as the network owner (abuse contact). Please forward this message to your customer.",
	Why:               "We are warning you so that the problem can be fixed before criminals misuse it. Below you can read what was found and what you can do.",
	Source:            "We do not scan systems ourselves: this information comes from %s.",
	Kind: map[string]string{
		"periodic":   "from their regular scans and lists",
		"incidental": "about one incident",
	},
	SubjectMany:        "%s on your systems",
	SubjectManyNetwork: "%s in your network",
	SubjectInNetwork:   "%s in your network",

	TicketLabel: "Ticket number",
	TicketNote:  "Please quote this number when you contact us.",
	PortalPre:   "This notification in the portal (after you log in):",

	FoundHeading:        "What we found",
	Caption:             "Findings for ticket %s",
	Truncated:           "This list shows the first %s of %s findings.",
	Attachments:         "The attachments hold every finding, as a CSV file (opens in Excel) and as a JSON file (for IT systems).",
	ColTime:             "Time (UTC)",
	ColIP:               "IP address",
	ColPort:             "Port",
	ColHost:             "Host name",
	ColURL:              "URL",
	ColAccount:          "Account",
	ColWhat:             "What",
	ColDetails:          "Details",
	ColMatched:          "Matched to",
	MatchedAsset:        "your %s",
	MatchedNetworkOwner: "you, as network owner",

	AdviceHeading: "What you can do",

	TLPHeading: "Confidentiality",
	TLP: map[string]string{
		"CLEAR":        "You may share this information freely.",
		"GREEN":        "You may share this information with others in your sector or community, but do not make it public, for example on the internet or social media.",
		"AMBER":        "Share this information only within your organisation and with those who need it to act, such as your IT supplier or your customers.",
		"AMBER+STRICT": "Share this information only within your own organisation, with those who need it to act.",
		"RED":          "This information is for you only. Do not share it with anyone else.",
	},

	VerifyHeading: "Is this message genuine?",
	VerifyPre:     "Check it yourself: go to",
	VerifyMid:     "and enter the code",
	VerifyPost:    ".",
	Never:         "We never ask for passwords or payments, and never ask you to install software.",

	FeedbackHeading: "Your feedback",
	FeedbackIntro:   "Let us know with one click what you think of this message. Your response is anonymous.",
	Feedback: map[string]string{
		"useful":         "Useful",
		"not-useful":     "Not useful",
		"false-positive": "Not correct (false positive)",
		"resolved":       "Resolved",
	},

	Closing: "Kind regards,",
}

// labelsFor returns the labels of lang.
func labelsFor(lang Language) *labels {
	if lang == English {
		return english
	}
	return dutch
}

// formatInt writes n with the language's thousands separator: 12.345 or 12,345.
func formatInt(lang Language, n int) string {
	s := strconv.Itoa(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	sep := text{".", ","}.in(lang)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}
