//! Finding, merging and choosing from kubeconfig files the way kubectl does.

use std::ffi::OsStr;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use kube::config::{Kubeconfig, KubeconfigError};

use super::ConnectError;

/// The files to read, in kubectl's order: `--kubeconfig` alone when given; else every
/// path in `$KUBECONFIG`; else `~/.kube/config`.
pub(super) fn candidate_files(
    flag: Option<&Path>,
    env: Option<&OsStr>,
    home: Option<&Path>,
) -> Vec<PathBuf> {
    if let Some(path) = flag {
        return vec![path.to_path_buf()];
    }
    let from_env: Vec<PathBuf> = env
        .map(|value| {
            std::env::split_paths(value)
                .filter(|path| !path.as_os_str().is_empty())
                .collect()
        })
        .unwrap_or_default();
    if !from_env.is_empty() {
        return from_env;
    }
    home.map(|home| home.join(".kube").join("config"))
        .into_iter()
        .collect()
}

/// Reads and merges the files; the first file to set a value wins (kube's `merge`
/// follows kubectl's rules). Files that do not exist are skipped like kubectl skips them
/// in `$KUBECONFIG`, except a `--kubeconfig` file, which must exist.
pub(super) fn load(files: &[PathBuf], explicit: bool) -> Result<Kubeconfig, ConnectError> {
    let missing = || ConnectError::KubeconfigMissing {
        looked_at: files.to_vec(),
    };
    let mut merged: Option<Kubeconfig> = None;
    for path in files {
        let config = match Kubeconfig::read_from(path) {
            Ok(config) => config,
            Err(KubeconfigError::ReadConfig(error, _)) if error.kind() == ErrorKind::NotFound => {
                if explicit {
                    return Err(missing());
                }
                continue;
            }
            Err(error) => return Err(malformed(path, &error)),
        };
        merged = Some(match merged {
            Some(earlier) => earlier
                .merge(config)
                .map_err(|error| malformed(path, &error))?,
            None => config,
        });
    }
    merged.ok_or_else(missing)
}

/// The context to use (`--context`, else `current-context`) and its cluster entry's name.
pub(super) fn choose_context(
    config: &Kubeconfig,
    wanted: Option<&str>,
) -> Result<(String, String), ConnectError> {
    let available: Vec<String> = config
        .contexts
        .iter()
        .map(|context| context.name.clone())
        .collect();
    let Some(name) = wanted
        .or(config.current_context.as_deref())
        .filter(|name| !name.is_empty())
    else {
        return Err(ConnectError::NoCurrentContext { available });
    };
    let Some(context) = config.contexts.iter().find(|context| context.name == name) else {
        return Err(ConnectError::ContextNotFound {
            name: name.to_string(),
            available,
        });
    };
    let cluster = context
        .context
        .as_ref()
        .map(|context| context.cluster.clone())
        .unwrap_or_default();
    if !config.clusters.iter().any(|entry| entry.name == cluster) {
        return Err(ConnectError::ClusterEntryMissing {
            context: name.to_string(),
            cluster,
        });
    }
    Ok((name.to_string(), cluster))
}

fn malformed(path: &Path, error: &KubeconfigError) -> ConnectError {
    ConnectError::KubeconfigMalformed {
        path: path.to_path_buf(),
        detail: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_wins_then_the_env_list_then_home() {
        let home = Path::new("/home/me");
        assert_eq!(
            candidate_files(Some(Path::new("/x")), Some(OsStr::new("/a:/b")), Some(home)),
            [PathBuf::from("/x")]
        );
        assert_eq!(
            candidate_files(None, Some(OsStr::new("/a::/b")), Some(home)),
            [PathBuf::from("/a"), PathBuf::from("/b")]
        );
        assert_eq!(
            candidate_files(None, Some(OsStr::new("")), Some(home)),
            [PathBuf::from("/home/me/.kube/config")]
        );
        assert!(candidate_files(None, None, None).is_empty());
    }
}
