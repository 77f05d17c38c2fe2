package message

import (
	"embed"
	htmltemplate "html/template"
	"regexp"
	"strconv"
	"strings"
	texttemplate "text/template"
	"unicode/utf8"
)

// lineWidth is the longest line the text part wraps prose to; a single word longer
// than that (a URL) keeps its own line.
const lineWidth = 76

//go:embed templates
var templateFS embed.FS

// The templates are parsed once and only executed afterwards, which is safe for
// concurrent use.
var (
	textTemplate = texttemplate.Must(texttemplate.New("text.tmpl").Funcs(texttemplate.FuncMap{
		"wrap":      func(s string) string { return wrap(s, lineWidth, "", "") },
		"item":      item,
		"heading":   heading,
		"texttable": func(h []string, r [][]string) string { return textTable(h, r, lineWidth+2) },
	}).ParseFS(templateFS, "templates/text.tmpl", "templates/advice.text.tmpl"))
	htmlTemplate = htmltemplate.Must(htmltemplate.New("html.tmpl").ParseFS(templateFS, "templates/html.tmpl", "templates/advice.html.tmpl"))
)

func renderText(v *view) (string, error) {
	var b strings.Builder
	if err := textTemplate.Execute(&b, v); err != nil {
		return "", err
	}
	return tidy(b.String()), nil
}

func renderHTML(v *view) (string, error) {
	var b strings.Builder
	if err := htmlTemplate.Execute(&b, v); err != nil {
		return "", err
	}
	return tidy(b.String()), nil
}

var manyBlankLines = regexp.MustCompile(`\n{4,}`)

// tidy trims trailing spaces, allows at most two blank lines in a row, and ends the
// text with one newline, so that the templates can be laid out for reading.
func tidy(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	s = manyBlankLines.ReplaceAllString(strings.Join(lines, "\n"), "\n\n\n")
	return strings.Trim(s, "\n") + "\n"
}

// item writes step i as "1. ..." with its continuation lines indented under the text.
func item(i int, s string) string {
	num := strconv.Itoa(i+1) + ". "
	return wrap(s, lineWidth, num, strings.Repeat(" ", len(num)))
}

// heading underlines s with c.
func heading(s, c string) string {
	return s + "\n" + strings.Repeat(c, utf8.RuneCountInString(s))
}

// wrap breaks s into lines of at most width runes at spaces, starting the first line
// with first and the others with indent.
func wrap(s string, width int, first, indent string) string {
	var b strings.Builder
	line, lineLen := first, utf8.RuneCountInString(first)
	empty := true
	for _, word := range strings.Fields(s) {
		n := utf8.RuneCountInString(word)
		if !empty && lineLen+1+n > width {
			b.WriteString(line + "\n")
			line, lineLen, empty = indent, utf8.RuneCountInString(indent), true
		}
		if !empty {
			line += " "
			lineLen++
		}
		line += word
		lineLen += n
		empty = false
	}
	b.WriteString(line)
	return b.String()
}
