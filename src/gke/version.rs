//! GKE version strings such as `1.33.5-gke.1201000`, ordered the way GKE orders them:
//! by Kubernetes `major.minor.patch`, then by the `gke.N` build number.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// Autopilot has GKE Sandbox built in (RuntimeClass `gvisor`, nodes on demand) from this
/// version (docs/gke-sandbox.md#node-version).
pub(crate) const AUTOPILOT_SANDBOX_FROM: GkeVersion = GkeVersion::new(1, 27, 4, 800);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GkeVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
    /// The `N` of `-gke.N`; 0 when absent (a plain Kubernetes version sorts first).
    pub gke_build: u64,
}

impl GkeVersion {
    pub const fn new(major: u32, minor: u32, patch: u32, gke_build: u64) -> Self {
        GkeVersion {
            major,
            minor,
            patch,
            gke_build,
        }
    }
}

impl FromStr for GkeVersion {
    type Err = String;

    /// Accepts `1.33.5-gke.1201000`, `v1.33.5-gke.1201000` (kubelet form) and `1.33.5`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{text}` is not a GKE version like 1.33.5-gke.1201000");
        let text_trimmed = text.trim().trim_start_matches('v');
        let (kube, suffix) = match text_trimmed.split_once('-') {
            Some((kube, suffix)) => (kube, Some(suffix)),
            None => (text_trimmed, None),
        };
        let mut numbers = kube.split('.').map(|n| n.parse::<u32>().map_err(|_| bad()));
        let major = numbers.next().ok_or_else(bad)??;
        let minor = numbers.next().ok_or_else(bad)??;
        let patch = numbers.next().unwrap_or(Ok(0))?;
        if numbers.next().is_some() {
            return Err(bad());
        }
        let gke_build = match suffix {
            None => 0,
            Some(suffix) => suffix
                .strip_prefix("gke.")
                .and_then(|n| n.parse::<u64>().ok())
                .ok_or_else(bad)?,
        };
        Ok(GkeVersion::new(major, minor, patch, gke_build))
    }
}

impl Ord for GkeVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch, self.gke_build).cmp(&(
            other.major,
            other.minor,
            other.patch,
            other.gke_build,
        ))
    }
}

impl PartialOrd for GkeVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for GkeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if self.gke_build > 0 {
            write!(f, "-gke.{}", self.gke_build)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> GkeVersion {
        s.parse().unwrap()
    }

    #[test]
    fn parses_gke_kubelet_and_plain_forms() {
        assert_eq!(v("1.33.5-gke.1201000"), GkeVersion::new(1, 33, 5, 1201000));
        assert_eq!(v("v1.12.6-gke.8"), GkeVersion::new(1, 12, 6, 8));
        assert_eq!(v("1.30"), GkeVersion::new(1, 30, 0, 0));
    }

    #[test]
    fn orders_by_kubernetes_version_then_gke_build() {
        assert!(
            v("1.12.6-gke.8") < v("1.12.6-gke.10"),
            "numeric, not lexical"
        );
        assert!(v("1.12.6-gke.8") > v("1.12.6-gke.7"));
        assert!(v("1.12.7-gke.1") > v("1.12.6-gke.8"));
        assert!(v("1.9.9-gke.99") < v("1.12.6-gke.8"));
        assert_eq!(v("1.27.4-gke.800"), v("v1.27.4-gke.800"));
    }

    #[test]
    fn rejects_what_is_not_a_version() {
        for bad in ["", "latest", "1", "1.x.3", "1.2.3.4", "1.2.3-rc.1"] {
            assert!(bad.parse::<GkeVersion>().is_err(), "{bad}");
        }
    }

    #[test]
    fn displays_round_trip() {
        assert_eq!(v("1.27.4-gke.800").to_string(), "1.27.4-gke.800");
    }
}
