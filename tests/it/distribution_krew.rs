//! The krew manifests follow krew's rules, and the archive `krew/build-archive.sh` builds
//! installs the way krew installs it: checksum, `files` moves, then `bin`.
//!
//! krew itself cannot be fetched here, so its validation (pkg/index/validation) and its
//! install steps (pkg/installation) are restated below, small enough to check by reading.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const VERSION_TAG: &str = concat!("v", env!("CARGO_PKG_VERSION"));

/// The platforms the issue promises, as krew's (os, arch).
const PROMISED: [(&str, &str); 5] = [
    ("linux", "amd64"),
    ("linux", "arm64"),
    ("darwin", "amd64"),
    ("darwin", "arm64"),
    ("windows", "amd64"),
];

/// Every (os, arch) Go knows and krew selects on: no two platforms may match one of them.
const GO_PLATFORMS: [(&str, &str); 12] = [
    ("linux", "amd64"),
    ("linux", "arm64"),
    ("linux", "386"),
    ("linux", "arm"),
    ("linux", "ppc64le"),
    ("linux", "s390x"),
    ("darwin", "amd64"),
    ("darwin", "arm64"),
    ("windows", "amd64"),
    ("windows", "arm64"),
    ("windows", "386"),
    ("freebsd", "amd64"),
];

fn read_yaml(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn is_semver_with_v(version: &str) -> bool {
    let Some(rest) = version.strip_prefix('v') else {
        return false;
    };
    let core = rest.split(['-', '+']).next().unwrap();
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_digit())
                && (p == &"0" || !p.starts_with('0'))
        })
}

/// krew accepts `^[\w-]+$` but not Windows device names; krew-index's naming guide asks
/// for lowercase words joined by single hyphens. The stricter of the two.
fn is_plugin_name(name: &str) -> bool {
    const WINDOWS_DEVICES: [&str; 4] = ["con", "prn", "aux", "nul"];
    let device = WINDOWS_DEVICES.contains(&name)
        || ((name.starts_with("com") || name.starts_with("lpt"))
            && name.len() == 4
            && name.ends_with(|c: char| ('1'..='9').contains(&c)));
    !device
        && !name.is_empty()
        && name.split('-').all(|word| {
            !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn is_sha256(text: &str) -> bool {
    text.len() == 64
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c))
}

/// The labels a platform's selector requires; `None` when it uses anything but matchLabels.
fn match_labels(platform: &Value) -> Option<&serde_json::Map<String, Value>> {
    let selector = platform["selector"].as_object()?;
    if selector.keys().any(|k| k != "matchLabels") {
        return None;
    }
    selector["matchLabels"].as_object()
}

fn selects(platform: &Value, os: &str, arch: &str) -> bool {
    match_labels(platform).is_some_and(|labels| {
        labels.iter().all(|(key, value)| match key.as_str() {
            "os" => value == os,
            "arch" => value == arch,
            _ => false,
        })
    })
}

/// krew's rules for a manifest, as a list of what is wrong.
fn krew_problems(manifest: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut check = |ok: bool, what: String| {
        if !ok {
            problems.push(what);
        }
    };
    check(
        manifest["apiVersion"] == "krew.googlecontainertools.github.com/v1alpha2",
        "apiVersion".into(),
    );
    check(manifest["kind"] == "Plugin", "kind".into());
    let name = manifest["metadata"]["name"].as_str().unwrap_or_default();
    check(is_plugin_name(name), format!("name {name:?}"));
    let spec = &manifest["spec"];
    let version = spec["version"].as_str().unwrap_or_default();
    check(
        is_semver_with_v(version),
        format!("version {version:?} is not vX.Y.Z"),
    );
    let short = spec["shortDescription"].as_str().unwrap_or_default();
    check(
        !short.trim().is_empty() && !short.contains('\n'),
        format!("shortDescription {short:?} is not one line"),
    );
    for field in ["description", "homepage", "caveats"] {
        check(
            spec[field].as_str().is_some_and(|t| !t.trim().is_empty()),
            format!("{field} is empty"),
        );
    }
    let platforms = spec["platforms"].as_array().cloned().unwrap_or_default();
    check(!platforms.is_empty(), "no platforms".into());
    for (index, platform) in platforms.iter().enumerate() {
        let labels = match_labels(platform);
        check(
            labels.is_some_and(|l| !l.is_empty() && l.keys().all(|k| k == "os" || k == "arch")),
            format!("platform {index}: the selector must be matchLabels with only os and arch"),
        );
        let uri = platform["uri"].as_str().unwrap_or_default();
        check(
            uri.starts_with("https://"),
            format!("platform {index}: uri {uri:?}"),
        );
        let sha = platform["sha256"].as_str().unwrap_or_default();
        check(
            is_sha256(sha),
            format!("platform {index}: sha256 {sha:?} is not 64 lowercase hex"),
        );
        let files = platform["files"].as_array().cloned().unwrap_or_default();
        check(!files.is_empty(), format!("platform {index}: no files"));
        for file in &files {
            let (from, to) = (file["from"].as_str(), file["to"].as_str());
            check(
                from.is_some_and(|f| !f.is_empty()) && to.is_some_and(|t| !t.is_empty()),
                format!("platform {index}: files entry {file} needs from and to"),
            );
        }
        let bin = platform["bin"].as_str().unwrap_or_default();
        check(!bin.is_empty(), format!("platform {index}: no bin"));
    }
    for (os, arch) in GO_PLATFORMS {
        let matching = platforms.iter().filter(|p| selects(p, os, arch)).count();
        check(
            matching <= 1,
            format!("{matching} platforms select {os}/{arch}"),
        );
    }
    problems
}

#[test]
fn plugin_yaml_follows_krews_rules_and_covers_the_promised_platforms() {
    let manifest = read_yaml(Path::new("plugin.yaml"));
    assert_eq!(krew_problems(&manifest), Vec::<String>::new());
    assert_eq!(manifest["metadata"]["name"], "sandbox");
    assert_eq!(
        manifest["spec"]["version"], VERSION_TAG,
        "plugin.yaml's version is Cargo's"
    );
    let platforms = manifest["spec"]["platforms"].as_array().unwrap();
    for (os, arch) in PROMISED {
        let platform = platforms
            .iter()
            .find(|p| selects(p, os, arch))
            .unwrap_or_else(|| panic!("no platform for {os}/{arch}"));
        let (archive, executable) = match os {
            "windows" => ("zip", "kubectl-sandbox.exe"),
            _ => ("tar.gz", "kubectl-sandbox"),
        };
        let uri = platform["uri"].as_str().unwrap();
        assert!(
            uri.ends_with(&format!(
                "/{VERSION_TAG}/kubectl-sandbox_{VERSION_TAG}_{os}_{arch}.{archive}"
            )),
            "{uri}"
        );
        assert_eq!(platform["bin"], executable);
        let froms: Vec<&str> = platform["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["from"].as_str().unwrap())
            .collect();
        assert!(
            froms.contains(&executable) && froms.contains(&"LICENSE"),
            "{froms:?}"
        );
    }
}

#[test]
fn the_rules_catch_what_krew_rejects() {
    let good = read_yaml(Path::new("plugin.yaml"));
    let broken = |edit: &dyn Fn(&mut Value)| {
        let mut manifest = good.clone();
        edit(&mut manifest);
        krew_problems(&manifest)
    };
    assert!(!broken(&|m| m["spec"]["version"] = json!("0.1.0")).is_empty());
    assert!(!broken(&|m| m["metadata"]["name"] = json!("Sandbox")).is_empty());
    assert!(!broken(&|m| m["metadata"]["name"] = json!("nul")).is_empty());
    assert!(!broken(&|m| m["spec"]["shortDescription"] = json!("two\nlines")).is_empty());
    assert!(!broken(&|m| m["spec"]["platforms"][0]["sha256"] = json!("A".repeat(64))).is_empty());
    assert!(
        !broken(&|m| m["spec"]["platforms"][0]["selector"]["matchLabels"]["libc"] = json!("gnu"))
            .is_empty()
    );
    assert!(
        !broken(
            &|m| m["spec"]["platforms"][1]["selector"] = json!({"matchLabels": {"os": "linux"}})
        )
        .is_empty()
    );
    assert!(
        !broken(&|m| m["spec"]["platforms"][0]["files"][0] = json!({"from": "kubectl-sandbox"}))
            .is_empty()
    );
}

/// krew's name for this machine's platform.
fn host_platform() -> (&'static str, &'static str) {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        other => other,
    };
    (std::env::consts::OS, arch)
}

/// The already-built test binary, stripped when `strip` is installed: debug info is most
/// of its size, and compressing it would be most of this test's time.
fn packable_binary(dir: &Path) -> PathBuf {
    let built = PathBuf::from(env!("CARGO_BIN_EXE_kubectl-sandbox"));
    let copy = dir.join("kubectl-sandbox");
    std::fs::copy(&built, &copy).unwrap();
    match Command::new("strip").arg(&copy).status() {
        Ok(status) if status.success() => copy,
        _ => built,
    }
}

/// Runs `krew/build-archive.sh` on the already-built test binary (no release build).
fn build_archive(out: &Path) -> (PathBuf, PathBuf) {
    let binary_dir = tempfile::tempdir().unwrap();
    let output = Command::new("bash")
        .arg("krew/build-archive.sh")
        .arg("--binary")
        .arg(packable_binary(binary_dir.path()))
        .arg("--out")
        .arg(out)
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let field = |name: &str| {
        stdout
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .map(|value| PathBuf::from(value.trim()))
            .unwrap_or_else(|| panic!("no {name} in {stdout}"))
    };
    (field("archive:"), field("manifest:"))
}

/// krew's `files` step (internal/installation/move.go): a `from` naming an existing file
/// moves to `to` (its own name when `to` is `.`); otherwise `from` is a glob (here: `*` in
/// its last part) and each match moves to `to/<its name>`; a glob matching nothing fails.
fn apply_files(platform: &Value, extracted: &Path, install: &Path) {
    for file in platform["files"].as_array().unwrap() {
        let from = file["from"].as_str().unwrap();
        let to = file["to"].as_str().unwrap();
        let direct = extracted.join(from);
        if direct.exists() {
            let target = match to {
                "." => install.join(direct.file_name().unwrap()),
                to => install.join(to),
            };
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::rename(&direct, &target).unwrap();
            continue;
        }
        let (dir, pattern) = from.rsplit_once('/').unwrap_or(("", from));
        let (head, tail) = pattern.split_once('*').unwrap_or((pattern, ""));
        let mut moved = 0;
        for entry in std::fs::read_dir(extracted.join(dir)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let matches = pattern.contains('*')
                && name.starts_with(head)
                && name.ends_with(tail)
                && name.len() >= head.len() + tail.len();
            if matches {
                let target = install.join(to).join(&name);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::rename(extracted.join(dir).join(&name), &target).unwrap();
                moved += 1;
            }
        }
        assert!(
            moved > 0,
            "krew fails: no file in the archive matches {from}"
        );
    }
}

#[test]
fn the_built_archive_installs_as_krew_would() {
    let work = tempfile::tempdir().unwrap();
    let (archive, manifest_path) = build_archive(&work.path().join("dist"));
    let manifest = read_yaml(&manifest_path);
    assert_eq!(krew_problems(&manifest), Vec::<String>::new());
    assert_eq!(manifest["spec"]["version"], VERSION_TAG);

    // Only this machine's platform, with the archive's real checksum.
    let (os, arch) = host_platform();
    let platforms = manifest["spec"]["platforms"].as_array().unwrap();
    assert_eq!(platforms.len(), 1);
    let platform = &platforms[0];
    assert!(selects(platform, os, arch), "{platform}");
    let archive_bytes = std::fs::read(&archive).unwrap();
    let sha = format!("{:x}", Sha256::digest(&archive_bytes));
    assert_eq!(platform["sha256"], sha);
    assert!(
        platform["uri"]
            .as_str()
            .unwrap()
            .ends_with(archive.file_name().unwrap().to_str().unwrap())
    );

    // The rendered platform is plugin.yaml's, but for the checksum.
    let published = read_yaml(Path::new("plugin.yaml"));
    let mut same = published["spec"]["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| selects(p, os, arch))
        .unwrap()
        .clone();
    same["sha256"] = json!(sha);
    assert_eq!(platform, &same);
    for field in ["shortDescription", "description", "caveats", "homepage"] {
        assert_eq!(manifest["spec"][field], published["spec"][field], "{field}");
    }

    // Install: unpack, move `files`, then `bin` must be there and run.
    let extracted = work.path().join("extracted");
    std::fs::create_dir(&extracted).unwrap();
    let untar = Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&extracted)
        .status()
        .unwrap();
    assert!(untar.success());
    assert!(
        extracted.join("man/kubectl-sandbox.1").is_file(),
        "the man page is shipped"
    );
    let install = work.path().join("store/sandbox").join(VERSION_TAG);
    apply_files(platform, &extracted, &install);
    let bin = install.join(platform["bin"].as_str().unwrap());
    assert!(
        bin.is_file(),
        "bin {} is not in the installed archive",
        bin.display()
    );
    assert!(install.join("LICENSE").is_file());
    let version = Command::new(&bin).arg("version").output().unwrap();
    assert_eq!(
        String::from_utf8(version.stdout).unwrap(),
        format!("kubectl sandbox {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn the_template_renders_plugin_yaml_for_all_five_archives() {
    // Stand-in archives: render-manifest.sh only names and hashes them.
    let dir = tempfile::tempdir().unwrap();
    let mut archives = Vec::new();
    for (os, arch) in PROMISED {
        // File names as plugin.yaml's URIs end; the contents only need to differ.
        let format = if os == "windows" { "zip" } else { "tar.gz" };
        let path = dir.path().join(format!(
            "kubectl-sandbox_{VERSION_TAG}_{os}_{arch}.{format}"
        ));
        std::fs::write(&path, format!("{os}/{arch}")).unwrap();
        archives.push(path);
    }
    let output = Command::new("bash")
        .arg("krew/render-manifest.sh")
        .arg(VERSION_TAG)
        .args(&archives)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rendered: Value = serde_saphyr::from_slice(&output.stdout).unwrap();
    assert_eq!(krew_problems(&rendered), Vec::<String>::new());

    // Equal to plugin.yaml but for the checksums, which are the archives'.
    let mut published = read_yaml(Path::new("plugin.yaml"));
    for platform in published["spec"]["platforms"].as_array_mut().unwrap() {
        let name = platform["uri"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap();
        let bytes = std::fs::read(dir.path().join(name)).unwrap();
        platform["sha256"] = json!(format!("{:x}", Sha256::digest(bytes)));
    }
    assert_eq!(rendered, published);
}

#[test]
fn rendering_refuses_an_archive_no_platform_names() {
    let dir = tempfile::tempdir().unwrap();
    let stray = dir.path().join("kubectl-sandbox_v0.1.0_plan9_amd64.tar.gz");
    std::fs::write(&stray, "x").unwrap();
    let output = Command::new("bash")
        .arg("krew/render-manifest.sh")
        .arg(VERSION_TAG)
        .arg(&stray)
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("plan9_amd64"));
}
