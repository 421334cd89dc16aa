package main

// Query-string handling exactly as apps/README.md specifies it, written by hand rather than with
// url.ParseQuery: ParseQuery rejects the whole query on one bad escape (so `?x=%zz&n=10` would
// lose n) and splits on `;` in older versions. Here a query is split on `&`, each pair on its
// first `=`, and names and values are decoded the way the WHATWG URL standard's
// application/x-www-form-urlencoded parser does (also Python's unquote_plus and Rust's
// form_urlencoded): `+` is a space, `%XX` with two hex digits is that byte, and a `%` not followed
// by two hex digits stays a literal `%`. So a bad escape never rejects anything by itself: in an
// unknown parameter it is ignored with the parameter, in a known one it leaves a `%` in the value,
// which then fails the digit rule (400).

import (
	"errors"
	"strings"
)

// lookupFirst returns the decoded value of the first pair in rawQuery whose decoded name equals
// name. A pair without `=` has the empty value. found is false when no pair has that name.
func lookupFirst(rawQuery, name string) (value string, found bool) {
	for rawQuery != "" {
		var pair string
		if i := strings.IndexByte(rawQuery, '&'); i >= 0 {
			pair, rawQuery = rawQuery[:i], rawQuery[i+1:]
		} else {
			pair, rawQuery = rawQuery, ""
		}
		if pair == "" {
			continue
		}
		rawName, rawValue := pair, ""
		if i := strings.IndexByte(pair, '='); i >= 0 {
			rawName, rawValue = pair[:i], pair[i+1:]
		}
		if formDecode(rawName) == name {
			return formDecode(rawValue), true
		}
	}
	return "", false
}

// formDecode decodes one application/x-www-form-urlencoded name or value (see the file comment).
func formDecode(s string) string {
	needs := false
	for i := 0; i < len(s); i++ {
		if s[i] == '+' || s[i] == '%' {
			needs = true
			break
		}
	}
	if !needs {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '+':
			out = append(out, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return string(out)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	default:
		return c - 'A' + 10
	}
}

var (
	errNotDigits  = errors.New("must be decimal digits only")
	errOutOfRange = errors.New("out of range")
)

// parseBounded applies the parameter rule: s must match ^[0-9]+$ (any number of leading zeros)
// and lie in [lo, hi], compared by magnitude so that an arbitrarily long digit string is simply
// out of range. It never overflows.
func parseBounded(s string, lo, hi uint64) (uint64, error) {
	if s == "" {
		return 0, errNotDigits
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, errNotDigits
		}
	}
	i := 0
	for i < len(s)-1 && s[i] == '0' {
		i++
	}
	digits := s[i:]
	// hi has at most 20 digits; anything longer is larger than any uint64.
	if len(digits) > 20 {
		return 0, errOutOfRange
	}
	var v uint64
	for j := 0; j < len(digits); j++ {
		d := uint64(digits[j] - '0')
		if v > (^uint64(0)-d)/10 {
			return 0, errOutOfRange
		}
		v = v*10 + d
	}
	if v < lo || v > hi {
		return 0, errOutOfRange
	}
	return v, nil
}

// queryParam resolves one numeric parameter: absent → def; present → parseBounded.
func queryParam(rawQuery, name string, def, lo, hi uint64) (uint64, error) {
	s, found := lookupFirst(rawQuery, name)
	if !found {
		return def, nil
	}
	return parseBounded(s, lo, hi)
}
