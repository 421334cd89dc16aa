//! Query-string parameters exactly as apps/README.md specifies them.
//!
//! The query is split on `&`, each pair on its first `=`; names and values are percent-decoded with
//! `+` meaning space; the first occurrence of a name wins; a value must be decimal digits only and is
//! compared with its range by magnitude, so any digit string, however long, is either in range or a
//! clean 400 — never an overflow. Everything works on bytes: invalid UTF-8 or a broken `%` escape
//! can only make a value invalid, never panic.

use std::borrow::Cow;

/// A numeric query parameter: its name, its default when absent and its inclusive range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    /// The parameter name, matched case-sensitively after decoding.
    pub name: &'static str,
    /// The value used when the parameter is absent.
    pub default: u64,
    /// The smallest accepted value.
    pub min: u64,
    /// The largest accepted value.
    pub max: u64,
}

/// `/compute?n=N`: 2 ≤ N ≤ 10,000,000, default 10,000.
pub const COMPUTE_N: ParamSpec = ParamSpec {
    name: "n",
    default: 10_000,
    min: 2,
    max: 10_000_000,
};

/// `/payload?size=S`: 1 ≤ S ≤ 100,000, default 100.
pub const PAYLOAD_SIZE: ParamSpec = ParamSpec {
    name: "size",
    default: 100,
    min: 1,
    max: 100_000,
};

/// Why a parameter was rejected; becomes a 400 `{"error":"invalid parameter <name>","detail":...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    /// The parameter's name.
    pub name: &'static str,
    /// A human-readable reason.
    pub detail: String,
}

/// Percent-decodes one name or value of an `application/x-www-form-urlencoded` string.
///
/// `+` becomes a space and `%XX` (two hex digits) becomes that byte; a `%` not followed by two hex
/// digits is kept as it is (as the WHATWG URL standard's form decoder does).
pub fn percent_decode(input: &[u8]) -> Cow<'_, [u8]> {
    if !input.iter().any(|&b| b == b'%' || b == b'+') {
        return Cow::Borrowed(input);
    }
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        match input[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => match (
                input.get(i + 1).and_then(|&b| hex(b)),
                input.get(i + 2).and_then(|&b| hex(b)),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push(hi << 4 | lo);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Cow::Owned(out)
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The decoded value of the first pair named `name` in `query`, or `None` when there is none.
///
/// A pair without `=` (`?n`) has the empty value. Unknown names are skipped without decoding their
/// values.
pub fn first_value<'q>(query: Option<&'q str>, name: &str) -> Option<Cow<'q, [u8]>> {
    let query = query?;
    query.as_bytes().split(|&b| b == b'&').find_map(|pair| {
        let (raw_name, raw_value) = match pair.iter().position(|&b| b == b'=') {
            Some(eq) => (&pair[..eq], &pair[eq + 1..]),
            None => (pair, &pair[pair.len()..]),
        };
        (*percent_decode(raw_name) == *name.as_bytes()).then(|| percent_decode(raw_value))
    })
}

/// Checks one decoded value against `spec`: digits only, then range by magnitude.
pub fn parse_value(value: &[u8], spec: &ParamSpec) -> Result<u64, ParamError> {
    let reject = |detail: String| ParamError {
        name: spec.name,
        detail,
    };
    // Same wording as the other apps' `detail`.
    if value.is_empty() || !value.iter().all(u8::is_ascii_digit) {
        return Err(reject("must match ^[0-9]+$".to_owned()));
    }
    let significant = &value[value.iter().position(|&b| b != b'0').unwrap_or(value.len())..];
    // 19 digits always fit in a u64 (10^19 - 1 < 2^64); anything longer is above every range here.
    let magnitude = if significant.len() > 19 {
        None
    } else {
        Some(
            significant
                .iter()
                .fold(0u64, |acc, &d| acc * 10 + u64::from(d - b'0')),
        )
    };
    match magnitude {
        Some(v) if (spec.min..=spec.max).contains(&v) => Ok(v),
        _ => Err(reject(format!(
            "must be between {} and {}",
            spec.min, spec.max
        ))),
    }
}

/// The value of `spec`'s parameter in `query`: its default when absent, else the validated value.
pub fn lookup(query: Option<&str>, spec: &ParamSpec) -> Result<u64, ParamError> {
    match first_value(query, spec.name) {
        None => Ok(spec.default),
        Some(value) => parse_value(&value, spec),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (query, expected n): `Some(v)` accepted, `None` a 400.
    const N_CASES: &[(&str, Option<u64>)] = &[
        // absent → default
        ("", Some(10_000)),
        ("size=5", Some(10_000)),
        ("N=5", Some(10_000)), // names are case-sensitive
        // plain values and range edges
        ("n=2", Some(2)),
        ("n=3", Some(3)),
        ("n=10", Some(10)),
        ("n=10000000", Some(10_000_000)),
        ("n=1", None),
        ("n=0", None),
        ("n=10000001", None),
        // leading zeros, any number of them
        ("n=0000000000000000000000010", Some(10)),
        ("n=02", Some(2)),
        ("n=0010000000", Some(10_000_000)),
        ("n=00000000000000000000000000000000000000000000", None),
        ("n=01", None),
        // huge values are out of range by magnitude, never an overflow
        ("n=99999999999999999999999999", None),
        ("n=18446744073709551615", None),
        ("n=18446744073709551616", None),
        ("n=9999999999999999999", None),
        ("n=1000000000000000000000000000000000000000", None),
        // sign, decimal point, exponent, spaces, empty, hex, junk
        ("n=-1", None),
        ("n=+1", None),    // '+' decodes to a space
        ("n=%2B10", None), // an encoded '+' is a sign
        ("n=-0", None),
        ("n=1.0", None),
        ("n=10.", None),
        ("n=1e3", None),
        ("n=1E3", None),
        ("n=0x10", None),
        ("n=%2010", None), // " 10"
        ("n=10%20", None), // "10 "
        ("n=+10", None),   // " 10"
        ("n=1+0", None),
        ("n=", None),
        ("n", None),
        ("n=abc", None),
        ("n=%", None),
        ("n=%3", None),
        ("n=%zz", None),
        ("n=%FF", None),  // invalid UTF-8 after decoding
        ("n=１０", None), // full-width digits are not ASCII digits
        ("n=10\u{0}", None),
        // percent-encoded digits and names are decoded first
        ("n=%31%30", Some(10)),
        ("%6E=10", Some(10)),
        ("%6e=12", Some(12)),
        // the first occurrence wins
        ("n=10&n=x", Some(10)),
        ("n=x&n=10", None),
        ("n=&n=10", None),
        ("n&n=10", None),
        ("n=20&n=30", Some(20)),
        // other parameters are ignored, empty pairs skipped, split on the first '=' only
        ("foo=bar&n=12&baz", Some(12)),
        ("&&n=12&&", Some(12)),
        ("n=12=3", None),
        ("=5&n=7", Some(7)),
        ("n2=3&n=9", Some(9)),
    ];

    #[test]
    fn n_parameter_table() {
        for &(query, expected) in N_CASES {
            let got = lookup(Some(query), &COMPUTE_N);
            match expected {
                Some(v) => assert_eq!(got, Ok(v), "query {query:?}"),
                None => {
                    let err = got.expect_err(&format!("query {query:?} must be rejected"));
                    assert_eq!(err.name, "n", "query {query:?}");
                }
            }
        }
    }

    #[test]
    fn absent_query_uses_defaults() {
        assert_eq!(lookup(None, &COMPUTE_N), Ok(10_000));
        assert_eq!(lookup(None, &PAYLOAD_SIZE), Ok(100));
    }

    #[test]
    fn size_parameter_edges() {
        assert_eq!(lookup(Some("size=1"), &PAYLOAD_SIZE), Ok(1));
        assert_eq!(lookup(Some("size=100000"), &PAYLOAD_SIZE), Ok(100_000));
        assert_eq!(lookup(Some("size=000100000"), &PAYLOAD_SIZE), Ok(100_000));
        for bad in [
            "size=0",
            "size=100001",
            "size=-5",
            "size=",
            "size=1e2",
            "size=5.0",
            "size=%205",
        ] {
            let err = lookup(Some(bad), &PAYLOAD_SIZE).expect_err(bad);
            assert_eq!(err.name, "size");
        }
    }

    #[test]
    fn rejection_details_name_the_rule() {
        assert_eq!(
            parse_value(b"", &COMPUTE_N).unwrap_err().detail,
            "must match ^[0-9]+$"
        );
        assert_eq!(
            parse_value(b"-1", &COMPUTE_N).unwrap_err().detail,
            "must match ^[0-9]+$"
        );
        assert_eq!(
            parse_value(b"1", &COMPUTE_N).unwrap_err().detail,
            "must be between 2 and 10000000"
        );
        assert_eq!(
            parse_value(&[b'9'; 4096], &COMPUTE_N).unwrap_err().detail,
            "must be between 2 and 10000000"
        );
        assert_eq!(
            parse_value(b"0", &PAYLOAD_SIZE).unwrap_err().detail,
            "must be between 1 and 100000"
        );
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(&*percent_decode(b"a+b%20c"), b"a b c");
        assert_eq!(&*percent_decode(b"%41%4a%4A"), b"AJJ");
        assert_eq!(&*percent_decode(b"100%"), b"100%");
        assert_eq!(&*percent_decode(b"%%41"), b"%A");
        assert_eq!(&*percent_decode(b"%4"), b"%4");
        assert!(matches!(percent_decode(b"plain"), Cow::Borrowed(_)));
    }
}
