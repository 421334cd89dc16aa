//! k8s-bench's Rust target: the app contract of `apps/README.md` on axum + Tokio.
//!
//! Everything testable lives here; `main.rs` only reads the environment, builds the runtime,
//! listens and waits for a signal.

pub mod app;
pub mod concurrency;
pub mod params;
pub mod payload;
pub mod primes;

/// Parses `PORT`: unset → 8080; otherwise decimal digits, 0..=65535 (0 asks the OS for a free port).
/// The error names the variable and the value.
pub fn parse_port(raw: Option<&str>) -> Result<u16, String> {
    const SPEC: params::ParamSpec = params::ParamSpec {
        name: "PORT",
        default: 8080,
        min: 0,
        max: 65_535,
    };
    let Some(raw) = raw else { return Ok(8080) };
    params::parse_value(raw.as_bytes(), &SPEC)
        .ok()
        .and_then(|port| u16::try_from(port).ok())
        .ok_or_else(|| format!("invalid PORT={raw:?}: must be an integer between 0 and 65535"))
}

#[cfg(test)]
mod tests {
    use super::parse_port;

    #[test]
    fn port_defaults_and_validation() {
        assert_eq!(parse_port(None), Ok(8080));
        assert_eq!(parse_port(Some("18080")), Ok(18080));
        assert_eq!(parse_port(Some("0")), Ok(0));
        assert_eq!(parse_port(Some("65535")), Ok(65535));
        for bad in ["", "65536", "-1", "80a", " 80", "99999999999999999999999"] {
            assert_eq!(
                parse_port(Some(bad)),
                Err(format!(
                    "invalid PORT={bad:?}: must be an integer between 0 and 65535"
                ))
            );
        }
    }
}
