package web

import (
	"net/http"
	"slices"

	"golang.org/x/text/message"

	"github.com/baken-cert/baken/internal/problem"
)

// Other packages say what is wrong with what people wrote (a row of an upload, an
// asset, a security.txt file) as a problem.Problem: an English format and its
// arguments. The pages translate the format as a key of the catalog; dutchProblems
// holds their Dutch.

// tProblem returns prob in the request's language, or english as it is when there is
// no problem to translate.
func (v *views) tProblem(r *http.Request, prob *problem.Problem, english string) string {
	if prob == nil {
		return english
	}
	return translateProblem(v.printer(v.lang(r)), prob)
}

// tError returns err in the request's language when it is a problem, else as it is.
func (v *views) tError(r *http.Request, err error) string {
	prob, _ := err.(*problem.Problem)
	return v.tProblem(r, prob, err.Error())
}

// translateProblem formats prob with printer; its arguments that are problems are
// translated too.
func translateProblem(printer *message.Printer, prob *problem.Problem) string {
	args := slices.Clone(prob.Args)
	for i, a := range args {
		if inner, ok := a.(*problem.Problem); ok {
			args[i] = translateProblem(printer, inner)
		}
	}
	return printer.Sprintf(prob.Format, args...)
}

// dutchProblems are the Dutch of the problems of other packages, by their English
// format.
var dutchProblems = map[string]string{
	// internal/asset: an asset as people write it.
	"%q is not valid UTF-8 text":                                              "%q is geen geldige UTF-8-tekst",
	"the asset is empty":                                                      "het systeem is niet ingevuld",
	"e-mail domain %q: %v":                                                    "e-maildomein %q: %v",
	"domain %q: %v":                                                           "domein %q: %v",
	"%q is not a valid AS number (AS1 to AS4294967295)":                       "%q is geen geldig AS-nummer (AS1 tot en met AS4294967295)",
	"%q is not a valid IP address":                                            "%q is geen geldig IP-adres",
	"%q is not a valid IP address; did you mean %s?":                          "%q is geen geldig IP-adres; bedoelt u %s?",
	"%q is a %s, not a %s":                                                    "%q is een %s, geen %s",
	"%q is an IPv4-mapped IPv6 prefix; write the IPv4 prefix instead":         "%q is een IPv4-mapped IPv6-prefix; schrijf in plaats daarvan de IPv4-prefix",
	"%q has a zone; prefixes have none":                                       "%q heeft een zone; prefixen hebben er geen",
	"%q has host bits set; did you mean %s?":                                  "%q heeft hostbits gezet; bedoelt u %s?",
	"%q is not a valid IP prefix (write it as 192.0.2.0/24 or 2001:db8::/32)": "%q is geen geldige IP-prefix (schrijf die als 192.0.2.0/24 of 2001:db8::/32)",
	"not valid UTF-8 text":                                                    "geen geldige UTF-8-tekst",
	"a domain name ends with at most one dot":                                 "een domeinnaam eindigt op hoogstens één punt",
	"the domain name is empty":                                                "de domeinnaam is leeg",
	"not a valid domain name (%v)":                                            "geen geldige domeinnaam (%v)",
	"a domain name needs at least two labels, like example.nl":                "een domeinnaam heeft minstens twee labels nodig, zoals example.nl",

	// internal/registry: the file and the rows of an upload.
	"the file is empty: it needs a header row with at least the columns organisation and asset": "het bestand is leeg: het heeft een kopregel nodig met minstens de kolommen organisation en asset",
	"reading the header row: %v":                                        "bij het lezen van de kopregel: %v",
	"the header names the column %q twice":                              "de kopregel noemt de kolom %q twee keer",
	"the header row has no %q column (it has: %s); the columns are: %s": "de kopregel heeft geen kolom %q (wel: %s); de kolommen zijn: %s",
	"reading the file: %v":                                              "bij het lezen van het bestand: %v",
	"the line is longer than 1 MiB: it was skipped":                     "de regel is langer dan 1 MiB: hij is overgeslagen",
	"the header row is longer than 1 MiB":                               "de kopregel is langer dan 1 MiB",
	"the row up to line %d is longer than 4 MiB (a quote that is never closed?): nothing was imported": "de rij tot regel %d is langer dan 4 MiB (een aanhalingsteken dat nooit wordt gesloten?): er is niets geïmporteerd",
	"the file is not a text file (CSV or JSON Lines in UTF-8): save it as CSV and try again":           "het bestand is geen tekstbestand (CSV of JSON Lines in UTF-8): sla het op als CSV en probeer het opnieuw",
	`bare " in non-quoted-field`:                                                `losse " in een veld zonder aanhalingstekens`,
	`extraneous or missing " in quoted-field`:                                   `overbodige of ontbrekende " in een veld tussen aanhalingstekens`,
	"the row has %d fields, the header %d":                                      "de regel heeft %d velden, de kopregel %d",
	"not a JSON object with string fields: %v":                                  "geen JSON-object met tekstvelden: %v",
	"this row names another organisation; you can only upload the assets of %s": "deze regel noemt een andere organisatie; u kunt alleen de systemen van %s uploaden",
	"only an analyst can set the parent of an organisation":                     "alleen een analist kan de bovenliggende organisatie van een organisatie instellen",
	"the organisation is empty":                                                 "de organisatie is niet ingevuld",
	"organisation %q cannot be its own parent":                                  "organisatie %q kan niet haar eigen bovenliggende organisatie zijn",
	"organisation %q is called %q on line %d":                                   "organisatie %q heet %q op regel %d",
	"organisation %q has sector %q on line %d":                                  "organisatie %q heeft sector %q op regel %d",
	"organisation %q has parent %q on line %d":                                  "organisatie %q heeft bovenliggende organisatie %q op regel %d",
	"a language needs a contact_email":                                          "een taal heeft een contact_email nodig",
	"language %q: want nl or en":                                                "taal %q: kies nl of en",
	"contact_email %q is not an e-mail address":                                 "contact_email %q is geen e-mailadres",
	"contact_email %q: %v":                                                      "contact_email %q: %v",
	"parent %q is not a known organisation: %q was imported without a parent":   "bovenliggende organisatie %q is onbekend: %q is zonder bovenliggende organisatie geïmporteerd",

	// internal/verify: fetching a security.txt file.
	"fetching security.txt: %q is not a domain name":                                             "bij het ophalen van security.txt: %q is geen domeinnaam",
	"fetching security.txt: %s answered %s":                                                      "bij het ophalen van security.txt: %s antwoordde %s",
	"fetching security.txt: redirected to %s, which is not https":                                "bij het ophalen van security.txt: doorgestuurd naar %s, dat geen https is",
	"fetching security.txt: %s %v":                                                               "bij het ophalen van security.txt: %s %v",
	"fetching security.txt: %s is larger than %d KiB: %v":                                        "bij het ophalen van security.txt: %s is groter dan %d KiB: %v",
	"fetching security.txt: %v":                                                                  "bij het ophalen van security.txt: %v",
	"has no Content-Type; text/plain is required":                                                "heeft geen Content-Type; text/plain is vereist",
	"has an unreadable Content-Type %q":                                                          "heeft een onleesbaar Content-Type %q",
	"is %s, not text/plain":                                                                      "is %s, geen text/plain",
	"the Content-Type has no charset; RFC 9116 asks for text/plain; charset=utf-8":               "het Content-Type noemt geen charset; RFC 9116 vraagt om text/plain; charset=utf-8",
	"the Content-Type says charset=%s; RFC 9116 asks for utf-8":                                  "het Content-Type zegt charset=%s; RFC 9116 vraagt om utf-8",
	"the file was found at %s, which is not among its Canonical URIs":                            "het bestand is gevonden op %s, dat niet bij zijn Canonical-URI's staat",
	"the file was asked for at %s and found at %s, neither of which is among its Canonical URIs": "het bestand is opgevraagd op %s en gevonden op %s, die geen van beide bij zijn Canonical-URI's staan",

	// internal/verify: what is wrong with a security.txt file.
	"the file is not valid UTF-8":       "het bestand is geen geldige UTF-8",
	"the signed message has no %s line": "het ondertekende bericht heeft geen regel %s",
	"the signature has no %s line":      "de handtekening heeft geen regel %s",
	"text after the signature: a signed file must end with it (the text is ignored)":            "tekst na de handtekening: een ondertekend bestand moet ermee eindigen (de tekst wordt genegeerd)",
	"a signed file must begin with %s on its first line":                                        "een ondertekend bestand moet op zijn eerste regel beginnen met %s",
	`a signed line that begins with a dash must be dash-escaped as "- "`:                        `een ondertekende regel die met een streepje begint, moet worden ontsnapt als "- "`,
	"the signed message has no Hash armour header":                                              "het ondertekende bericht heeft geen armour-header Hash",
	"%q is not a Hash armour header, nor the empty line that must end them":                     "%q is geen armour-header Hash, en ook niet de lege regel die de headers moet afsluiten",
	"the signature's armour has no empty line before its data":                                  "de armour van de handtekening heeft geen lege regel voor de gegevens",
	"the signature's armour has a line that is not base64: %q":                                  "de armour van de handtekening heeft een regel die geen base64 is: %q",
	"the signature's armour does not decode as base64":                                          "de armour van de handtekening is geen geldige base64",
	"the signature's armour checksum does not match its data":                                   "de controlesom van de armour van de handtekening klopt niet met de gegevens",
	"the signature's armour holds no OpenPGP signature":                                         "de armour van de handtekening bevat geen OpenPGP-handtekening",
	"the last line does not end with a newline; RFC 9116 ends every line with one":              "de laatste regel eindigt niet met een regeleinde; volgens RFC 9116 eindigt elke regel met een",
	"the line holds a carriage return without a line feed; RFC 9116 ends lines with CRLF or LF": "de regel bevat een carriage return zonder line feed; volgens RFC 9116 eindigen regels op CRLF of LF",
	`%q is not a "Field: value" line, a comment or blank`:                                       `%q is geen regel "Veld: waarde", geen commentaar en niet leeg`,
	"the %s field has a space before its colon; RFC 9116 allows none":                           "het veld %s heeft een spatie voor de dubbele punt; RFC 9116 staat dat niet toe",
	"the %s field has no space after its colon; RFC 9116 requires one":                          "het veld %s heeft geen spatie na de dubbele punt; RFC 9116 vereist er een",
	"the %s field has more than one space after its colon; RFC 9116 writes one":                 "het veld %s heeft meer dan één spatie na de dubbele punt; RFC 9116 schrijft er één",
	"the %s field has no value":                                                                 "het veld %s heeft geen waarde",
	"no usable Contact field: RFC 9116 requires at least one":                                   "geen bruikbaar veld Contact: RFC 9116 vereist er minstens een",
	"no Expires field: RFC 9116 requires one":                                                   "geen veld Expires: RFC 9116 vereist er een",
	"the file expired on %s":                                                                    "het bestand is verlopen op %s",
	"Expires is more than a year ahead; RFC 9116 recommends less":                               "Expires ligt meer dan een jaar vooruit; RFC 9116 raadt minder aan",
	"unknown field %q (allowed, and ignored)":                                                   "onbekend veld %q (toegestaan, en genegeerd)",
	"Contact %q is not a URI: write mailto:%s":                                                  "Contact %q is geen URI: schrijf mailto:%s",
	"Contact %q: %v":                                      "Contact %q: %v",
	"no e-mail address in the mailto: URI":                "geen e-mailadres in de mailto:-URI",
	"%q is not an e-mail address":                         "%q is geen e-mailadres",
	"%q has no internet domain":                           "%q heeft geen internetdomein",
	"%s %q is not a URI":                                  "%s %q is geen URI",
	"%s %q must use https, not http":                      "%s %q moet https gebruiken, geen http",
	"%s %q: a %s URI is expected, not %s:":                "%s %q: er wordt een %s-URI verwacht, geen %s:",
	"%s %q has no host":                                   "%s %q heeft geen host",
	"Expires appears more than once; RFC 9116 allows one": "Expires staat er meer dan eens in; RFC 9116 staat er één toe",
	"Expires %q is not an RFC 3339 date and time such as 2026-12-31T23:59:59Z": "Expires %q is geen datum en tijd volgens RFC 3339, zoals 2026-12-31T23:59:59Z",

	// internal/asset: what no organisation owns, and how an asset is proven.
	"%s is not within global unicast address space (2000::/3): no organisation owns it":        "%s ligt niet in de globale unicast-adresruimte (2000::/3): geen organisatie bezit die",
	"%s is special-purpose address space (%s, %s): no organisation owns it":                    "%s is adresruimte voor bijzondere doeleinden (%s, %s): geen organisatie bezit die",
	"%s is a special-purpose AS number (%s): no organisation owns it":                          "%s is een AS-nummer voor bijzondere doeleinden (%s): geen organisatie bezit het",
	"%s is a public suffix, under which anyone can register a domain: no organisation owns it": "%s is een publiek achtervoegsel waaronder iedereen een domein kan registreren: geen organisatie bezit het",
	"waiting for proof":           "wacht op bewijs",
	"proven by DNS on %s":         "bewezen via DNS op %s",
	"proven by DNS":               "bewezen via DNS",
	"backed by the RIPE database": "gedekt door de RIPE-database",
	"approved by %s on %s":        "goedgekeurd door %s op %s",
	"approved by an analyst":      "goedgekeurd door een analist",
	"proof lapsed on %s: it matches nothing until proven again": "bewijs vervallen op %s: het levert geen meldingen op tot het opnieuw is bewezen",
	"proof lapsed: it matches nothing until proven again":       "bewijs vervallen: het levert geen meldingen op tot het opnieuw is bewezen",
	"imported by the CERT": "geïmporteerd door het CERT",

	// internal/registry: what an organisation registers itself.
	"%s already has %d assets waiting for proof, its limit: prove or remove some first, or ask the CERT, whose administrators can raise the limit": "%s heeft al %d systemen die op bewijs wachten, de limiet: bewijs of verwijder er eerst enkele, of vraag het CERT, waarvan de beheerders de limiet kunnen verhogen",
	"the file has more than %d rows, the most one upload may have: split it, or ask the CERT to import it":                                         "het bestand heeft meer dan %d regels, het maximum voor één upload: splits het, of vraag het CERT het te importeren",
	"Preferred-Languages appears more than once; RFC 9116 allows one":                                                                              "Preferred-Languages staat er meer dan eens in; RFC 9116 staat er één toe",
	"%q is not a language tag (BCP 47) such as en or nl-BE":                                                                                        "%q is geen taalcode (BCP 47) zoals en of nl-BE",
	"CSAF %q does not name a provider-metadata.json file":                                                                                          "CSAF %q noemt geen bestand provider-metadata.json",
	"more than one CSAF field; one is recommended":                                                                                                 "meer dan één veld CSAF; één wordt aangeraden",
}
