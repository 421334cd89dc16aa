//! Effective concurrency: how many requests compute at once, and how many Tokio workers run.
//!
//! Rule (apps/README.md): `CONCURRENCY` (a positive integer; set but empty counts as unset, as an empty
//! `GOMAXPROCS` does for Go and as the Go app does) overrides; otherwise the CPU limit from
//! cgroup v2 `cpu.max` or cgroup v1 `cpu.cfs_quota_us`/`cpu.cfs_period_us`, rounded **up** to whole
//! CPUs, at least 1, never more than the affinity-mask CPU count; with no limit, the affinity count.
//!
//! Why not `std::thread::available_parallelism()`: on Linux it also takes the affinity mask and the
//! cgroup quota, but it rounds the quota **down** (`quota / period`, so a 1.5-CPU limit gives 1 where
//! the contract wants 2) and it walks the process's cgroup hierarchy instead of reading the files the
//! contract names. It is used only as a fallback when `sched_getaffinity` fails.
//!
//! Parsing is pure (text in, number out) so it is tested on sample file contents; only
//! [`detect`] touches the file system and the environment.

use std::fs;

/// The variable that overrides the derived concurrency.
pub const ENV_VAR: &str = "CONCURRENCY";
/// The largest accepted `CONCURRENCY`: a guard against spawning thousands of threads by typo.
pub const MAX_OVERRIDE: usize = 1024;
/// cgroup v2 CPU limit file, as seen from inside the container's cgroup namespace.
pub const CGROUP_V2_CPU_MAX: &str = "/sys/fs/cgroup/cpu.max";
/// cgroup v1 CPU controller mount points (the second is the usual target of the first's symlink).
pub const CGROUP_V1_DIRS: [&str; 2] = ["/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct"];

/// Whole CPUs allowed by a quota over a period: ceil(quota / period), at least 1.
/// `None` (no limit) for a non-positive quota or period.
pub fn cpus_from_quota(quota: i64, period: i64) -> Option<u64> {
    if quota <= 0 || period <= 0 {
        return None;
    }
    let (quota, period) = (quota as u64, period as u64);
    Some(quota.div_ceil(period).max(1))
}

/// Whole CPUs allowed by the contents of a cgroup v2 `cpu.max` file (`"<quota> <period>"` or
/// `"max <period>"`). `None` for no limit or unreadable contents.
pub fn cpus_from_cpu_max(text: &str) -> Option<u64> {
    let mut fields = text.split_whitespace();
    let quota = fields.next()?;
    // The period is optional in what the kernel accepts on write; it always prints it, default 100000.
    let period = fields
        .next()
        .map_or(Some(100_000), |p| p.parse::<i64>().ok())?;
    if quota == "max" {
        return None;
    }
    cpus_from_quota(quota.parse().ok()?, period)
}

/// Whole CPUs allowed by cgroup v1 `cpu.cfs_quota_us` and `cpu.cfs_period_us` contents
/// (`-1` quota means no limit). `None` for no limit or unreadable contents.
pub fn cpus_from_cfs(quota_text: &str, period_text: &str) -> Option<u64> {
    cpus_from_quota(
        quota_text.trim().parse().ok()?,
        period_text.trim().parse().ok()?,
    )
}

/// Parses a `CONCURRENCY` value: digits only, 1..=[`MAX_OVERRIDE`]. The error names the variable
/// and the value.
pub fn parse_override(raw: &str) -> Result<usize, String> {
    let digits_only = !raw.is_empty() && raw.bytes().all(|b| b.is_ascii_digit());
    let value = digits_only
        .then(|| raw.trim_start_matches('0'))
        .filter(|significant| significant.len() <= 4)
        .map(|significant| significant.parse::<usize>().unwrap_or(0));
    match value {
        Some(v) if (1..=MAX_OVERRIDE).contains(&v) => Ok(v),
        _ => Err(format!(
            "invalid {ENV_VAR}={raw:?}: must be a positive integer between 1 and {MAX_OVERRIDE}"
        )),
    }
}

/// The effective concurrency from its three inputs. Pure.
///
/// * `override_value`: the raw `CONCURRENCY` value, if the variable is set; empty counts as unset.
/// * `cgroup_cpus`: whole CPUs allowed by the cgroup limit, `None` when there is no limit.
/// * `affinity_cpus`: CPUs in the process's affinity mask.
pub fn derive(
    override_value: Option<&str>,
    cgroup_cpus: Option<u64>,
    affinity_cpus: usize,
) -> Result<usize, String> {
    if let Some(raw) = override_value.filter(|raw| !raw.is_empty()) {
        return parse_override(raw);
    }
    let affinity_cpus = affinity_cpus.max(1);
    Ok(match cgroup_cpus {
        Some(limit) => usize::try_from(limit)
            .unwrap_or(usize::MAX)
            .clamp(1, affinity_cpus),
        None => affinity_cpus,
    })
}

/// Whole CPUs allowed by the cgroup CPU limit visible at the contract's paths, v2 first, then v1.
pub fn cgroup_cpus() -> Option<u64> {
    if let Ok(text) = fs::read_to_string(CGROUP_V2_CPU_MAX) {
        return cpus_from_cpu_max(&text);
    }
    CGROUP_V1_DIRS.iter().find_map(|dir| {
        let quota = fs::read_to_string(format!("{dir}/cpu.cfs_quota_us")).ok()?;
        let period = fs::read_to_string(format!("{dir}/cpu.cfs_period_us")).ok()?;
        Some(cpus_from_cfs(&quota, &period))
    })?
}

/// CPUs this process may run on (its `sched_getaffinity` mask).
pub fn affinity_cpus() -> usize {
    // SAFETY: `cpu_set_t` is plain data for which all-zero is a valid (empty) set; the kernel writes
    // at most `size_of::<cpu_set_t>()` bytes into it; `CPU_COUNT` only reads it.
    let count = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) == 0 {
            usize::try_from(libc::CPU_COUNT(&set)).unwrap_or(0)
        } else {
            0 // e.g. EINVAL on a machine with more than 1024 CPUs
        }
    };
    if count > 0 {
        count
    } else {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    }
}

/// The effective concurrency of this process: environment, cgroup files and affinity mask.
pub fn detect() -> Result<usize, String> {
    let override_value = match std::env::var(ENV_VAR) {
        Ok(value) => Some(value),
        Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(raw)) => {
            return Err(format!(
                "invalid {ENV_VAR}={raw:?}: must be a positive integer between 1 and {MAX_OVERRIDE}"
            ));
        }
    };
    derive(override_value.as_deref(), cgroup_cpus(), affinity_cpus())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cgroup_v2_cpu_max_samples() {
        for (text, expected) in [
            ("max 100000\n", None),
            ("max\n", None),
            ("100000 100000\n", Some(1)),
            ("200000 100000\n", Some(2)),
            ("150000 100000\n", Some(2)), // 1.5 CPUs round up
            ("250000 100000\n", Some(3)),
            ("50000 100000\n", Some(1)), // 500m
            ("1000 100000\n", Some(1)),  // 10m: at least 1
            ("100001 100000\n", Some(2)),
            ("400000 100000", Some(4)),
            ("50000 50000\n", Some(1)),
            ("75000 50000\n", Some(2)),
            ("200000\n", Some(2)), // period omitted: kernel default 100000
            ("", None),
            ("garbage\n", None),
            ("100000 x\n", None),
            ("-1 100000\n", None),
            ("0 100000\n", None),
            ("100000 0\n", None),
        ] {
            assert_eq!(cpus_from_cpu_max(text), expected, "cpu.max {text:?}");
        }
    }

    #[test]
    fn cgroup_v1_cfs_samples() {
        assert_eq!(cpus_from_cfs("-1\n", "100000\n"), None);
        assert_eq!(cpus_from_cfs("100000\n", "100000\n"), Some(1));
        assert_eq!(cpus_from_cfs("150000\n", "100000\n"), Some(2));
        assert_eq!(cpus_from_cfs("300000\n", "100000\n"), Some(3));
        assert_eq!(cpus_from_cfs("20000\n", "100000\n"), Some(1));
        assert_eq!(cpus_from_cfs("", "100000\n"), None);
        assert_eq!(cpus_from_cfs("100000\n", "0\n"), None);
    }

    #[test]
    fn derive_caps_the_cgroup_limit_by_affinity() {
        assert_eq!(derive(None, None, 8), Ok(8));
        assert_eq!(derive(None, Some(2), 8), Ok(2));
        assert_eq!(derive(None, Some(16), 8), Ok(8));
        assert_eq!(derive(None, Some(1), 1), Ok(1));
        assert_eq!(derive(None, None, 0), Ok(1));
        assert_eq!(derive(None, Some(u64::MAX), 4), Ok(4));
        assert_eq!(derive(None, cpus_from_cpu_max("150000 100000"), 4), Ok(2));
    }

    #[test]
    fn override_wins_over_cgroup_and_affinity() {
        assert_eq!(derive(Some("3"), Some(1), 2), Ok(3));
        assert_eq!(derive(Some("1"), None, 64), Ok(1));
        assert_eq!(derive(Some("0004"), None, 1), Ok(4));
        assert_eq!(derive(Some("1024"), None, 1), Ok(1024));
    }

    #[test]
    fn empty_override_counts_as_unset() {
        assert_eq!(derive(Some(""), Some(3), 8), Ok(3));
        assert_eq!(derive(Some(""), None, 2), Ok(2));
    }

    #[test]
    fn rejects_invalid_override_naming_variable_and_value() {
        for raw in [
            "0",
            "00",
            "-1",
            "+2",
            "1.5",
            "2e1",
            " 2",
            "2 ",
            "two",
            "1025",
            "99999999999999999999999",
        ] {
            let err = derive(Some(raw), Some(1), 2).expect_err(raw);
            assert_eq!(
                err,
                format!(
                    "invalid CONCURRENCY={raw:?}: must be a positive integer between 1 and 1024"
                )
            );
        }
    }

    #[test]
    fn affinity_count_is_positive() {
        assert!(affinity_cpus() >= 1);
    }
}
