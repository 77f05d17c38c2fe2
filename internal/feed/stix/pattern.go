package stix

import "strings"

// Reasons why something in a bundle gives no event: the keys of SkippedReasons.
const (
	ReasonAND            = "pattern with AND"
	ReasonFollowedBy     = "pattern with FOLLOWEDBY"
	ReasonQualifier      = "pattern with a qualifier (WITHIN, REPEATS, START/STOP)"
	ReasonObjectType     = "pattern on another object type"
	ReasonProperty       = "pattern on another property than value"
	ReasonOperator       = "pattern with another operator than =, IN or ISSUBSET"
	ReasonSyntax         = "pattern not understood"
	ReasonPatternType    = "pattern_type other than stix"
	ReasonRevoked        = "revoked indicator"
	ReasonBenign         = "benign indicator"
	ReasonObservableType = "observable of another type"
	ReasonMissingRef     = "object_refs to an object not in the bundle"
)

// supported are the object types whose value names something an organisation owns.
var supported = map[string]bool{
	"ipv4-addr": true, "ipv6-addr": true, "domain-name": true, "url": true, "email-addr": true,
}

// disjunct is one alternative of a pattern: either a value to report, or the
// reason it cannot be.
type disjunct struct {
	objType string // ipv4-addr, ...
	value   string
	reason  string // not "" when the alternative is skipped
}

// maxDepth bounds the nesting of brackets and parentheses.
const maxDepth = 64

// parsePattern splits a STIX pattern into the alternatives of its top-level ORs.
// An alternative that is a single comparison of a supported object's value with =,
// IN (one alternative per member) or ISSUBSET gives values; any other alternative
// (joined with AND or FOLLOWEDBY, qualified, on another type, property or operator)
// gives its reason. Since any one alternative of an OR satisfies the pattern, each
// value is a complete indicator. errSyntax means the pattern is not understood.
func parsePattern(s string) ([]disjunct, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &pparser{toks: toks}
	ds, err := p.followedBy()
	if err != nil {
		return nil, err
	}
	if p.peek().kind != tEOF {
		return nil, errSyntax
	}
	return ds, nil
}

type pparser struct {
	toks  []token
	i     int
	depth int
}

func (p *pparser) peek() token { return p.toks[p.i] }

func (p *pparser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

// keyword reports whether the next token is keyword kw (in any case), and takes it.
func (p *pparser) keyword(kw string) bool {
	if t := p.peek(); t.kind == tWord && strings.EqualFold(t.text, kw) {
		p.i++
		return true
	}
	return false
}

func (p *pparser) expect(k tokKind) error {
	if p.next().kind != k {
		return errSyntax
	}
	return nil
}

// chain parses one or more operands joined by keyword kw. With opReason, two or more
// operands make a single skipped alternative; without, their alternatives add up.
func (p *pparser) chain(operand func() ([]disjunct, error), kw, opReason string) ([]disjunct, error) {
	ds, err := operand()
	if err != nil {
		return nil, err
	}
	joined := false
	for p.keyword(kw) {
		more, err := operand()
		if err != nil {
			return nil, err
		}
		ds, joined = append(ds, more...), true
	}
	if joined && opReason != "" {
		return []disjunct{{reason: opReason}}, nil
	}
	return ds, nil
}

// Observation expressions: FOLLOWEDBY binds loosest, then OR, then AND.
func (p *pparser) followedBy() ([]disjunct, error) {
	return p.chain(p.obsOr, "FOLLOWEDBY", ReasonFollowedBy)
}
func (p *pparser) obsOr() ([]disjunct, error)  { return p.chain(p.obsAnd, "OR", "") }
func (p *pparser) obsAnd() ([]disjunct, error) { return p.chain(p.observation, "AND", ReasonAND) }

// observation parses "[ comparisons ]" or "( observation expressions )", with any
// qualifiers after it.
func (p *pparser) observation() ([]disjunct, error) {
	if p.depth++; p.depth > maxDepth {
		return nil, errSyntax
	}
	defer func() { p.depth-- }()
	var ds []disjunct
	var err error
	switch p.next().kind {
	case tLParen:
		if ds, err = p.followedBy(); err == nil {
			err = p.expect(tRParen)
		}
	case tLBrack:
		if ds, err = p.cmpOr(); err == nil {
			err = p.expect(tRBrack)
		}
	default:
		return nil, errSyntax
	}
	if err != nil {
		return nil, err
	}
	qualified, err := p.qualifiers()
	if qualified {
		return []disjunct{{reason: ReasonQualifier}}, err
	}
	return ds, err
}

// qualifiers takes WITHIN n SECONDS, REPEATS n TIMES and START t STOP t.
func (p *pparser) qualifiers() (bool, error) {
	found := false
	for {
		var rest []string
		switch {
		case p.keyword("WITHIN"):
			rest = []string{"", "SECONDS"}
		case p.keyword("REPEATS"):
			rest = []string{"", "TIMES"}
		case p.keyword("START"):
			rest = []string{"", "STOP", ""}
		default:
			return found, nil
		}
		found = true
		for _, kw := range rest {
			if kw == "" && p.next().kind != tLiteral || kw != "" && !p.keyword(kw) {
				return true, errSyntax
			}
		}
	}
}

// Comparison expressions: OR binds looser than AND.
func (p *pparser) cmpOr() ([]disjunct, error)  { return p.chain(p.cmpAnd, "OR", "") }
func (p *pparser) cmpAnd() ([]disjunct, error) { return p.chain(p.comparison, "AND", ReasonAND) }

// comparison parses "( comparisons )", "EXISTS path", or "path [NOT] operator operand".
func (p *pparser) comparison() ([]disjunct, error) {
	if p.peek().kind == tLParen {
		if p.depth++; p.depth > maxDepth {
			return nil, errSyntax
		}
		defer func() { p.depth-- }()
		p.next()
		ds, err := p.cmpOr()
		if err == nil {
			err = p.expect(tRParen)
		}
		return ds, err
	}
	if p.keyword("EXISTS") {
		if t := p.next(); t.kind != tWord || !strings.Contains(t.text, ":") {
			return nil, errSyntax
		}
		return []disjunct{{reason: ReasonOperator}}, nil
	}
	path := p.next()
	if path.kind != tWord || !strings.Contains(path.text, ":") {
		return nil, errSyntax
	}
	negated := p.keyword("NOT")
	op, values, err := p.operation()
	if err != nil {
		return nil, err
	}
	objType, prop, _ := strings.Cut(path.text, ":")
	switch {
	case !supported[objType]:
		return []disjunct{{reason: ReasonObjectType}}, nil
	case prop != "value":
		return []disjunct{{reason: ReasonProperty}}, nil
	case negated || values == nil,
		op == "ISSUBSET" && objType != "ipv4-addr" && objType != "ipv6-addr":
		return []disjunct{{reason: ReasonOperator}}, nil
	}
	ds := make([]disjunct, len(values))
	for i, v := range values {
		ds[i] = disjunct{objType: objType, value: v}
	}
	return ds, nil
}

// operation parses an operator and its operand. values holds the operand's strings
// for =, IN and ISSUBSET, and is nil for other operators or operands.
func (p *pparser) operation() (op string, values []string, err error) {
	t := p.next()
	switch {
	case t.kind == tOp:
		op = t.text
	case t.kind == tWord:
		op = strings.ToUpper(t.text)
		switch op {
		case "IN", "LIKE", "MATCHES", "ISSUBSET", "ISSUPERSET":
		default:
			return "", nil, errSyntax
		}
	default:
		return "", nil, errSyntax
	}
	if op == "IN" {
		values, err = p.set()
		return op, values, err
	}
	operand := p.next()
	switch {
	case operand.kind != tString && operand.kind != tLiteral && operand.kind != tWord:
		return "", nil, errSyntax
	case operand.kind == tString && (op == "=" || op == "ISSUBSET"):
		values = []string{operand.text}
	}
	return op, values, nil
}

// set parses "( literal, ... )" and returns its strings, nil when one is not a string.
func (p *pparser) set() ([]string, error) {
	if err := p.expect(tLParen); err != nil {
		return nil, err
	}
	var values []string
	strs := true
	for {
		t := p.next()
		switch t.kind {
		case tString:
			values = append(values, t.text)
		case tLiteral, tWord:
			strs = false
		default:
			return nil, errSyntax
		}
		switch p.next().kind {
		case tComma:
			continue
		case tRParen:
			if !strs {
				return nil, nil
			}
			return values, nil
		default:
			return nil, errSyntax
		}
	}
}
