package proxyevent

import (
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// eventGen produces random, mostly event-shaped JSON documents that stress
// the corners of encoding/json's semantics: case-insensitive and escaped
// member names, duplicates, nulls, wrong types, odd strings and numbers.
type eventGen struct {
	rnd *rand.Rand
	b   strings.Builder
}

var genStrings = []string{
	"", "GET", "/a/b", "x", "caf\\u00e9", "\\ud83d\\ude80", "\\ud83d", "\\ude80x", "a\\\"b\\\\c\\/d",
	"\\b\\f\\n\\r\\t", "\xff\xfe", "\xed\xa0\x80", "\xe2\x82", "日本", "\u2028", "<&>", "\\u0000",
	"2.0", "x.lambda-url.eu-west-1.on.aws", "GET /x/{id}", "$default",
	"a=1&a=2&b", "x=%zz&y=%41+b;c", "a,b,,c", "k=v&&=&k=w",
}

var genNumbers = []string{"0", "-0", "1", "-17", "3.25", "1e3", "-2.5E-3", "9223372036854775807",
	"9223372036854775808", "-9223372036854775808", "1e400", "0.000001"}

func (g *eventGen) pick(list []string) string { return list[g.rnd.IntN(len(list))] }

// name writes a member name that matches target in one of the ways
// encoding/json accepts (or, sometimes, a near miss).
func (g *eventGen) name(target string) {
	n := target
	switch g.rnd.IntN(10) {
	case 0:
		n = strings.ToUpper(n)
	case 1:
		n = strings.ToLower(n)
	case 2:
		n = strings.ReplaceAll(n, "s", "\u017f") // long s folds to s
	case 3:
		n = strings.ReplaceAll(strings.ReplaceAll(n, "k", "\u212a"), "K", "\u212a") // Kelvin sign folds to k
	case 4:
		if n != "" {
			n = "\\u" + strconv.FormatInt(int64(n[0])+0x10000, 16)[1:] + n[1:]
		}
	case 5:
		n += "x"
	}
	g.b.WriteString(`"` + n + `":`)
}

func (g *eventGen) str() { g.b.WriteString(`"` + g.pick(genStrings) + `"`) }

// any writes a random value of any type.
func (g *eventGen) any(depth int) {
	switch k := g.rnd.IntN(8); {
	case k == 0:
		g.b.WriteString("null")
	case k == 1:
		g.b.WriteString([]string{"true", "false"}[g.rnd.IntN(2)])
	case k == 2:
		g.b.WriteString(g.pick(genNumbers))
	case k == 3 || depth > 3:
		g.str()
	case k < 6:
		g.b.WriteByte('[')
		for i := range g.rnd.IntN(4) {
			if i > 0 {
				g.b.WriteByte(',')
			}
			g.any(depth + 1)
		}
		g.b.WriteByte(']')
	default:
		g.object(depth+1, func() { g.name(g.pick(genStrings)); g.any(depth + 1) })
	}
}

func (g *eventGen) object(depth int, member func()) {
	g.b.WriteByte('{')
	for i := range g.rnd.IntN(5) {
		if i > 0 {
			g.b.WriteString(", ")
		}
		member()
	}
	g.b.WriteByte('}')
}

// typed writes a value of the expected kind most of the time.
func (g *eventGen) typed(kind byte, depth int) {
	if g.rnd.IntN(6) == 0 {
		g.any(depth)
		return
	}
	switch kind {
	case 's':
		g.str()
	case 'b':
		g.b.WriteString([]string{"true", "false", "null"}[g.rnd.IntN(3)])
	case 'n':
		g.b.WriteString(g.pick(genNumbers))
	case 'm': // map of strings
		g.object(depth+1, func() { g.name(g.pick(genStrings)); g.typed('s', depth+1) })
	case 'l': // map of string lists
		g.object(depth+1, func() {
			g.name(g.pick(genStrings))
			if g.rnd.IntN(5) == 0 {
				g.b.WriteString("null")
				return
			}
			g.b.WriteByte('[')
			for i := range g.rnd.IntN(3) {
				if i > 0 {
					g.b.WriteByte(',')
				}
				g.typed('s', depth+2)
			}
			g.b.WriteByte(']')
		})
	case 'c':
		g.object(depth+1, func() {
			f := g.rnd.IntN(len(contextNames) + 2)
			switch {
			case f >= len(contextNames):
				g.name("extendedRequestId")
				g.any(depth + 1)
			case f == cIdentity:
				g.name("identity")
				g.object(depth+2, func() {
					g.name([]string{"sourceIp", "userAgent", "user", "clientCert"}[g.rnd.IntN(4)])
					g.typed('s', depth+2)
				})
			case f == cHTTP:
				g.name("http")
				g.object(depth+2, func() { g.name(g.pick(httpNames)); g.typed('s', depth+2) })
			case f == cAuthorizer:
				g.name("authorizer")
				g.typed('a', depth+1)
			case f == cRequestTimeEpoch || f == cTimeEpoch:
				g.name(contextNames[f])
				g.typed('n', depth+1)
			default:
				g.name(contextNames[f])
				g.typed('s', depth+1)
			}
		})
	case 'a':
		g.object(depth+1, func() { g.name(g.pick(genStrings)); g.any(depth + 1) })
	case 'r': // array of strings
		g.b.WriteByte('[')
		for i := range g.rnd.IntN(3) {
			if i > 0 {
				g.b.WriteByte(',')
			}
			g.typed('s', depth+1)
		}
		g.b.WriteByte(']')
	}
}

var topKinds = map[string]byte{
	"resource": 's', "path": 's', "httpMethod": 's', "headers": 'm', "multiValueHeaders": 'l',
	"queryStringParameters": 'm', "multiValueQueryStringParameters": 'l', "pathParameters": 'm',
	"stageVariables": 'm', "requestContext": 'c', "body": 's', "isBase64Encoded": 'b', "version": 's',
	"routeKey": 's', "rawPath": 's', "rawQueryString": 's', "cookies": 'r',
}

func (g *eventGen) event() []byte {
	g.b.Reset()
	g.b.WriteByte('{')
	if g.rnd.IntN(3) == 0 { // steer towards v2 documents
		g.b.WriteString(`"version":"2.0",`)
	}
	n := 1 + g.rnd.IntN(10)
	for i := range n {
		if i > 0 {
			g.b.WriteByte(',')
		}
		name := topNames[g.rnd.IntN(len(topNames))]
		if g.rnd.IntN(12) == 0 {
			g.name("unknownField")
			g.any(1)
			continue
		}
		g.name(name)
		g.typed(topKinds[name], 1)
	}
	g.b.WriteByte('}')
	return []byte(g.b.String())
}

// TestDecodeRandomDifferential runs generated documents (and corrupted
// copies of them) through the same checks as FuzzDecode.
func TestDecodeRandomDifferential(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 2000
	}
	g := &eventGen{rnd: rand.New(rand.NewPCG(1, 2))}
	compared := 0
	for range n {
		doc := g.event()
		if g.rnd.IntN(4) == 0 { // corrupt a byte
			const junk = "{}[]\",:\\ x0-\xff\n"
			doc[g.rnd.IntN(len(doc))] = junk[g.rnd.IntN(len(junk))]
		}
		if differential(t, doc) {
			compared++
		}
		if t.Failed() {
			t.Fatalf("input: %q", doc)
		}
	}
	t.Logf("%d documents, %d compared field by field with encoding/json", n, compared)
}

// differential is the body of FuzzDecode. It reports whether the fields
// were compared (encoding/json could decode the input).
func differential(t *testing.T, data []byte) bool {
	t.Helper()
	r, err := Decode(data)
	valid := json.Valid(data)
	if err != nil {
		if valid {
			t.Errorf("Decode rejected valid JSON: %v", err)
		}
		return false
	}
	if !valid {
		t.Errorf("Decode accepted invalid JSON (kind %v)", r.Kind)
		return false
	}
	switch r.Kind {
	case KindV2, KindFunctionURL:
		var std events.APIGatewayV2HTTPRequest
		if json.Unmarshal(data, &std) != nil {
			return false
		}
		compareV2(r, &std, data).report(t, r.Kind.String())
	default:
		var std events.APIGatewayProxyRequest
		if json.Unmarshal(data, &std) != nil {
			return false
		}
		compareV1(r, &std).report(t, r.Kind.String())
	}
	return true
}
